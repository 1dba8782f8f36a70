"""The FastAPI app every service serves: its routers plus problem+json errors,
correlation ids, /healthz, /readyz, /metrics, started and stopped with its Runtime."""

import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from service_runtime.problems import install_problem_handlers, problem
from service_runtime.runtime import Runtime

REQUESTS = Counter("storefronts_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("storefronts_http_request_seconds", "HTTP request duration", ["method", "route"])


def create_api(
    build_runtime: Callable[[], Awaitable[Runtime]],
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    on_started: Callable[[FastAPI, Runtime], Awaitable[None]] | None = None,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        runtime = await build_runtime()
        app.state.runtime = runtime
        app.state.verifier = runtime.verifier
        app.state.revocations = runtime.revocations
        await runtime.start()
        if on_started is not None:
            await on_started(app, runtime)
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=title, description=description, version="1.0.0", lifespan=lifespan)
    install_problem_handlers(app)
    for router in routers:
        app.include_router(router)
    app.include_router(operations_router())
    app.middleware("http")(_correlate)
    return app


async def _correlate(request: Request, call_next):
    correlation_id = request.headers.get("x-correlation-id") or str(uuid.uuid4())
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(correlation_id=correlation_id)
    started = time.perf_counter()
    response = await call_next(request)
    route = request.scope.get("route")
    path = getattr(route, "path", "unmatched")
    LATENCY.labels(request.method, path).observe(time.perf_counter() - started)
    REQUESTS.labels(request.method, path, str(response.status_code)).inc()
    response.headers["X-Correlation-ID"] = correlation_id
    return response


def operations_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="The database and Kafka answer; each subscription's lag and progress", responses={503: {"description": "Not ready"}})
    async def readyz(request: Request):
        runtime = request.app.state.runtime
        checks = await runtime.ready()
        subscriptions = await runtime.subscriptions()
        if all(checks.values()):
            return {"status": "ready", "checks": checks, "subscriptions": subscriptions}
        return problem(503, title="Not ready", detail="A dependency does not answer.", checks=checks,
                       subscriptions=subscriptions)

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
