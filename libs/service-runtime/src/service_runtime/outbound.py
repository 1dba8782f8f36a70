"""Outbound HTTP to URLs that users gave us (shops, postback receivers), guarded
against SSRF.

Every request (redirects included) is checked as it leaves: the host is resolved once,
every address it resolves to must be public, and the connection goes to the address that
was checked, never to a second answer of the resolver (a name that answers a public
address first and 127.0.0.1 next gets nowhere). The Host header and, for https, the TLS
server name (SNI) and certificate check stay those of the URL's name.

"Public" is ``ipaddress``'s ``is_global`` minus what can lead elsewhere: multicast,
IPv4-mapped and IPv4-compatible IPv6, 6to4 (2002::/16), Teredo (2001::/32) and NAT64
(64:ff9b::/96, 64:ff9b:1::/48), which embed an IPv4 address a gateway would reach.
A deployment may allow private targets (development, tests): then nothing is resolved
or refused but the URL's shape."""

import asyncio
import functools
import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from service_runtime.problems import DomainError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

REFUSED_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "::ffff:0:0/96",  # IPv4-mapped
        "::/96",  # IPv4-compatible (deprecated)
        "2002::/16",  # 6to4
        "2001::/32",  # Teredo
        "64:ff9b::/96",  # NAT64, well-known prefix
        "64:ff9b:1::/48",  # NAT64, local use
        "100.64.0.0/10",  # carrier-grade NAT
        "192.0.0.0/24",  # IETF protocol assignments (dummy, anycast services)
        "192.88.99.0/24",  # 6to4 relay anycast
    )
)


class UnsafeUrl(DomainError):
    """The detail says why in English; ``code`` (url_scheme_refused, url_no_host, url_credentials,
    url_unresolvable, url_private_address) and its values let a service say it in the reader's language."""

    status = 422
    title = "URL refused"


def is_public(address: Address) -> bool:
    """True only for an address anyone on the Internet reaches the same way."""
    if isinstance(address, ipaddress.IPv6Address) and address.scope_id:
        return False
    return (
        address.is_global
        and not address.is_multicast
        and not any(address.version == network.version and address in network for network in REFUSED_NETWORKS)
    )


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def check_url_syntax(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeUrl(
            f"Only http and https URLs are allowed, not '{parts.scheme or url}'.",
            code="url_scheme_refused",
            scheme=parts.scheme or url,
        )
    if not parts.hostname:
        raise UnsafeUrl("The URL has no host.", code="url_no_host")
    if parts.username or parts.password:
        raise UnsafeUrl("URLs with credentials in them are not allowed.", code="url_credentials")
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


async def resolve_public(host: str, port: int, *, resolver: Resolver = system_resolver) -> Address:
    """The address to connect to for ``host``: resolved once, and only when every address
    the name resolves to is public (one private answer refuses the name)."""
    try:
        return _checked(host, ipaddress.ip_address(host))
    except ValueError:
        pass  # a name, not an address
    try:
        answers = await resolver(host, port)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeUrl(f"The host '{host}' cannot be resolved.", code="url_unresolvable", host=host) from error
    addresses = [_checked(host, ipaddress.ip_address(answer.split("%")[0])) for answer in answers]
    if not addresses:
        raise UnsafeUrl(f"The host '{host}' cannot be resolved.", code="url_unresolvable", host=host)
    return addresses[0]


def _checked(host: str, address: Address) -> Address:
    if not is_public(address):
        raise UnsafeUrl(
            f"The host '{host}' resolves to a private or reserved address ({address}).",
            code="url_private_address",
            host=host,
            address=str(address),
        )
    return address


async def check_url(url: str, *, allow_private: bool = False, resolver: Resolver = system_resolver) -> None:
    """Refuse a URL whose shape is wrong or whose host resolves to a non-public address
    (to answer a user who gives one at once; requests are checked again as they leave)."""
    host, port = check_url_syntax(url)
    if not allow_private:
        await resolve_public(host, port, resolver=resolver)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default TLS context (certifi's roots), made once: making one reads every root
    certificate again, about 40 ms of CPU, which a client per request (postbacks, design files)
    would pay each time."""
    return httpx.create_ssl_context()


class GuardedTransport(httpx.AsyncBaseTransport):
    """Checks every request's URL before it leaves (redirects included) and connects to
    the address it checked."""

    def __init__(
        self,
        *,
        allow_private: bool,
        inner: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver = system_resolver,
    ) -> None:
        self._allow_private = allow_private
        self._inner = inner or httpx.AsyncHTTPTransport(verify=_tls_context())
        self._resolver = resolver

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host, port = check_url_syntax(str(request.url))
        if self._allow_private:
            return await self._inner.handle_async_request(request)
        address = await resolve_public(host, port, resolver=self._resolver)
        extensions = dict(request.extensions)
        if request.url.scheme == "https":
            extensions["sni_hostname"] = host  # TLS names and verifies the URL's host, not the address
        pinned = httpx.Request(
            request.method,
            request.url.copy_with(host=str(address)),
            headers=request.headers,
            stream=request.stream,
            extensions=extensions,
        )  # Host header: still the name
        return await self._inner.handle_async_request(pinned)

    async def aclose(self) -> None:
        await self._inner.aclose()


def guarded_client(
    *, allow_private: bool, timeout: float = 10.0, resolver: Resolver = system_resolver, **kwargs: Any
) -> httpx.AsyncClient:
    """An httpx client for user-given URLs. Proxies from the environment are ignored: a
    proxy would resolve the name again itself."""
    return httpx.AsyncClient(
        transport=GuardedTransport(allow_private=allow_private, resolver=resolver),
        timeout=httpx.Timeout(timeout),
        trust_env=False,
        **kwargs,
    )
