"""Composition root: settings → runtime (database, Kafka, outbox relay, consumers)."""

from order_intake.adapters.db import MIGRATIONS, OrderIntakeUnitOfWork
from order_intake.entrypoints.consumers import register_consumers
from order_intake.settings import OrderIntakeSettings
from service_runtime.runtime import Runtime


def build(settings: OrderIntakeSettings) -> Runtime:
    runtime = Runtime(settings, migrations=MIGRATIONS, unit_of_work=OrderIntakeUnitOfWork)
    register_consumers(runtime)
    return runtime
