"""The store webhook's own way in: ``POST /webhooks/{platform}/{store_id}`` answered by plain
ASGI, ahead of the API's middleware and routing.

The connector's busiest request (a shop's orders, in bursts of a thousand a second) needs only
its body, a few headers and the webhook handler; going through the correlation and body-limit
middleware, the exception middleware, the router and Starlette's request and response objects
cost more CPU than storing the webhook. Here a webhook is read, handed to
``webhooks.receive_webhook`` (signature, de-duplication, stored by group commit) and answered,
with the same correlation id header, the same body limit and the same request metrics as the
API's other routes. Anything else is passed on untouched, and a webhook the handler refuses
(a bad signature, an unknown store, ...) or one over the body limit is passed on to the API
with its body, whose route (webhooks_api.py, the same handler) answers it with the problem
document in the caller's language."""

import json
import time
import uuid
from collections.abc import Mapping
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from connector.handlers import webhooks
from service_runtime.errors import DomainError
from service_runtime.http import LATENCY, REQUESTS

PATH = "/webhooks/{platform}/{store_id}"
_ANSWERS = {status: f'{{"status":"{status}"}}'.encode() for status in ("accepted", "duplicate", "unreadable")}
_LATENCY = LATENCY.labels("POST", PATH)
_ANSWERED = REQUESTS.labels("POST", PATH, "200")


class WebhookFront:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        addressed = _store_webhook(scope)
        if addressed is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        read = await self._body(headers.get("content-length"), receive)
        if read is None:  # the caller went away before sending its whole body
            return
        body, complete = read
        if not complete:  # over the limit: the API's body limit answers 413
            await self.app(scope, _replay(body, receive, more=True) if body else receive, send)
            return
        correlation_id = headers.get("x-correlation-id") or str(uuid.uuid4())
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(correlation_id=correlation_id)
        runtime: Any = scope["app"].state.runtime
        platform, store_id = addressed
        try:
            answer = await webhooks.receive_webhook(
                platform,
                store_id,
                body,
                headers,
                uow=runtime.uow(),
                platforms=runtime.platforms,
                vault=runtime.vault,
                clock=runtime.clock,
                known=runtime.webhook_stores,
                groups=runtime.webhook_groups,
                correlation_id=correlation_id,
                stored=runtime.webhook_deriving.wake,
            )
        except DomainError:  # refused: nothing was written; the API's route says why, in the caller's language
            await self.app(scope, _replay(body, receive), send)
            return
        if answer.products_to_sync:
            await runtime.syncs.start_products(store_id, list(answer.products_to_sync))
        content = _ANSWERS[answer.status] if answer.reply is None else _json(answer.reply)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(content)).encode()),
                    (b"x-correlation-id", correlation_id.encode("latin-1")),
                ],
            }
        )
        await send({"type": "http.response.body", "body": content})
        _LATENCY.observe(time.perf_counter() - started)
        _ANSWERED.inc()

    async def _body(self, declared: str | None, receive: Receive) -> tuple[bytes, bool] | None:
        """The whole body, or what was read when it passed the limit (False); None when the
        caller went away. ``declared``: its Content-Length header."""
        if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > self.max_body_bytes:
            return b"", False
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            chunks.append(chunk)
            if size > self.max_body_bytes:
                return b"".join(chunks), False
            if not message.get("more_body", False):
                return chunks[0] if len(chunks) == 1 else b"".join(chunks), True


def _json(reply: Mapping[str, object]) -> bytes:
    return json.dumps(dict(reply), ensure_ascii=False, separators=(",", ":")).encode()


def _store_webhook(scope: Scope) -> tuple[str, str] | None:
    """(platform, store id) of a POST to a store's webhook address; None for anything else."""
    if scope["type"] != "http" or scope["method"] != "POST":
        return None
    parts = scope["path"].split("/")
    if len(parts) != 4 or parts[1] != "webhooks" or not parts[2] or not parts[3]:
        return None
    return parts[2], parts[3]


def _replay(body: bytes, receive: Receive, *, more: bool = False) -> Receive:
    """A ``receive`` that gives the body already read first, then what ``receive`` gives."""
    given = False

    async def replayed() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return replayed
