"""The real Kafka, PostgreSQL, Redis and SMTP server the tests use.

With a Docker engine, testcontainers starts them. Without one (the usual case here),
``deploy/stack.sh up`` starts the local processes once and writes their addresses to
``var/run/stack.env``; ``make test`` does that before pytest, and a plain ``pytest`` run
does it on first use. Variables already in the environment win."""

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[5]
STACK_ENV = REPO / "var" / "run" / "stack.env"


@dataclass(frozen=True)
class Stack:
    kafka_bootstrap: str
    postgres_url: str
    redis_url: str
    smtp_host: str
    smtp_port: int
    maildir: Path


def _docker_available() -> bool:
    if not shutil.which("docker"):
        return False
    return subprocess.run(["docker", "info"], capture_output=True).returncode == 0


def _read_env_file() -> dict[str, str]:
    if not STACK_ENV.exists():
        return {}
    pairs = (
        line.split("=", 1) for line in STACK_ENV.read_text().splitlines() if "=" in line and not line.startswith("#")
    )
    return {k.strip(): v.strip() for k, v in pairs}


def _from(values: dict[str, str]) -> Stack:
    return Stack(
        kafka_bootstrap=values["STOREFRONTS_KAFKA_BOOTSTRAP"],
        postgres_url=values["STOREFRONTS_TEST_POSTGRES_URL"],
        redis_url=values["STOREFRONTS_REDIS_URL"],
        smtp_host=values["STOREFRONTS_SMTP_HOST"],
        smtp_port=int(values["STOREFRONTS_SMTP_PORT"]),
        maildir=Path(values["STOREFRONTS_MAILDIR"]),
    )


def start_stack() -> Stack:
    keys = ("STOREFRONTS_KAFKA_BOOTSTRAP", "STOREFRONTS_TEST_POSTGRES_URL", "STOREFRONTS_REDIS_URL")
    if all(k in os.environ for k in keys) and "STOREFRONTS_MAILDIR" in os.environ:
        return _from(dict(os.environ))
    if _docker_available() and os.environ.get("STOREFRONTS_USE_TESTCONTAINERS", "1") == "1":
        from service_runtime.testing.containers import start_containers

        return start_containers()
    subprocess.run(["bash", str(REPO / "deploy" / "stack.sh"), "up"], check=True, cwd=REPO)
    return _from(_read_env_file())
