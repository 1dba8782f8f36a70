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

from service_runtime.testing.helpers import create_database, delete_topics, drop_database
from service_runtime.testing.processes import SERVICE_MODULES, Launcher, free_port

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


CONSOLE_SOURCES = (
    "index.html",
    "src",
    "public",
    "vite.config.ts",
    "tsconfig.json",
    "package.json",
    "package-lock.json",
)


def _built_from_current_sources(dist: Path) -> bool:
    """console/dist was built after its sources last changed (make test's console-check has just
    built it): building it again would only cost half a minute."""
    built = dist / "index.html"
    if not built.is_file():
        return False
    newest = 0.0
    for name in CONSOLE_SOURCES:
        source = REPO / "console" / name
        paths = [source, *source.rglob("*")] if source.exists() else []
        newest = max([newest, *(path.stat().st_mtime for path in paths)])
    return newest < built.stat().st_mtime


@pytest.fixture(scope="session")
def console_dist() -> Path:
    dist = REPO / "console" / "dist"
    if not (REPO / "console" / "node_modules").is_dir():
        pytest.skip("console/node_modules is missing: run deploy/console.sh install")
    if not _built_from_current_sources(dist):
        subprocess.run([str(REPO / "deploy" / "console.sh"), "build"], check=True)
    return dist


@pytest.fixture
def mapping_outbound_private() -> bool:
    """Whether the mapping service may fetch design files from private addresses (the tests serve
    them on loopback); a test parametrizes it False to see the production refusal."""
    return True


