"""The ops app behind the gateway's /readyz and /docs/: the platform is ready only when every
service is, the answer names the ones that are not, and the docs page loads nothing from
the Internet."""

import http.server
import json
import re
import threading

import httpx
import pytest

from service_runtime.ops.gateway import create_gateway_app
from service_runtime.testing.processes import free_port


class Readiness(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ready = self.server.ready
        body = json.dumps({"status": "ready" if ready else "not ready", "checks": {"database": True, "kafka": ready}})
        self.send_response(200 if ready else 503)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def service():
    """service(ready) → the base URL of a stand-in service answering /readyz."""
    servers = []

    def start(ready: bool) -> str:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Readiness)
        server.ready = ready
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")


async def test_ready_when_every_service_is(service):
    app = create_gateway_app({"client": service(True), "access": service(True)})
    async with client(app) as http:
        answer = await http.get("/readyz")
    assert answer.status_code == 200
    assert answer.json()["services"]["access"] == {
        "status": "ready",
        "http_status": 200,
        "checks": {"database": True, "kafka": True},
    }


async def test_not_ready_names_the_services_that_are_not(service):
    app = create_gateway_app(
        {"client": service(True), "access": service(False), "notifier": f"http://127.0.0.1:{free_port()}"}
    )
    async with client(app) as http:
        answer = await http.get("/readyz")
    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["detail"] == "Not ready: access, notifier."
    assert body["services"]["access"]["checks"]["kafka"] is False
    assert body["services"]["notifier"]["status"] == "unreachable"
    assert body["services"]["client"]["status"] == "ready"


async def test_the_docs_page_lists_every_service_and_loads_nothing_from_the_internet():
    app = create_gateway_app({"client": "http://127.0.0.1:1", "order-intake": "http://127.0.0.1:2"})
    async with client(app) as http:
        page = await http.get("/docs/")
        assert page.status_code == 200
        assert "/docs/client/openapi.json" in page.text and "/docs/order-intake/openapi.json" in page.text
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", page.text), "the page loads from elsewhere"
        for asset in re.findall(r"""(?:src|href)="(/docs/assets/[^"]+)""", page.text):
            loaded = await http.get(asset)
            assert loaded.status_code == 200 and len(loaded.content) > 1000, asset
