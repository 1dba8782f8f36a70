"""Tables and migrations of the mapping service. Its own tables come with its features;
the runtime's outbox and inbox tables are migrated for every service."""

from service_runtime.migrations import Migration

MIGRATIONS: tuple[Migration, ...] = ()
