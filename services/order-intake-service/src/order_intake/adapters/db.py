"""Tables and migrations of the order intake service. Its own tables come with its features;
the runtime's outbox, inbox and revocation tables are in every service's migration history."""

from pathlib import Path

from service_runtime.migrations import Migrations

MIGRATIONS = Migrations(Path(__file__).parents[1] / "migrations")
