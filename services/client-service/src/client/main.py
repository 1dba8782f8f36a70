"""``python -m client`` or ``uvicorn client.main:create_app --factory``."""

from fastapi import FastAPI

from client.bootstrap import build
from client.entrypoints.api import router
from client.settings import ClientSettings
from service_runtime.http import create_api
from service_runtime.logging import configure_logging


def create_app(settings: ClientSettings | None = None) -> FastAPI:
    settings = settings or ClientSettings()
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)

    async def build_runtime():
        return build(settings)

    return create_api(build_runtime, title="Client service", routers=[router],
                      description="The print provider's clients: create, search, update and archive. Operators only.")
