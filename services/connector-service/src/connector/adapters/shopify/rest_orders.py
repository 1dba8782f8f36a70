"""A shop's recent orders through the Admin REST API (``GET /orders.json``): the same REST shape
orders/create webhooks deliver, so the same translation reads both. Cursor pagination through
the ``Link`` header (``page_info``); failures are answered as for every Admin API call
(``answers``)."""

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from connector.adapters.shopify.answers import answer
from connector.domain.errors import PlatformError
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
            response = await answer(
                partial(http.get, url, params=params, headers=headers),
                wait=_capped(sleep),
                max_attempts=max_attempts,
                max_throttled_waits=max_throttled_waits,
            )
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


def _capped(sleep: Sleep) -> Sleep:
    """Waits of at most a minute (a Retry-After of an hour would stall the reconciliation)."""

    async def wait(seconds: float) -> None:
        await sleep(min(seconds, 60.0))

    return wait
