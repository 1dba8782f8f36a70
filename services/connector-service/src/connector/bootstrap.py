"""Composition root: settings → runtime (database, Kafka, outbox relay)."""

from connector.adapters.db import MIGRATIONS, ConnectorUnitOfWork
from connector.settings import ConnectorSettings
from service_runtime.runtime import Runtime


def build(settings: ConnectorSettings) -> Runtime:
    return Runtime(settings, migrations=MIGRATIONS, unit_of_work=ConnectorUnitOfWork)
