"""The web console in Debian's Chromium (driven by Playwright's bundled driver, never a
browser it downloads) against the real stack: client, access, connector, mapping, order intake and notifier as
processes on Kafka, PostgreSQL and the SMTP catcher, behind the gateway's own nginx
configuration (deploy/gateway.sh config) serving console/dist. The connector reaches shops on
loopback over plain http (the WooCommerce simulator the stores journey serves)."""

import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from service_runtime.testing.processes import free_port

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = REPO / "console" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "var" / "screenshots"
OPERATOR_PASSWORD = "operator passphrase long enough"


@dataclass
class Platform:
    url: str
    operator_email: str
    maildir: Path


def _free_base_port() -> int:
    """A base port whose +1 (client), +2 (access), +3 (connector), +4 (mapping), +5 (order intake) and +6 (notifier) are free: the gateway's
    layout. Below the ephemeral range, so no outgoing connection takes one meanwhile."""
    for _ in range(200):
        base = random.randrange(20000, 32000, 10)
        sockets = []
        try:
            for offset in (1, 2, 3, 4, 5, 6):
                s = socket.socket()
                s.bind(("127.0.0.1", base + offset))
                sockets.append(s)
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free port range for the gateway's services")


@pytest.fixture(scope="session")
def console_dist() -> Path:
    dist = REPO / "console" / "dist"
    if not (REPO / "console" / "node_modules").is_dir():
        pytest.skip("console/node_modules is missing: run deploy/console.sh install")
    subprocess.run([str(REPO / "deploy" / "console.sh"), "build"], check=True)
    return dist


@pytest.fixture
def mapping_outbound_private() -> bool:
    """Whether the mapping service may fetch design files from private addresses (the tests serve
    them on loopback); a test parametrizes it False to see the production refusal."""
    return True


@pytest.fixture
def platform(launch, stack, console_dist, tmp_path, mapping_outbound_private) -> Platform:
    if shutil.which("nginx") is None:
        pytest.skip("nginx is not installed")
    run = uuid.uuid4().hex[:8]
    base, gateway_port = _free_base_port(), free_port()
    url = f"http://127.0.0.1:{gateway_port}"
    operator = f"ops-{run}@provider.example"
    access = launch(
        "access",
        port=base + 2,
        PUBLIC_URL=url,
        STOREFRONTS_TRUSTED_PROXIES='["127.0.0.2"]',
        BOOTSTRAP_OPERATOR_EMAIL=operator,
        BOOTSTRAP_OPERATOR_PASSWORD=OPERATOR_PASSWORD,
        wait=False,
    )
    access.wait_ready(timeout=240)
    jwks = {"STOREFRONTS_JWKS_URL": f"{access.url}/.well-known/jwks.json"}
    # access made the topics; the others start side by side (one by one, six services outlast a
    # loaded machine's minute each), then each is waited for
    starting = [
        launch("client", wait=False, port=base + 1, **jwks),
        launch(
            "connector",
            wait=False,
            port=base + 3,
            PUBLIC_BASE_URL=url,  # shops deliver webhooks through the gateway
            WOOCOMMERCE_REQUIRE_HTTPS="false",  # the simulator serves plain http on loopback
            STOREFRONTS_OUTBOUND_ALLOW_PRIVATE="true",
            CONNECTION_CHECK_SECONDS="2",  # a broken connection shows on the store page within the test
            **jwks,
        ),
        launch(
            "mapping",
            wait=False,
            port=base + 4,
            CONSUMER_BATCH_TIMEOUT_MS="50",
            # design files of the tests are served on 127.0.0.1; a test takes False to see private addresses refused
            STOREFRONTS_OUTBOUND_ALLOW_PRIVATE=str(mapping_outbound_private).lower(),
            DESIGN_FILE_TIMEOUT_SECONDS="5",
            **jwks,
        ),
        launch("order_intake", wait=False, port=base + 5, CONSUMER_BATCH_TIMEOUT_MS="50", **jwks),
        launch(
            "notifier",
            wait=False,
            port=base + 6,
            SMTP_HOST=stack.smtp_host,
            SMTP_PORT=str(stack.smtp_port),
            STOREFRONTS_OUTBOUND_ALLOW_PRIVATE="true",  # postback receivers of the tests listen on 127.0.0.1
            POSTBACK_RETRY_WAITS_SECONDS="[1]",  # a failing receiver's delivery is failed after two attempts
            **jwks,
        ),
    ]
    for service in starting:
        service.wait_ready(timeout=240)

    # outside pytest's 0700 tmp_path: nginx's workers (nobody, when it runs as root) buffer a large
    # request body (a CSV upload) in GATEWAY_DIR/tmp, and answer 500 when they cannot
    directory = Path(tempfile.mkdtemp(prefix="storefronts-gateway-"))
    directory.chmod(0o755)
    (directory / "tmp").mkdir(mode=0o777)
    (directory / "tmp").chmod(0o777)
    env = {
        **os.environ,
        "GATEWAY_PORT": str(gateway_port),
        "GATEWAY_DIR": str(directory),
        "STOREFRONTS_BASE_PORT": str(base),
        "CONSOLE_DIST": str(console_dist),
    }
    config = subprocess.run(
        [str(REPO / "deploy" / "gateway.sh"), "config"], env=env, check=True, capture_output=True, text=True
    ).stdout
    (directory / "nginx.conf").write_text(config)
    nginx = subprocess.Popen(
        ["nginx", "-c", str(directory / "nginx.conf"), "-g", f"daemon off; error_log {directory}/error.log;"]
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", gateway_port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or nginx.poll() is not None:
                    raise RuntimeError((directory / "error.log").read_text()) from None
                time.sleep(0.1)
        yield Platform(url=url, operator_email=operator, maildir=stack.maildir)
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
async def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed: deploy/console.sh install")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            await launched.close()


class Screens:
    """Each screen of a journey: an axe-core check (no serious or critical violation) and a
    screenshot under var/screenshots/ for a reviewer."""

    def __init__(self, journey: str):
        self.journey = journey
        self.count = 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    async def check(self, page, name: str) -> None:
        self.count += 1
        await page.wait_for_load_state("networkidle")
        await page.screenshot(path=str(SCREENSHOTS / f"{self.journey}-{self.count:02d}-{name}.png"), full_page=True)
        # through the driver, not a <script> tag: the console's Content-Security-Policy stays on
        if not await page.evaluate("typeof axe !== 'undefined'"):
            await page.evaluate(AXE.read_text())
        result = await page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))"
        )
        serious = [v for v in result if v["impact"] in ("serious", "critical")]
        assert not serious, f"{name}: {json.dumps(serious, indent=1)}"


@pytest.fixture
def screens():
    return Screens
