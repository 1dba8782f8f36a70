"""Kafka entrypoints of the mapping service. Thin: one handler call each."""

from service_runtime.runtime import Runtime


def register_consumers(runtime: Runtime) -> None:
    pass
