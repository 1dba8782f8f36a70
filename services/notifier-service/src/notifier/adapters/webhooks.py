"""Posts postbacks to an endpoint through the SSRF guard (pinned to the address it checked),
each within a total timeout, over connections kept alive while the endpoint's lane runs; reads
at most the first bytes of each answer for the delivery log."""

import asyncio
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx

from notifier.postbacks import RESPONSE_BODY_MAX, Response
from service_runtime.outbound import Resolver, UnsafeUrl, guarded_client, system_resolver


class HttpWebhookConnection:
    """One endpoint's open connections: a new one only when every open one is busy."""

    def __init__(self, http: httpx.AsyncClient, *, timeout_seconds: float) -> None:
        self._http = http
        self._timeout = timeout_seconds

    async def post(self, url: str, *, headers: Mapping[str, str], body: str) -> Response:
        started = time.monotonic()

        def elapsed() -> int:
            return int((time.monotonic() - started) * 1000)

        try:
            async with asyncio.timeout(self._timeout):
                async with self._http.stream("POST", url, content=body.encode(), headers=dict(headers)) as answer:
                    received = b""
                    async for chunk in answer.aiter_bytes():
                        received += chunk
                        if len(received) >= RESPONSE_BODY_MAX:
                            break
                    text = received[:RESPONSE_BODY_MAX].decode(errors="replace")
                    return Response(status_code=answer.status_code, duration_ms=elapsed(), body=text)
        except UnsafeUrl as error:
            return Response(status_code=None, duration_ms=elapsed(), error=f"URL refused: {error}")
        except TimeoutError:
            return Response(status_code=None, duration_ms=elapsed(), error=f"No answer within {self._timeout:g} s")
        except httpx.HTTPError as error:
            return Response(status_code=None, duration_ms=elapsed(), error=f"{type(error).__name__}: {error}")


class HttpWebhookSender:
    def __init__(self, *, allow_private: bool, timeout_seconds: float, resolver: Resolver = system_resolver) -> None:
        self._allow_private = allow_private
        self._timeout = timeout_seconds
        self._resolver = resolver

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[HttpWebhookConnection]:
        """Connections to one endpoint, closed on leaving: one client per endpoint's lane, so a
        slow endpoint never holds a connection another needs, and an endpoint's deliveries do
        not each pay a new TCP (and TLS) handshake. The guard still checks every request."""
        async with guarded_client(
            allow_private=self._allow_private, timeout=self._timeout, resolver=self._resolver
        ) as http:
            yield HttpWebhookConnection(http, timeout_seconds=self._timeout)

    async def post(self, url: str, *, headers: Mapping[str, str], body: str) -> Response:
        """One postback on a connection of its own."""
        async with self.connection() as connection:
            return await connection.post(url, headers=headers, body=body)
