"""``python -m client`` or ``uvicorn client.main:create_app --factory``."""

from fastapi import FastAPI

from client.bootstrap import build
from client.entrypoints.api import router
from client.messages import CATALOG
from client.settings import ClientSettings
from service_runtime.http import create_api
from service_runtime.logging import configure_logging
from service_runtime.translated_problems import install_translated_problems


def create_app(settings: ClientSettings | None = None) -> FastAPI:
    settings = settings or ClientSettings()
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)

    async def build_runtime():
        return build(settings)

    app = create_api(
        build_runtime,
        title="Client service",
        routers=[router],
        description="The print provider's clients: create, search, update, archive and restore. "
        "Operators only. Problem details follow Accept-Language (en, fr).",
    )
    install_translated_problems(app, CATALOG)
    return app
