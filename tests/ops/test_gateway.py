"""The gateway (deploy/gateway.sh's nginx) as operators and callers meet it: forwarded
headers it sets itself, a request limit on sign-in, no invitation token in its access log,
every service's OpenAPI, readiness and metrics under one address, and a stop that ends
only its own nginx. nginx runs from a temporary directory on free ports, in front of small
stand-in upstreams; skipped where nginx is not installed (deploy/gateway.sh install)."""

import http.server
import json
import os
import random
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from service_runtime.testing.processes import free_port

REPO = Path(__file__).resolve().parents[2]
GATEWAY = REPO / "deploy" / "gateway.sh"
SERVICE_OFFSETS = {"client": 1, "access": 2, "connector": 3, "mapping": 4, "order-intake": 5, "notifier": 6, "ops": 9}

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx not installed (deploy/gateway.sh install)")


class Echo(http.server.BaseHTTPRequestHandler):
    """Answers with what it received and which stand-in service it is."""

    protocol_version = "HTTP/1.1"

    def _answer(self):
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        body = json.dumps(
            {
                "service": self.server.service_name,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
            }
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


def _free_base() -> int:
    """A base port whose service ports (base + 1..9) can all be bound, below the ephemeral range."""
    for _ in range(200):
        base = random.randrange(20000, 32000, 10)
        try:
            for offset in SERVICE_OFFSETS.values():
                with socket.socket() as s:
                    s.bind(("127.0.0.1", base + offset))
        except OSError:
            continue
        return base
    raise RuntimeError("no free base port")


@pytest.fixture
def upstreams():
    base = _free_base()
    servers = []
    for name, offset in SERVICE_OFFSETS.items():
        server = http.server.ThreadingHTTPServer(("127.0.0.1", base + offset), Echo)
        server.service_name = name
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    yield base
    for server in servers:
        server.shutdown()
        server.server_close()


def _gateway(command: str, directory: Path, port: int, base: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "GATEWAY_DIR": str(directory), "GATEWAY_PORT": str(port), "STOREFRONTS_BASE_PORT": str(base)}
    return subprocess.run([GATEWAY, command], env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture
def gateway(upstreams, tmp_path):
    directory, port = tmp_path / "gateway", free_port()
    started = _gateway("start", directory, port, upstreams)
    assert started.returncode == 0, started.stdout + started.stderr
    yield f"http://127.0.0.1:{port}", directory
    _gateway("stop", directory, port, upstreams)


def call(url: str, *, method: str = "GET", headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(
        url, method=method, headers=headers or {}, data=b"{}" if method == "POST" else None
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_forwarded_headers_are_the_real_peer_whatever_the_caller_sent(gateway):
    url, _ = gateway
    status, _, body = call(
        f"{url}/auth/login", method="POST", headers={"X-Forwarded-For": "203.0.113.7", "X-Real-IP": "203.0.113.8"}
    )
    assert status == 200
    seen = json.loads(body)
    assert seen["service"] == "access"
    assert seen["headers"]["x-forwarded-for"] == "127.0.0.1"
    assert seen["headers"]["x-real-ip"] == "127.0.0.1"


def test_sign_in_requests_beyond_the_limit_get_429_problem_json(gateway):
    url, _ = gateway
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: call(f"{url}/auth/login", method="POST"), range(80)))
    refused = [a for a in answers if a[0] == 429]
    assert refused, "80 sign-in requests at once all went through"
    _status, headers, body = refused[0]
    assert headers["Content-Type"].startswith("application/problem+json")
    assert headers["Retry-After"] == "1"
    assert json.loads(body)["status"] == 429
    assert call(f"{url}/clients", method="GET")[0] == 200, "the limit is on /auth/ only"


def test_the_access_log_never_holds_an_invitation_token(gateway):
    url, directory = gateway
    call(f"{url}/invitations/accept?token=SECRET-TOKEN-1")
    call(f"{url}/clients?q=visible", headers={"Referer": f"{url}/invitations/accept?token=SECRET-TOKEN-2"})
    log = (directory / "access.log").read_text()
    assert "/invitations/accept?[not logged]" in log
    assert "/clients?q=visible" in log
    assert "SECRET-TOKEN" not in log


def test_stores_and_webhooks_go_to_the_connector_and_an_oauth_callback_is_not_logged(gateway):
    url, directory = gateway
    for method, path in (
        ("GET", "/stores"),
        ("GET", "/stores/s1/health"),
        ("POST", "/webhooks/shopify/s1"),
        ("POST", "/webhooks/shopify"),
        ("GET", "/stores/shopify/callback?code=SECRET-CODE&state=SECRET-STATE"),
    ):
        status, _, body = call(url + path, method=method)
        assert status == 200, path
        assert json.loads(body)["service"] == "connector", path
    log = ""
    for _ in range(100):  # nginx writes the line once the answer is sent
        log = (directory / "access.log").read_text()
        if "/stores/shopify/callback?[not logged]" in log:
            break
        time.sleep(0.1)
    assert "/stores/shopify/callback?[not logged]" in log
    assert "SECRET-" not in log


@pytest.mark.parametrize("service", ["client", "access", "connector", "mapping", "order-intake", "notifier"])
def test_each_service_openapi_readiness_and_metrics_through_the_gateway(gateway, service):
    url, _ = gateway
    for path, upstream_path in (
        (f"/docs/{service}/openapi.json", "/openapi.json"),
        (f"/metrics/{service}", "/metrics"),
        (f"/readyz/{service}", "/readyz"),
    ):
        status, _, body = call(url + path)
        assert status == 200, path
        assert json.loads(body) | {"headers": None} == {"service": service, "path": upstream_path, "headers": None}


def test_combined_readiness_and_docs_page_come_from_the_ops_app(gateway):
    url, _ = gateway
    for path in ("/readyz", "/docs/", "/docs/assets/swagger-ui-bundle.js"):
        status, _, body = call(url + path)
        assert status == 200
        assert json.loads(body)["service"] == "ops" and json.loads(body)["path"] == path


def test_stop_ends_its_own_nginx_and_no_other(upstreams, tmp_path):
    mine, other = (tmp_path / "mine", free_port()), (tmp_path / "other", free_port())
    assert _gateway("start", *mine, upstreams).returncode == 0
    try:
        assert _gateway("start", *other, upstreams).returncode == 0
        other_pid = int((other[0] / "nginx.pid").read_text())
        stopped = _gateway("stop", *mine, upstreams)
        assert stopped.returncode == 0, stopped.stderr
        assert Path(f"/proc/{other_pid}").exists(), "stopping one gateway ended another nginx"
        assert call(f"http://127.0.0.1:{other[1]}/healthz")[0] == 200
        assert _gateway("status", *mine, upstreams).returncode == 3
    finally:
        _gateway("stop", *other, upstreams)
        _gateway("stop", *mine, upstreams)


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/clients", "client"),
        ("/clients/c-1", "client"),
        ("/clients/c-1/users", "access"),
        ("/clients/c-1/postbacks/endpoints", "notifier"),
        ("/clients/c-1/postbacks/endpoints/e-1/deliveries", "notifier"),
        ("/emails", "notifier"),
    ],
)
def test_a_clients_paths_reach_the_service_that_owns_them(gateway, path, service):
    url, _ = gateway
    status, _, body = call(url + path)
    assert status == 200
    assert json.loads(body)["service"] == service and json.loads(body)["path"] == path


@pytest.mark.parametrize(
    "path", ["/orders", "/orders/o-1/status", "/order-imports", "/order-imports/job-1", "/order-policies/c-1"]
)
def test_order_paths_reach_order_intake(gateway, path):
    url, _ = gateway
    status, _, body = call(f"{url}{path}")
    assert status == 200 and json.loads(body)["service"] == "order-intake"
