"""``python -m connector`` or ``uvicorn connector.main:create_app --factory``."""

from fastapi import FastAPI

from connector.bootstrap import build
from connector.settings import ConnectorSettings
from service_runtime.http import create_api
from service_runtime.logging import configure_logging
from service_runtime.runtime import Runtime


def create_app(settings: ConnectorSettings | None = None) -> FastAPI:
    settings = settings or ConnectorSettings()
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)

    async def build_runtime() -> Runtime:
        return build(settings)

    return create_api(
        build_runtime,
        title="Connector service",
        routers=[],
        description="Shop connections (Shopify, Etsy, WooCommerce, Pressero, manual), product sync and webhooks in.",
    )
