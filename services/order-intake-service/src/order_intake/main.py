"""``python -m order_intake`` or ``uvicorn order_intake.main:create_app --factory``."""

from fastapi import FastAPI

from order_intake.bootstrap import build
from order_intake.entrypoints.manual_api import IMPORT_MAX_BYTES, imports, placing
from order_intake.entrypoints.orders_api import router as orders_router
from order_intake.entrypoints.policies_api import approving
from order_intake.entrypoints.policies_api import router as policies_router
from order_intake.messages import CATALOG
from order_intake.settings import OrderIntakeSettings
from service_runtime.http import create_api
from service_runtime.logging import configure_logging
from service_runtime.runtime import Runtime
from service_runtime.translated_problems import install_translated_problems


def create_app(settings: OrderIntakeSettings | None = None) -> FastAPI:
    settings = settings or OrderIntakeSettings()
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)

    async def build_runtime() -> Runtime:
        return build(settings)

    app = create_api(
        build_runtime,
        title="Order intake service",
        routers=[placing, approving, orders_router, imports, policies_router],
        body_limits={"/order-imports": IMPORT_MAX_BYTES},
        description="Orders resolved to production lines, manual orders, CSV imports and order status. "
        "Problem details follow Accept-Language (en, fr).",
    )
    install_translated_problems(app, CATALOG)
    return app
