"""``python -m connector`` or ``uvicorn connector.main:create_app --factory``."""

from fastapi import FastAPI

from connector.bootstrap import build
from connector.domain.messages import CATALOG
from connector.entrypoints.etsy_api import router as etsy_router
from connector.entrypoints.health_api import router as health_router
from connector.entrypoints.parked_webhooks_api import router as parked_webhooks_router
from connector.entrypoints.pressero_api import router as pressero_router
from connector.entrypoints.reconcile_api import router as reconcile_router
from connector.entrypoints.shopify_api import router as shopify_router
from connector.entrypoints.stores_api import router as stores_router
from connector.entrypoints.syncs_api import router as syncs_router
from connector.entrypoints.tracking_api import router as tracking_router
from connector.entrypoints.webhook_front import WebhookFront
from connector.entrypoints.webhooks_api import ROUTES as WEBHOOK_ROUTES
from connector.entrypoints.webhooks_api import router as webhooks_router
from connector.entrypoints.woocommerce_api import router as woocommerce_router
from connector.settings import ConnectorSettings
from service_runtime.http import create_api
from service_runtime.logging import configure_logging
from service_runtime.runtime import Runtime
from service_runtime.translated_problems import install_translated_problems

WEBHOOK_MAX_BYTES = 4_000_000  # an order of many lines is larger than the API's 64 KiB


def create_app(settings: ConnectorSettings | None = None) -> FastAPI:
    settings = settings or ConnectorSettings()
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)

    async def build_runtime() -> Runtime:
        return build(settings)

    app = create_api(
        build_runtime,
        title="Connector service",
        routers=[
            woocommerce_router,
            pressero_router,
            shopify_router,
            etsy_router,
            stores_router,
            health_router,
            parked_webhooks_router,
            syncs_router,
            tracking_router,
            reconcile_router,
            webhooks_router,
        ],
        body_limits={"/webhooks/": WEBHOOK_MAX_BYTES},
        description="Shop connections (Shopify, Etsy, WooCommerce, Pressero, manual), product sync and webhooks in. "
        "Problem details follow Accept-Language (en, fr).",
    )
    install_translated_problems(app, CATALOG)
    app.router.routes[0:0] = WEBHOOK_ROUTES  # the busiest route, matched first
    app.add_middleware(WebhookFront, max_body_bytes=WEBHOOK_MAX_BYTES)  # ahead of the API's own middleware
    return app
