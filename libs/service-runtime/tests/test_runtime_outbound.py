"""The SSRF guard every outbound call to a user-given URL goes through."""

import ssl

import httpx
import pytest

from service_runtime import outbound
from service_runtime.outbound import GuardedTransport, UnsafeUrl, check_url, guarded_client


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8080/",
        "http://10.1.2.3/",
        "http://192.168.0.10/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
    ],
)
async def test_refuses_private_loopback_and_link_local_targets(url):
    with pytest.raises(UnsafeUrl):
        await check_url(url)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "gopher://example.com/", "http://user:pw@93.184.216.34/", "http:///path"]
)
async def test_refuses_other_schemes_credentials_and_missing_hosts(url):
    with pytest.raises(UnsafeUrl):
        await check_url(url, allow_private=True)


async def test_accepts_public_addresses_and_private_ones_when_allowed():
    await check_url("https://93.184.216.34/orders")
    await check_url("http://127.0.0.1:9000/hook", allow_private=True)


async def test_guarded_client_refuses_before_connecting():
    async with guarded_client(allow_private=False) as http:
        with pytest.raises(UnsafeUrl):
            await http.get("http://127.0.0.1:1/never-reached")


@pytest.mark.parametrize(
    "address",
    [
        "2002:7f00:1::1",  # 6to4 wrapping 127.0.0.1
        "2002:c0a8:1::1",  # 6to4 wrapping 192.168.0.1
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b:1::a00:1",  # local-use NAT64
        "::ffff:8.8.8.8",  # IPv4-mapped, even of a public address
        "::7f00:1",  # IPv4-compatible
        "fc00::1",
        "fe80::1",
        "ff0e::1",
        "2001:db8::1",
        "::",
        "224.0.0.1",
        "198.18.0.1",
        "192.0.0.8",
        "192.0.2.1",
        "240.0.0.1",
        "255.255.255.255",
        "192.88.99.1",
    ],
)
async def test_refuses_every_non_global_and_address_embedding_range(address):
    async def resolver(host, port):
        return [address]

    with pytest.raises(UnsafeUrl, match="private or reserved"):
        await check_url("https://shop.example/orders", resolver=resolver)


async def test_a_name_with_one_private_answer_among_public_ones_is_refused():
    async def resolver(host, port):
        return ["93.184.216.34", "127.0.0.1"]

    with pytest.raises(UnsafeUrl):
        await check_url("https://shop.example/orders", resolver=resolver)


class Rebinding:
    """A DNS name that answers a public address first and loopback afterwards."""

    def __init__(self) -> None:
        self.answers = [["93.184.216.34"], ["127.0.0.1"]]
        self.lookups = 0

    async def __call__(self, host: str, port: int) -> list[str]:
        self.lookups += 1
        return self.answers[min(self.lookups, len(self.answers)) - 1]


async def test_connects_to_the_checked_address_keeping_the_host_header_and_tls_name():
    sent: list[httpx.Request] = []

    def shop(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"ok": True})

    resolver = Rebinding()
    transport = GuardedTransport(allow_private=False, inner=httpx.MockTransport(shop), resolver=resolver)
    async with httpx.AsyncClient(transport=transport) as http:
        response = await http.get("https://shop.example:8443/orders?page=2")
    assert response.json() == {"ok": True}
    [request] = sent
    assert (request.url.host, request.url.port, request.url.path, request.url.query) == (
        "93.184.216.34",
        8443,
        "/orders",
        b"page=2",
    )
    assert request.headers["host"] == "shop.example:8443"
    assert request.extensions["sni_hostname"] == "shop.example"
    assert resolver.lookups == 1  # nobody resolves the name a second time to connect


async def test_the_second_answer_of_a_rebinding_name_is_refused_on_the_next_request():
    resolver = Rebinding()
    transport = GuardedTransport(
        allow_private=False, inner=httpx.MockTransport(lambda r: httpx.Response(200)), resolver=resolver
    )
    async with httpx.AsyncClient(transport=transport) as http:
        await http.get("http://shop.example/")
        with pytest.raises(UnsafeUrl):
            await http.get("http://shop.example/")


async def test_redirects_are_checked_and_pinned_too():
    def shop(request: httpx.Request) -> httpx.Response:
        if request.headers["host"] == "shop.example":
            return httpx.Response(302, headers={"location": "http://internal.example/admin"})
        return httpx.Response(200)

    async def resolver(host, port):
        return {"shop.example": ["93.184.216.34"], "internal.example": ["10.0.0.5"]}[host]

    transport = GuardedTransport(allow_private=False, inner=httpx.MockTransport(shop), resolver=resolver)
    async with httpx.AsyncClient(transport=transport, follow_redirects=True) as http:
        with pytest.raises(UnsafeUrl, match=r"internal\.example"):
            await http.get("http://shop.example/")


async def test_ip_literals_are_checked_without_a_lookup_and_ipv6_is_pinned_in_brackets():
    sent: list[httpx.Request] = []

    async def resolver(host, port):
        raise AssertionError("an address is not looked up")

    transport = GuardedTransport(
        allow_private=False,
        resolver=resolver,
        inner=httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(204)),
    )
    async with httpx.AsyncClient(transport=transport) as http:
        await http.get("http://[2606:4700:4700::1111]/hook")
        with pytest.raises(UnsafeUrl):
            await http.get("http://[::ffff:127.0.0.1]/hook")
    assert sent[0].url.host == "2606:4700:4700::1111"


def test_a_client_per_request_does_not_read_the_root_certificates_each_time(monkeypatch):
    """Postbacks and design files take a guarded client per request; the TLS context (every
    root certificate read, ~40 ms of CPU) is made once for all of them, with httpx's defaults."""
    made = []
    real = httpx.create_ssl_context

    def counting(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    outbound._tls_context.cache_clear()
    monkeypatch.setattr(httpx, "create_ssl_context", counting)
    contexts = set()
    for _ in range(3):
        client = outbound.guarded_client(allow_private=False)
        contexts.add(id(client._transport._inner._pool._ssl_context))
    assert len(made) == 1 and len(contexts) == 1
    context = outbound._tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
