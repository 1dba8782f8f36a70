"""Composition root: settings → runtime (database, Kafka, outbox relay)."""

from mapping.adapters.db import MIGRATIONS
from mapping.settings import MappingSettings
from service_runtime.runtime import Runtime


def build(settings: MappingSettings) -> Runtime:
    return Runtime(settings, migrations=MIGRATIONS)