class _RunningPlatform:
    """The six services and the gateway on their own databases and topic prefix."""

    def __init__(
        self,
        stack,
        token_mint,
        console_dist: Path,
        log_dir: Path,
        *,
        mapping_outbound_private: bool,
        settings: dict[str, dict[str, str]] | None = None,
    ):
        self.stack = stack
        self.settings = settings or {}
        self.token_mint = token_mint
        self.console_dist = console_dist
        self.log_dir = log_dir
        self.mapping_outbound_private = mapping_outbound_private
        self.topic_prefix = f"t{uuid.uuid4().hex[:10]}."
        self.databases: dict[str, str] = {}
        self.launcher: Launcher | None = None
        self.nginx: subprocess.Popen | None = None
        self.directory: Path | None = None
        self.platform: Platform | None = None

    async def start(self) -> "_RunningPlatform":
        try:
            for name in SERVICE_MODULES:
                self.databases[name] = await create_database(self.stack.postgres_url, durable=False)
            self._start_processes()
        except BaseException:
            await self.stop()
            raise
        return self

    def _start_processes(self) -> None:
        stack = self.stack
        run = uuid.uuid4().hex[:8]
        base, gateway_port = _free_base_port(), free_port()
        url = f"http://127.0.0.1:{gateway_port}"
        operator = f"ops-{run}@provider.example"
        launcher = self.launcher = Launcher(
            stack,
            topic_prefix=self.topic_prefix,
            token_mint=self.token_mint,
            databases=self.databases,
            log_dir=self.log_dir,
        )

        def launch(service: str, **values):  # a test's own settings of the service win
            return launcher(service, **{**values, **self.settings.get(service, {})})

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
                STOREFRONTS_OUTBOUND_ALLOW_PRIVATE=str(self.mapping_outbound_private).lower(),
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
        directory = self.directory = Path(tempfile.mkdtemp(prefix="storefronts-gateway-"))
        directory.chmod(0o755)
        (directory / "tmp").mkdir(mode=0o777)
        (directory / "tmp").chmod(0o777)
        env = {
            **os.environ,
            "GATEWAY_PORT": str(gateway_port),
            "GATEWAY_DIR": str(directory),
            "STOREFRONTS_BASE_PORT": str(base),
            "CONSOLE_DIST": str(self.console_dist),
        }
        config = subprocess.run(
            [str(REPO / "deploy" / "gateway.sh"), "config"], env=env, check=True, capture_output=True, text=True
        ).stdout
        (directory / "nginx.conf").write_text(config)
        nginx = self.nginx = subprocess.Popen(
            ["nginx", "-c", str(directory / "nginx.conf"), "-g", f"daemon off; error_log {directory}/error.log;"]
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", gateway_port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or nginx.poll() is not None:
                    raise RuntimeError((directory / "error.log").read_text()) from None
                time.sleep(0.1)
        self.platform = Platform(url=url, operator_email=operator, maildir=stack.maildir)

    def alive(self) -> bool:
        """Every service and the gateway still run (a test may have brought one down)."""
        processes = [service.process for service in self.launcher.started] if self.launcher else []
        return self.nginx is not None and all(p is not None and p.poll() is None for p in [self.nginx, *processes])

    async def stop(self) -> None:
        if self.nginx is not None:
            self.nginx.terminate()
            self.nginx.wait(timeout=10)
            self.nginx = None
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None
        if self.launcher is not None:
            self.launcher.stop_all()
            self.launcher = None
        for url in self.databases.values():
            await drop_database(self.stack.postgres_url, url)
        self.databases = {}
        await delete_topics(self.stack.kafka_bootstrap, self.topic_prefix)


def _shared_key(item: pytest.Item) -> bool | None:
    """Which shared platform a collected test will use (by its mapping_outbound_private), None for none."""
    if "_platform_run" not in getattr(item, "fixturenames", ()) or item.get_closest_marker("own_platform"):
        return None
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("mapping_outbound_private", True) if callspec else True


@pytest.fixture
def platform_settings() -> dict[str, dict[str, str]]:
    """Settings a test gives the platform's services, by service (e.g. the connector's Shopify
    address). A test that overrides this must be marked ``own_platform``: shared platforms run
    with none."""
    return {}


@pytest.fixture(scope="session")
async def _shared_platforms():
    """The platforms the console's tests share, one per mapping_outbound_private, started on first use."""
    running: dict[bool, _RunningPlatform] = {}
    yield running
    for started in running.values():
        await started.stop()


@pytest.fixture
async def _platform_run(
    request,
    _shared_platforms,
    stack,
    token_mint,
    console_dist,
    tmp_path,
    tmp_path_factory,
    mapping_outbound_private,
    platform_settings,
):
    """The platform this test runs on. Starting six services takes about 30 s, so the tests share one
    (one per mapping_outbound_private), each with its own client, users and stores, and the platform
    stops after the last test that needs it. A test marked ``own_platform`` (it must see the platform
    empty: "No clients yet.") gets one of its own, stopped after it, as before sharing."""
    if shutil.which("nginx") is None:
        pytest.skip("nginx is not installed")
    if request.node.get_closest_marker("own_platform"):
        log_dir = tmp_path / "platform"
        log_dir.mkdir()
        own = await _RunningPlatform(
            stack,
            token_mint,
            console_dist,
            log_dir,
            mapping_outbound_private=mapping_outbound_private,
            settings=platform_settings,
        ).start()
        try:
            yield own
        finally:
            await own.stop()
        return
    assert not platform_settings, "a test giving the platform settings must be marked own_platform"
    key = mapping_outbound_private
    if key in _shared_platforms and not _shared_platforms[key].alive():
        await _shared_platforms.pop(key).stop()  # started afresh below: one test's crash is not the next one's
    if key not in _shared_platforms:
        log_dir = tmp_path_factory.mktemp(f"console-platform-{str(key).lower()}")
        _shared_platforms[key] = await _RunningPlatform(
            stack, token_mint, console_dist, log_dir, mapping_outbound_private=key
        ).start()
    yield _shared_platforms[key]
    items = request.session.items
    later = items[items.index(request.node) + 1 :] if request.node in items else []
    if not any(_shared_key(item) == key for item in later):
        await _shared_platforms.pop(key).stop()  # no later test needs it: its services stop using CPU


@pytest.fixture
def platform(_platform_run) -> Platform:
    """The gateway's address (the console at /console/), the bootstrap operator and the maildir."""
    return _platform_run.platform


@pytest.fixture
def databases(_platform_run) -> dict[str, str]:
    """The platform's databases, by service: what its services store."""
    return _platform_run.databases


@pytest.fixture
def topic_prefix(_platform_run) -> str:
    """The prefix of the platform's topics: events published there reach its services."""
    return _platform_run.topic_prefix


@pytest.fixture
def launch(_platform_run, stack, token_mint, tmp_path):
    """launch(service, ...) as in tests/conftest.py, on the platform's databases, topics and secret
    keys; what a test launches stops after it."""
    launcher = Launcher(
        stack,
        topic_prefix=_platform_run.topic_prefix,
        token_mint=token_mint,
        databases=_platform_run.databases,
        log_dir=tmp_path,
        secret_keys=_platform_run.launcher.secret_keys,
    )
    yield launcher
    launcher.stop_all()


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "own_platform: the console test gets a platform of its own (it must see the platform empty)"
    )


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
