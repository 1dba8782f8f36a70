"""Composition root: settings → runtime (database, Kafka, relay, consumers)."""

from access.adapters.db import MIGRATIONS, AccessUnitOfWork
from access.entrypoints.consumers import register_consumers
from access.settings import AccessSettings
from service_runtime.runtime import Runtime


def build(settings: AccessSettings) -> Runtime:
    runtime = Runtime(settings, migrations=MIGRATIONS, unit_of_work=AccessUnitOfWork)
    register_consumers(runtime)
    return runtime
