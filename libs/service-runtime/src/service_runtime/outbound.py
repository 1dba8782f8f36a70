"""Outbound HTTP to URLs that users gave us (shops, postback receivers), guarded
against SSRF: the host is resolved and every address must be public, unless the
deployment allows private targets (development, tests). Checked at connect time, so a
DNS answer that changes between check and use is checked too."""

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

import httpx

from service_runtime.problems import DomainError


class UnsafeUrl(DomainError):
    status = 422
    title = "URL refused"


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not (
        address.is_private or address.is_loopback or address.is_link_local or address.is_multicast
        or address.is_reserved or address.is_unspecified or getattr(address, "is_site_local", False)
        or address in ipaddress.ip_network("100.64.0.0/10")
    )


def check_url_syntax(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeUrl(f"Only http and https URLs are allowed, not '{parts.scheme or url}'.")
    if not parts.hostname:
        raise UnsafeUrl("The URL has no host.")
    if parts.username or parts.password:
        raise UnsafeUrl("URLs with credentials in them are not allowed.")
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


async def check_url(url: str, *, allow_private: bool = False) -> None:
    """Refuse a URL whose host resolves to a non-public address."""
    host, port = check_url_syntax(url)
    if allow_private:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise UnsafeUrl(f"The host '{host}' cannot be resolved.") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not _is_public(address):
            raise UnsafeUrl(f"The host '{host}' resolves to a private or reserved address ({address}).")


class GuardedTransport(httpx.AsyncBaseTransport):
    """Checks every request's URL before it leaves (redirects included)."""

    def __init__(self, *, allow_private: bool, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self._allow_private = allow_private
        self._inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await check_url(str(request.url), allow_private=self._allow_private)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def guarded_client(*, allow_private: bool, timeout: float = 10.0, **kwargs) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=GuardedTransport(allow_private=allow_private), timeout=httpx.Timeout(timeout), **kwargs
    )
