"""``python -m access`` or ``uvicorn access.main:create_app --factory``."""

from fastapi import FastAPI, Request

from access.bootstrap import build
from access.domain.errors import HashingBusy, TooManyAttempts
from access.entrypoints import accept_page, access_api, auth_api, i18n, users_api
from access.settings import AccessSettings
from service_runtime.http import create_api
from service_runtime.logging import configure_logging
from service_runtime.problems import problem


def create_app(settings: AccessSettings | None = None) -> FastAPI:
    settings = settings or AccessSettings()
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)

    async def build_runtime():
        return build(settings)

    async def on_started(app: FastAPI, runtime) -> None:
        app.state.revocations = runtime.revocations

    app = create_api(
        build_runtime,
        title="Access service",
        on_started=on_started,
        routers=[access_api.router, accept_page.router, auth_api.router, users_api.router],
        description="Storefronts access: accounts, invitations, login, users and roles.",
    )
    i18n.install(app)
    app.add_exception_handler(TooManyAttempts, _come_back_later)
    app.add_exception_handler(HashingBusy, _come_back_later)
    return app


async def _come_back_later(request: Request, error: TooManyAttempts | HashingBusy):
    wait = int(error.extensions.get("retry_after", 60))
    return problem(
        error.status,
        title=error.title,
        detail=error.detail,
        instance=request.url.path,
        headers={"Retry-After": str(wait)},
        retry_after=wait,
    )
