"""The FastAPI app every service serves: its routers plus problem+json errors,
correlation ids, request body limits, /healthz, /readyz, /metrics, started and stopped
with its Runtime."""

import ipaddress
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service_runtime.heap import settle_heap
from service_runtime.problems import document_problems, install_problem_handlers, problem
from service_runtime.runtime import Runtime

REQUESTS = Counter("storefronts_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("storefronts_http_request_seconds", "HTTP request duration", ["method", "route"])
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
MAX_BODY_BYTES = 64 * 1024
SETTLE_HEAP = "settle_heap_once_started"
"""Set on ``app.state`` by ``serve``: a served process freezes its heap once started (tests,
which start many apps in one process, do not)."""


def create_api(
    build_runtime: Callable[[], Awaitable[Runtime]],
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    on_started: Callable[[FastAPI, Runtime], Awaitable[None]] | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    body_limits: Mapping[str, int] | None = None,
) -> FastAPI:
    """``max_body_bytes`` bounds every request body; ``body_limits`` maps a path prefix to
    another limit for the routes under it (the longest prefix wins)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await build_runtime()
        app.state.runtime = runtime
        app.state.verifier = runtime.verifier
        app.state.revocations = runtime.revocations
        await runtime.start()
        if on_started is not None:
            await on_started(app, runtime)
        if getattr(app.state, SETTLE_HEAP, False):
            settle_heap()  # what is alive now lives as long as the process (service_runtime.heap)
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=title, description=description, version="1.0.0", lifespan=lifespan)
    install_problem_handlers(app)
    for router in routers:
        app.include_router(router)
    app.include_router(operations_router())
    document_problems(app)
    app.add_middleware(BodyLimit, default=max_body_bytes, limits=dict(body_limits or {}))
    app.add_middleware(Correlate)  # outermost: 413s are counted and correlated too
    return app


def serve(app: FastAPI, *, host: str = "127.0.0.1", port: int) -> None:
    """Serves the app on ``host`` (settings.bind_host: loopback behind the gateway, 0.0.0.0 in a
    container). uvicorn's own proxy-header handling is off: it would take the caller's address
    from X-Forwarded-For of any local peer; ``client_address`` decides from
    STOREFRONTS_TRUSTED_PROXIES instead."""
    import uvicorn

    setattr(app.state, SETTLE_HEAP, True)
    uvicorn.run(app, host=host, port=port, log_config=None, proxy_headers=False)


def method_label(method: str) -> str:
    """Metrics label: any other word a client sends as its method would make a new series."""
    return method if method in KNOWN_METHODS else "other"


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, detail=f"The request body is larger than {limit} bytes.")


class BodyLimit:
    """Refuses a body over its route's limit with 413 before anything reads it: at once when
    Content-Length says so, else as soon as the streamed body passes the limit (routes read
    the body before they check authentication or parse it)."""

    def __init__(self, app: ASGIApp, *, default: int, limits: dict[str, int]) -> None:
        self.app = app
        self.default = default
        self.limits = sorted(limits.items(), key=lambda item: len(item[0]), reverse=True)

    def limit_for(self, path: str) -> int:
        return next((limit for prefix, limit in self.limits if path.startswith(prefix)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            response = problem(413, detail=f"The request body is larger than {limit} bytes.", instance=scope["path"])
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)


def client_address(request: Request) -> str:
    """The caller's address: the direct peer, unless the peer is a trusted proxy
    (``STOREFRONTS_TRUSTED_PROXIES``, the gateway), whose X-Forwarded-For then names it
    (the nearest address that is not itself a trusted proxy). Anyone else's
    X-Forwarded-For is ignored: a caller must not choose the address it is counted under."""
    peer = request.client.host if request.client else "unknown"
    trusted = request.app.state.runtime.settings.trusted_networks()
    if not trusted or not _within(peer, trusted):
        return peer
    hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _within(hop, trusted):
            return hop if _is_address(hop) else peer
    return peer


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _within(value: str, networks: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    return any(address in network for network in networks)


class Correlate:
    """Binds the request's correlation id (``X-Correlation-ID``, or a new one) to the logs,
    sends it back, and counts and times the request by route. Plain ASGI: Starlette's
    ``BaseHTTPMiddleware`` ran every request in a task group of its own with a stream for
    the answer, a large part of a small request's cost."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or ()).get(b"x-correlation-id")
        correlation_id = given.decode("latin-1") if given else str(uuid.uuid4())
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(correlation_id=correlation_id)
        started = time.perf_counter()
        status = 500

        async def answer(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Correlation-ID"] = correlation_id
            await send(message)

        await self.app(scope, receive, answer)
        path = getattr(scope.get("route"), "path", "unmatched")
        method = method_label(scope["method"])
        LATENCY.labels(method, path).observe(time.perf_counter() - started)
        REQUESTS.labels(method, path, str(status)).inc()


def operations_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/readyz",
        summary="The database and Kafka answer, the relay and consumers run; the relay's backlog, each subscription's "
        "lag and progress, and the partitions this process holds",
        responses={503: {"description": "Not ready"}},
        response_model=None,
    )
    async def readyz(request: Request) -> dict[str, Any] | Response:
        runtime = request.app.state.runtime
        checks = await runtime.ready()
        relay = await runtime.relay_status()
        subscriptions = await runtime.subscriptions()
        partitions = runtime.partitions()
        if all(checks.values()):
            return {
                "status": "ready",
                "checks": checks,
                "relay": relay,
                "subscriptions": subscriptions,
                "partitions": partitions,
            }
        return problem(
            503,
            title="Not ready",
            detail="A dependency does not answer.",
            checks=checks,
            relay=relay,
            subscriptions=subscriptions,
            partitions=partitions,
        )

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
