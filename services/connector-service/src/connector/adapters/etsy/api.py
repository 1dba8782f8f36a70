"""Etsy's Open API v3 over HTTP: the x-api-key and bearer headers, its error answers in the
domain's errors, and its rate limits lived with (the answers' x-remaining-this-second read and
waited on, a 429 waited out after its retry-after, a few times, before giving up)."""

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx
import structlog

from connector.domain.errors import PlatformAuthFailed, PlatformError, PlatformUnavailable
from service_runtime.outbound import guarded_client

log = structlog.get_logger()

Sleep = Callable[[float], Awaitable[None]]
LONGEST_WAIT = 30.0  # a retry-after longer than this (the daily limit) is not waited out here


class EtsyApi:
    """One conversation with Etsy (open it with ``async with``)."""

    def __init__(
        self,
        *,
        root: str,
        api_key: str,
        access_token: str | None,
        allow_private: bool,
        max_retries: int,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._root = root.rstrip("/")
        self._headers = {"x-api-key": api_key, "Accept": "application/json"}
        if access_token:
            self._headers["Authorization"] = f"Bearer {access_token}"
        self._allow_private = allow_private
        self._max_retries = max_retries
        self._sleep = sleep
        self._http: httpx.AsyncClient | None = None

    async def __aenter__(self) -> "EtsyApi":
        self._http = guarded_client(allow_private=self._allow_private, timeout=20)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._http is not None:
            await self._http.aclose()

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return await self._call("GET", path, params=params)

    async def post_form(self, path: str, form: Mapping[str, str]) -> Any:
        return await self._call("POST", path, data=form)

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        assert self._http is not None, "use EtsyApi in `async with`"
        url = f"{self._root}/v3/application{path}"
        for attempt in range(self._max_retries + 1):
            try:
                response = await self._http.request(method, url, headers=self._headers, **kwargs)
            except httpx.HTTPError as error:
                raise PlatformUnavailable("platform_unavailable", reason=type(error).__name__) from error
            if response.status_code == 429:
                wait = _seconds(response.headers.get("retry-after"), default=1.0)
                if wait > LONGEST_WAIT or attempt == self._max_retries:
                    raise PlatformUnavailable("platform_rate_limited", seconds=int(wait))
                log.info("etsy.rate_limited", path=path, wait=wait, attempt=attempt + 1)
                await self._sleep(wait)
                continue
            raise_for_answer(response)
            await self._pace(response)
            return response.json()
        raise PlatformUnavailable("platform_rate_limited", seconds=1)  # pragma: no cover - the loop returns or raises

    async def _pace(self, response: httpx.Response) -> None:
        """Nothing left this second: wait for the next one rather than be refused."""
        remaining = response.headers.get("x-remaining-this-second")
        if remaining is not None and remaining.strip() == "0":
            await self._sleep(1.0)


def raise_for_answer(response: httpx.Response) -> None:
    """Etsy's refusals (``{"error": ..., "error_description": ...}``) as the domain's errors."""
    if response.status_code < 400:
        return
    reason = _reason(response)
    if response.status_code >= 500:
        raise PlatformUnavailable("platform_unavailable", reason=f"HTTP {response.status_code}")
    if response.status_code == 401 or (response.status_code == 403 and "scope" in reason):
        raise PlatformAuthFailed("platform_auth_failed")
    raise PlatformError("platform_refused", reason=reason)


def _reason(response: httpx.Response) -> str:
    try:
        body = response.json()
    except json.JSONDecodeError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict):
        parts = [str(body[k]) for k in ("error", "error_description") if body.get(k)]
        if parts:
            return ": ".join(parts)[:200]
    return f"HTTP {response.status_code}"


def _seconds(value: str | None, *, default: float) -> float:
    try:
        return max(float(value), 0.0) if value is not None else default
    except ValueError:
        return default
