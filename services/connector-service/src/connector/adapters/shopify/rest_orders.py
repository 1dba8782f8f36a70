"""A shop's recent orders through the Admin REST API (``GET /orders.json``): the same REST shape
orders/create webhooks deliver, so the same translation reads both. Cursor pagination through
the ``Link`` header (``page_info``); a 429 waits ``Retry-After`` and tries again, a 5xx or a
network error is tried again a few times with backoff."""

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from connector.domain.errors import PlatformAuthFailed, PlatformError, PlatformUnavailable
from service_runtime.outbound import guarded_client

Sleep = Callable[[float], Awaitable[None]]
PAGE_SIZE = 250


async def orders_created_since(
    *,
    endpoint: str,
    access_token: str,
    since: datetime,
    allow_private: bool,
    max_attempts: int = 4,
    max_throttled_waits: int = 30,
    sleep: Sleep = asyncio.sleep,
) -> AsyncIterator[dict[str, Any]]:
    """Every order created since ``since`` (any status), oldest pages first as Shopify lists them."""
    params: dict[str, str] | None = {
        "status": "any",
        "created_at_min": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "limit": str(PAGE_SIZE),
    }
    url = endpoint
    headers = {"X-Shopify-Access-Token": access_token, "Accept": "application/json"}
    async with guarded_client(allow_private=allow_private, timeout=20) as http:
        while True:
            response = await _get(http, url, params, headers, max_attempts, max_throttled_waits, sleep)
            try:
                page = response.json().get("orders")
            except (json.JSONDecodeError, AttributeError) as error:
                raise PlatformError("platform_refused", reason="an answer that is not JSON") from error
            for order in page or []:
                if isinstance(order, dict):
                    yield order
            following = response.links.get("next", {}).get("url")
            if not following:
                return
            url, params = following, None  # the next address carries page_info and limit


async def _get(
    http: httpx.AsyncClient,
    url: str,
    params: dict[str, str] | None,
    headers: dict[str, str],
    max_attempts: int,
    max_throttled_waits: int,
    sleep: Sleep,
) -> httpx.Response:
    failures = throttled = 0
    while True:
        try:
            response = await http.get(url, params=params, headers=headers)
        except httpx.HTTPError as error:
            failures += 1
            if failures >= max_attempts:
                raise PlatformUnavailable("platform_unavailable", reason=type(error).__name__) from error
            await sleep(0.2 * 2**failures)
            continue
        if response.status_code == 429:
            throttled += 1
            if throttled > max_throttled_waits:
                raise PlatformUnavailable("platform_unavailable", reason="throttled")
            await sleep(min(_retry_after(response), 60.0))
            continue
        if response.status_code >= 500:
            failures += 1
            if failures >= max_attempts:
                raise PlatformUnavailable("platform_unavailable", reason=f"HTTP {response.status_code}")
            await sleep(0.2 * 2**failures)
            continue
        if response.status_code == 401:
            raise PlatformAuthFailed("platform_auth_failed")
        if response.status_code == 402:
            raise PlatformError("plan_restricted", reason="payment required")
        if response.status_code == 403:
            raise PlatformError("platform_refused", reason="the app lacks a permission (scope)")
        if response.status_code != 200:
            raise PlatformError("platform_refused", reason=f"HTTP {response.status_code}")
        return response


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(float(response.headers.get("retry-after", "1")), 0.0)
    except ValueError:
        return 1.0
