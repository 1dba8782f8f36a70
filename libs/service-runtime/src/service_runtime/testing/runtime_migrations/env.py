"""Alembic environment of the runtime-only test history: the runtime hands over the connection and metadata
(`python -m service_runtime.migrations ...`, or the service's start)."""

from service_runtime.migrations import run_env

run_env()
