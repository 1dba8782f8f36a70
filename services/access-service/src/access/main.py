"""``python -m access`` or ``uvicorn access.main:create_app --factory``."""

from fastapi import FastAPI

from access.bootstrap import build
from access.settings import AccessSettings
from service_runtime.http import create_api
from service_runtime.logging import configure_logging


def create_app(settings: AccessSettings | None = None) -> FastAPI:
    settings = settings or AccessSettings()
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)

    async def build_runtime():
        return build(settings)

    return create_api(build_runtime, title="Access service", routers=[],
                      description="Storefronts access: accounts, invitations, login, users and roles.")
