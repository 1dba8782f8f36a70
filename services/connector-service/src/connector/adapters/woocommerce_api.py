"""A small httpx client of the WooCommerce REST API v3 (platforms.md §3), over the SSRF guard.

Consumer key and secret go as HTTP Basic (what WooCommerce takes over HTTPS). A 429 or a 5xx is
waited out (``Retry-After``, else a growing pause) a few times, then ``PlatformUnavailable``;
a 401 is ``PlatformAuthFailed`` with WooCommerce's own words; an answer that is not
WooCommerce's JSON is ``ShopNotRecognised``."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx

from connector.domain.errors import PlatformAuthFailed, PlatformError, PlatformUnavailable
from connector.domain.platform_errors import InvalidShopUrl, ShopNotRecognised, ShopUnreachable
from service_runtime.outbound import UnsafeUrl, guarded_client

API = "/wp-json/wc/v3"
PER_PAGE = 100  # WordPress' ceiling
RETRIED = frozenset({429, 500, 502, 503, 504})
Sleep = Callable[[float], Awaitable[None]]


class WooCommerceApi:
    def __init__(
        self,
        shop_url: str,
        consumer_key: str,
        consumer_secret: str,
        *,
        allow_private: bool,
        timeout: float = 20.0,
        attempts: int = 5,
        max_wait: float = 30.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.shop_url = shop_url.rstrip("/")
        self._auth = (consumer_key, consumer_secret)
        self._allow_private = allow_private
        self._timeout = timeout
        self._attempts = attempts
        self._max_wait = max_wait
        self._sleep = sleep
        self._http: httpx.AsyncClient | None = None

    async def __aenter__(self) -> "WooCommerceApi":
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = guarded_client(allow_private=self._allow_private, timeout=self._timeout)
        return self._http

    async def system_status(self) -> dict[str, Any]:
        """The cheap authenticated call that proves the shop, the keys and their permission."""
        answer = await self._call("GET", "/system_status")
        body = _json(answer, self.shop_url)
        if not isinstance(body, dict) or not isinstance(body.get("environment"), dict):
            raise ShopNotRecognised("woo_not_woocommerce", field="shop_url", url=self.shop_url)
        return body

    async def pages(self, path: str, *, params: dict[str, str] | None = None) -> AsyncIterator[tuple[list[Any], int]]:
        """Every page of a list (``per_page`` 100), with the list's total (``X-WP-Total``);
        stops at ``X-WP-TotalPages``."""
        page = 1
        while True:
            answer = await self._call(
                "GET", path, params={**(params or {}), "per_page": str(PER_PAGE), "page": str(page)}
            )
            items = _json(answer, self.shop_url)
            if not isinstance(items, list):
                raise PlatformError("platform_refused", reason=f"{path} did not answer a list")
            total = _header_int(answer, "X-WP-Total", default=len(items))
            pages = _header_int(answer, "X-WP-TotalPages", default=page)
            yield items, total
            if page >= pages or not items:
                return
            page += 1

    async def create_webhook(self, *, name: str, topic: str, delivery_url: str, secret: str) -> dict[str, Any]:
        answer = await self._call(
            "POST",
            "/webhooks",
            json={"name": name, "topic": topic, "delivery_url": delivery_url, "secret": secret, "status": "active"},
        )
        body = _json(answer, self.shop_url)
        return body if isinstance(body, dict) else {}

    async def update_webhook(self, webhook_id: str, **changes: str) -> dict[str, Any]:
        body = _json(await self._call("PUT", f"/webhooks/{webhook_id}", json=changes), self.shop_url)
        return body if isinstance(body, dict) else {}

    async def delete_webhook(self, webhook_id: str) -> None:
        await self._call("DELETE", f"/webhooks/{webhook_id}", params={"force": "true"})

    async def update_order(self, order_id: str, **changes: str) -> dict[str, Any]:
        body = _json(await self._call("PUT", f"/orders/{order_id}", json=changes), self.shop_url)
        return body if isinstance(body, dict) else {}

    async def add_order_note(self, order_id: str, note: str, *, customer_note: bool) -> None:
        await self._call("POST", f"/orders/{order_id}/notes", json={"note": note, "customer_note": customer_note})

    async def order_notes(self, order_id: str) -> list[dict[str, Any]]:
        body = _json(await self._call("GET", f"/orders/{order_id}/notes"), self.shop_url)
        return [note for note in body if isinstance(note, dict)] if isinstance(body, list) else []

    async def webhooks(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        async for items, _ in self.pages("/webhooks"):
            found.extend(item for item in items if isinstance(item, dict))
        return found

    async def _call(
        self, method: str, path: str, *, params: dict[str, str] | None = None, json: Any = None
    ) -> httpx.Response:
        url = self.shop_url + API + path
        for attempt in range(1, self._attempts + 1):
            try:
                answer = await self._client().request(method, url, params=params, json=json, auth=self._auth)
            except UnsafeUrl:
                raise
            except httpx.TimeoutException as error:
                if attempt == self._attempts:
                    raise PlatformUnavailable("platform_unavailable", reason="timeout") from error
                await self._sleep(min(self._max_wait, 2.0**attempt))
                continue
            except httpx.HTTPError as error:
                raise ShopUnreachable(
                    "woo_unreachable", field="shop_url", url=self.shop_url, reason=_why(error)
                ) from error
            if answer.status_code in RETRIED:
                if attempt == self._attempts:
                    raise PlatformUnavailable("platform_unavailable", reason=f"HTTP {answer.status_code}")
                await self._sleep(_wait(answer, attempt, self._max_wait))
                continue
            if answer.is_redirect:  # never followed: the keys would go wherever the redirect points
                moved = _site_of(answer.headers.get("location", ""))
                raise InvalidShopUrl("woo_url_moved", field="shop_url", url=self.shop_url, moved=moved or "?")
            if answer.status_code == 401 or answer.status_code == 403:
                raise PlatformAuthFailed("woo_key_refused", reason=_woo_message(answer) or f"HTTP {answer.status_code}")
            if answer.status_code == 404 and _woo_code(answer) in (None, "rest_no_route"):
                raise ShopNotRecognised("woo_not_woocommerce", field="shop_url", url=self.shop_url)
            if answer.status_code >= 400:
                raise PlatformError("platform_refused", reason=_woo_message(answer) or f"HTTP {answer.status_code}")
            return answer
        raise AssertionError("unreachable")  # the loop returns or raises


def _json(answer: httpx.Response, shop_url: str) -> Any:
    try:
        return answer.json()
    except ValueError as error:
        raise ShopNotRecognised("woo_not_woocommerce", field="shop_url", url=shop_url) from error


def _woo_code(answer: httpx.Response) -> str | None:
    try:
        body = answer.json()
    except ValueError:
        return None
    return str(body.get("code")) if isinstance(body, dict) and body.get("code") else None


def _woo_message(answer: httpx.Response) -> str | None:
    try:
        body = answer.json()
    except ValueError:
        return None
    return str(body.get("message"))[:200] if isinstance(body, dict) and body.get("message") else None


def _header_int(answer: httpx.Response, name: str, *, default: int) -> int:
    try:
        return int(answer.headers.get(name, default))
    except ValueError:
        return default


def _wait(answer: httpx.Response, attempt: int, ceiling: float) -> float:
    try:
        asked = float(answer.headers.get("Retry-After", ""))
    except ValueError:
        asked = 2.0 ** (attempt - 1)
    return max(0.0, min(ceiling, asked))


def _why(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.ConnectError):
        return "connection refused or name not found"
    return type(error).__name__


def _site_of(location: str) -> str:
    """The shop's address a redirect points to (what precedes ``/wp-json``)."""
    return location.split("/wp-json", 1)[0].rstrip("/")
