"""Runs a service as its own OS process, as production does, for delivery and fault tests."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from service_runtime.secrets import SecretBox
from service_runtime.testing.helpers import INVITATION_KEY, TEST_HEARTBEAT_INTERVAL_MS

#: The services a test may launch, by the name the settings' prefix is made of, and their modules.
SERVICE_MODULES = {
    "client": "client",
    "access": "access",
    "notifier": "notifier",
    "connector": "connector",
    "mapping": "mapping",
    "order_intake": "order_intake",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServiceProcess:
    def __init__(self, module: str, *, env: dict[str, str], port: int, log_path: Path) -> None:
        self.module = module
        self.env = env
        self.port = port
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self._terminated = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, wait: bool = True, extra_env: dict[str, str] | None = None) -> "ServiceProcess":
        env = {**os.environ, **self.env, **(extra_env or {})}
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", self.module], env=env, stdout=log, stderr=log)
        self._terminated = False
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"{self.module} exited with {self.process.returncode}; see {self.log_path}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.module} not ready after {timeout}s; see {self.log_path}")

    def wait_exit(self, timeout: float = 60) -> int:
        assert self.process is not None
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def terminate(self) -> None:
        """Asks the process to stop (SIGTERM, once) without waiting: ``stop`` then waits."""
        if self.process and self.process.poll() is None and not self._terminated:
            self.process.send_signal(signal.SIGTERM)
            self._terminated = True

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class Launcher:
    """launcher("client") / launcher("access", STOREFRONTS_CRASH_AT=...) → a started ServiceProcess on
    the given databases ({service: URL}) and topic prefix, trusting the token mint's keys. Settings
    without a STOREFRONTS_ prefix get the service's own prefix (RELAY_ENABLED → CLIENT_RELAY_ENABLED).
    Every service it starts shares one set of secret keys; ``stop_all`` stops them. The ``launch``
    fixture is one per test; the console's shared platform keeps one for the tests it serves."""

    def __init__(
        self, stack, *, topic_prefix: str, token_mint, databases: dict[str, str], log_dir: Path, secret_keys=None
    ) -> None:
        self.stack = stack
        self.topic_prefix = topic_prefix
        self.token_mint = token_mint
        self.databases = databases
        self.log_dir = log_dir
        self.secret_keys = secret_keys or json.dumps([SecretBox.generate_key()])
        self.invitation_keys = json.dumps([INVITATION_KEY])
        self.started: list[ServiceProcess] = []

    def __call__(self, service: str, *, wait: bool = True, port: int | None = None, **extra: str) -> ServiceProcess:
        prefix = service.upper()
        port = port or free_port()
        env = {
            f"{prefix}_DATABASE_URL": self.databases[service],
            f"{prefix}_PORT": str(port),
            f"{prefix}_RELAY_POLL_SECONDS": "0.1",
            "STOREFRONTS_CONSUMER_HEARTBEAT_INTERVAL_MS": str(TEST_HEARTBEAT_INTERVAL_MS),
            "STOREFRONTS_KAFKA_BOOTSTRAP": self.stack.kafka_bootstrap,
            "STOREFRONTS_TOPIC_PREFIX": self.topic_prefix,
            "STOREFRONTS_JWKS_JSON": json.dumps(self.token_mint.jwks),
            "STOREFRONTS_SECRET_KEYS": self.secret_keys,
            "STOREFRONTS_INVITATION_KEYS": self.invitation_keys,
            "STOREFRONTS_REDIS_URL": self.stack.redis_url,
            "STOREFRONTS_LOG_JSON": "true",
        }
        env.update({k if k.startswith("STOREFRONTS_") else f"{prefix}_{k}": v for k, v in extra.items()})
        process = ServiceProcess(
            SERVICE_MODULES[service], env=env, port=port, log_path=self.log_dir / f"{service}-{len(self.started)}.log"
        )
        process.start(wait=wait)
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        """Every service is asked to stop at once (each shuts down gracefully), then each is waited for."""
        for process in self.started:
            process.terminate()
        for process in self.started:
            process.stop()
