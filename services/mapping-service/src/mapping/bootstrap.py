"""Composition root: settings → runtime (database, Kafka, outbox relay, consumers) plus what
mapping adds: the design file inspector behind the SSRF guard."""

from mapping.adapters.clock import SystemClock
from mapping.adapters.db import MIGRATIONS, MappingUnitOfWork
from mapping.adapters.design_files import HttpDesignFiles
from mapping.entrypoints.consumers import register_consumers
from mapping.settings import MappingSettings
from service_runtime.runtime import Runtime


class MappingRuntime(Runtime):
    settings: MappingSettings

    def __init__(self, settings: MappingSettings) -> None:
        super().__init__(settings, migrations=MIGRATIONS, unit_of_work=MappingUnitOfWork)
        self.clock = SystemClock()
        self.design_files = HttpDesignFiles(
            allow_private=settings.outbound_allow_private,
            timeout=settings.design_file_timeout_seconds,
            max_bytes=settings.design_file_max_bytes,
        )

    async def stop(self) -> None:
        try:
            await self.design_files.close()
        finally:
            await super().stop()


def build(settings: MappingSettings) -> MappingRuntime:
    runtime = MappingRuntime(settings)
    register_consumers(runtime, clock=runtime.clock)
    return runtime
