"""``python -m notifier`` or ``uvicorn notifier.main:create_app --factory``."""

from fastapi import FastAPI

from notifier.bootstrap import build
from notifier.entrypoints.api import router
from notifier.entrypoints.postback_api import router as postback_router
from notifier.messages import CATALOG
from notifier.settings import NotifierSettings
from service_runtime.http import create_api
from service_runtime.logging import configure_logging
from service_runtime.translated_problems import install_translated_problems


def create_app(settings: NotifierSettings | None = None) -> FastAPI:
    settings = settings or NotifierSettings()
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)

    async def build_runtime():
        return build(settings)

    app = create_api(
        build_runtime,
        title="Notifier service",
        routers=[router, postback_router],
        description="Emails to users (the invitation email), sent over SMTP and retried until "
        "the mail server has them or refuses them for good; the delivery log for operators "
        "and client admins; postbacks of order updates to clients' endpoints (Standard Webhooks), "
        "retried, with their delivery log and replays. Problem details follow Accept-Language (en, fr).",
    )
    install_translated_problems(app, CATALOG)  # postback endpoints' errors, and the runtime's own
    return app
