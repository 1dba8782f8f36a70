"""What every service's HTTP layer does before a route runs: body limits, bounded metric
labels, and which caller address it believes."""

from types import SimpleNamespace

import httpx
import pytest
from fastapi import APIRouter, Request
from prometheus_client import REGISTRY
from pydantic import BaseModel

from service_runtime.auth import CurrentPrincipal, JwtVerifier
from service_runtime.http import client_address, create_api
from service_runtime.settings import ServiceSettings
from service_runtime.testing.tokens import TokenMint


class Note(BaseModel):
    text: str


def app_with(*, trusted_proxies=(), **limits):
    router = APIRouter()

    @router.post("/notes")
    async def add_note(note: Note, principal: CurrentPrincipal) -> dict:
        return {"length": len(note.text)}

    @router.post("/imports")
    async def add_import(note: Note, principal: CurrentPrincipal) -> dict:
        return {"length": len(note.text)}

    @router.get("/whoami")
    async def whoami(request: Request) -> dict:
        return {"address": client_address(request)}

    async def no_runtime():
        raise AssertionError("the lifespan is not run in these tests")

    app = create_api(no_runtime, title="t", description="t", routers=[router], **limits)
    mint = TokenMint()
    app.state.verifier = JwtVerifier(issuer=mint.issuer, audience=mint.audience, jwks=mint.jwks)
    app.state.runtime = SimpleNamespace(settings=ServiceSettings(trusted_proxies=list(trusted_proxies)))
    return app, mint


def client(app, peer="127.0.0.1") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(peer, 40000)), base_url="http://service")


async def test_an_oversize_body_gets_413_before_authentication_or_parsing():
    app, _ = app_with()
    async with client(app) as http:
        response = await http.post(
            "/notes", content=b"{" + b" " * 70_000 + b"}", headers={"content-type": "application/json"}
        )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "65536 bytes" in response.json()["detail"]


async def test_a_streamed_body_without_length_is_cut_off_at_the_limit():
    app, mint = app_with()

    async def chunks():
        for _ in range(100):
            yield b" " * 1024

    async with client(app) as http:
        response = await http.post(
            "/notes", content=chunks(), headers={"content-type": "application/json", **mint.headers("operator")}
        )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_route_can_have_its_own_limit_and_small_bodies_pass():
    app, mint = app_with(max_body_bytes=1000, body_limits={"/imports": 100_000})
    big = {"text": "x" * 50_000}
    async with client(app) as http:
        assert (await http.post("/notes", json=big, headers=mint.headers("operator"))).status_code == 413
        assert (await http.post("/imports", json=big, headers=mint.headers("operator"))).json() == {"length": 50_000}
        assert (await http.post("/notes", json={"text": "hi"}, headers=mint.headers("operator"))).status_code == 200


def _method_labels() -> set[str]:
    return {
        sample.labels["method"]
        for metric in REGISTRY.collect()
        if metric.name == "storefronts_http_requests"
        for sample in metric.samples
    }


async def test_unknown_http_methods_share_one_metrics_label():
    app, _ = app_with()
    async with client(app) as http:
        for method in ("BREW", "PROPFIND", "XYZZY123"):
            await http.request(method, "/healthz")
        await http.get("/healthz")
    labels = _method_labels()
    assert {"other", "GET"} <= labels
    assert not {"BREW", "PROPFIND", "XYZZY123"} & labels


async def test_the_correlation_id_is_sent_back_given_or_new_and_the_route_is_counted_with_its_status():
    app, _ = app_with()
    async with client(app) as http:
        given = await http.get("/healthz", headers={"X-Correlation-ID": "trace-123"})
        new = await http.get("/healthz")
        too_large = await http.post("/notes", content=b"{" + b" " * 70_000 + b"}", headers={"X-Correlation-ID": "t-9"})
    assert given.headers["x-correlation-id"] == "trace-123"
    assert len(new.headers["x-correlation-id"]) == 36 and new.headers["x-correlation-id"] != "trace-123"
    assert (too_large.status_code, too_large.headers["x-correlation-id"]) == (413, "t-9")
    counted = {
        (sample.labels["method"], sample.labels["route"], sample.labels["status"])
        for metric in REGISTRY.collect()
        if metric.name == "storefronts_http_requests"
        for sample in metric.samples
        if sample.name.endswith("_total") and sample.value > 0
    }
    assert {("GET", "/healthz", "200"), ("POST", "unmatched", "413")} <= counted


@pytest.mark.parametrize(
    ("peer", "forwarded", "seen"),
    [
        ("198.51.100.7", "203.0.113.9", "198.51.100.7"),  # not the gateway: its header is ignored
        ("127.0.0.1", "203.0.113.9", "127.0.0.1"),  # a local caller is not the gateway either
        ("127.0.0.2", "203.0.113.9", "203.0.113.9"),  # the gateway names the caller
        (
            "127.0.0.2",
            "6.6.6.6, 203.0.113.9",
            "203.0.113.9",
        ),  # the nearest hop the gateway saw, not what the caller wrote
        ("127.0.0.2", "not-an-address", "127.0.0.2"),
        ("127.0.0.2", None, "127.0.0.2"),
    ],
)
async def test_forwarded_addresses_are_believed_only_from_trusted_proxies(peer, forwarded, seen):
    app, _ = app_with(trusted_proxies=["127.0.0.2/32"])
    async with client(app, peer) as http:
        headers = {"x-forwarded-for": forwarded} if forwarded else {}
        assert (await http.get("/whoami", headers=headers)).json() == {"address": seen}


async def test_without_trusted_proxies_the_peer_is_the_caller():
    app, _ = app_with()
    async with client(app, "127.0.0.1") as http:
        assert (await http.get("/whoami", headers={"x-forwarded-for": "203.0.113.9"})).json() == {
            "address": "127.0.0.1"
        }
