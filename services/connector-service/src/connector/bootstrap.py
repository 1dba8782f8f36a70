"""Composition root: settings → runtime (database, Kafka, outbox relay)."""

from connector.adapters.db import MIGRATIONS
from connector.settings import Settings
from service_runtime.runtime import Runtime


def build(settings: Settings) -> Runtime:
    return Runtime(settings, migrations=MIGRATIONS)
