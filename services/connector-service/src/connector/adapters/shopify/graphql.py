"""The Admin GraphQL API of one shop, with Shopify's cost-based throttle respected: each answer's
``extensions.cost.throttleStatus`` says how many points are left and how fast they come back;
a query is sent only when its expected cost is available, a ``THROTTLED`` error or a 429 waits
and tries again, a 5xx or a network error is tried again a few times with backoff."""

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import structlog

from connector.adapters.shopify.answers import answer
from connector.domain.errors import PlatformError, PlatformUnavailable
from service_runtime.outbound import guarded_client

log = structlog.get_logger()
Sleep = Callable[[float], Awaitable[None]]


class Throttle:
    """What the shop last said about its bucket; a wait before the next query when needed."""

    def __init__(self) -> None:
        self.available: float | None = None
        self.restore_rate: float = 50.0
        self.maximum: float | None = None

    def observe(self, extensions: Any) -> None:
        status = ((extensions or {}).get("cost") or {}).get("throttleStatus") or {}
        if "currentlyAvailable" in status:
            self.available = float(status["currentlyAvailable"])
            self.restore_rate = float(status.get("restoreRate") or self.restore_rate) or 1.0
            self.maximum = float(status.get("maximumAvailable") or 0) or None

    def wait_for(self, cost: float) -> float:
        if self.available is None or self.available >= cost:
            return 0.0
        return (cost - self.available) / self.restore_rate


class ShopifyGraphQL:
    def __init__(
        self,
        *,
        endpoint: str,
        access_token: str,
        allow_private: bool,
        timeout: float = 20.0,
        max_attempts: int = 4,
        max_throttled_waits: int = 50,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.endpoint = endpoint
        self._token = access_token
        self._allow_private = allow_private
        self._timeout = timeout
        self._max_attempts = max_attempts
        self._max_throttled_waits = max_throttled_waits
        self._sleep = sleep
        self.throttle = Throttle()
        self.waited_seconds = 0.0
        self.throttled = 0

    async def __aenter__(self) -> "ShopifyGraphQL":
        self._http = guarded_client(allow_private=self._allow_private, timeout=self._timeout)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._http.aclose()

    async def _wait(self, seconds: float) -> None:
        seconds = min(max(seconds, 0.0), 60.0)
        if seconds:
            self.waited_seconds += seconds
            await self._sleep(seconds)

    def _count_throttled(self) -> None:
        self.throttled += 1

    async def query(self, query: str, variables: dict[str, Any] | None = None, *, cost: float = 10) -> Any:
        """The ``data`` of the answer. Raises the domain's platform errors, never httpx's."""
        throttled = 0
        while True:
            await self._wait(self.throttle.wait_for(cost))
            response = await answer(
                lambda: self._http.post(
                    self.endpoint,
                    json={"query": query, "variables": variables or {}},
                    headers={"X-Shopify-Access-Token": self._token, "Content-Type": "application/json"},
                ),
                wait=self._wait,
                max_attempts=self._max_attempts,
                max_throttled_waits=self._max_throttled_waits,
                on_throttled=self._count_throttled,
            )
            try:
                body = response.json()
            except json.JSONDecodeError as error:
                raise PlatformError("platform_refused", reason="an answer that is not JSON") from error
            self.throttle.observe(body.get("extensions"))
            errors = body.get("errors") or []
            if any(((e.get("extensions") or {}).get("code") == "THROTTLED") for e in errors):
                throttled += 1
                self._count_throttled()
                if throttled > self._max_throttled_waits:
                    raise PlatformUnavailable("platform_unavailable", reason="throttled")
                await self._wait(max(self.throttle.wait_for(cost), 0.05))
                continue
            if errors:
                message = "; ".join(str(e.get("message")) for e in errors)[:300]
                raise PlatformError("platform_refused", reason=message)
            return body.get("data") or {}

    async def jsonl(self, url: str) -> AsyncIterator[Any]:
        """The objects of a JSONL file the shop made (a bulk operation's result, on Shopify's
        storage: a signed address, no access token sent), read as it streams in."""
        try:
            async with self._http.stream("GET", url, timeout=httpx.Timeout(self._timeout, read=120.0)) as response:
                if response.status_code != 200:
                    raise PlatformUnavailable("platform_unavailable", reason=f"HTTP {response.status_code}")
                async for line in response.aiter_lines():
                    if line.strip():
                        yield json.loads(line)
        except httpx.HTTPError as error:
            raise PlatformUnavailable("platform_unavailable", reason=type(error).__name__) from error
        except json.JSONDecodeError as error:
            raise PlatformError("platform_refused", reason="a result line that is not JSON") from error
