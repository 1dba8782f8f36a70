"""``python -m mapping`` or ``uvicorn mapping.main:create_app --factory``."""

from fastapi import FastAPI

from mapping.bootstrap import build
from mapping.settings import MappingSettings
from service_runtime.http import create_api
from service_runtime.logging import configure_logging
from service_runtime.runtime import Runtime


def create_app(settings: MappingSettings | None = None) -> FastAPI:
    settings = settings or MappingSettings()
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)

    async def build_runtime() -> Runtime:
        return build(settings)

    return create_api(
        build_runtime,
        title="Mapping service",
        routers=[],
        description="The provider's catalog and the mapping of shop products to it.",
    )
