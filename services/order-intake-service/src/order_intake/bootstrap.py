"""Composition root: settings → runtime (database, Kafka, outbox relay)."""

from order_intake.adapters.db import MIGRATIONS
from order_intake.settings import OrderIntakeSettings
from service_runtime.runtime import Runtime


def build(settings: OrderIntakeSettings) -> Runtime:
    return Runtime(settings, migrations=MIGRATIONS)
