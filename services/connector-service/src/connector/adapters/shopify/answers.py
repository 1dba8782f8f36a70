"""How every call to a shop's Admin API (GraphQL or REST) is sent and its HTTP answer read: a
429 waits ``Retry-After`` and tries again, a 5xx or a network error is tried again a few times
with backoff, and an answer the shop refuses becomes the domain's platform error (never httpx's)."""

from collections.abc import Awaitable, Callable

import httpx

from connector.domain.errors import PlatformAuthFailed, PlatformError, PlatformUnavailable

Wait = Callable[[float], Awaitable[None]]


async def answer(
    send: Callable[[], Awaitable[httpx.Response]],
    *,
    wait: Wait,
    max_attempts: int,
    max_throttled_waits: int,
    on_throttled: Callable[[], None] = lambda: None,
) -> httpx.Response:
    """The shop's 200 answer to ``send()``, sent again as long as the failure is passing."""
    failures = throttled = 0
    while True:
        try:
            response = await send()
        except httpx.HTTPError as error:
            failures += 1
            if failures >= max_attempts:
                raise PlatformUnavailable("platform_unavailable", reason=type(error).__name__) from error
            await wait(0.2 * 2**failures)
            continue
        if response.status_code == 429:
            throttled += 1
            on_throttled()
            if throttled > max_throttled_waits:
                raise PlatformUnavailable("platform_unavailable", reason="throttled")
            await wait(retry_after(response))
            continue
        if response.status_code >= 500:
            failures += 1
            if failures >= max_attempts:
                raise PlatformUnavailable("platform_unavailable", reason=f"HTTP {response.status_code}")
            await wait(0.2 * 2**failures)
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


def retry_after(response: httpx.Response, *, default: float = 1.0) -> float:
    try:
        return max(float(response.headers.get("retry-after", default)), 0.0)
    except ValueError:
        return default
