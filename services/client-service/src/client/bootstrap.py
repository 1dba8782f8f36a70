"""Composition root: settings → runtime (database, Kafka, outbox relay) → API."""

from client.adapters.db import MIGRATIONS, ClientUnitOfWork
from client.settings import ClientSettings
from service_runtime.runtime import Runtime


def build(settings: ClientSettings) -> Runtime:
    return Runtime(settings, migrations=MIGRATIONS, unit_of_work=ClientUnitOfWork)
