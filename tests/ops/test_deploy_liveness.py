"""deploy/ decides a process is ours and alive only when it runs (not a zombie) with the
command line it started: a SIGKILLed service left as a zombie is started again, and a pid
file whose pid was recycled by another program never makes `stop` kill that program.

The shell functions run against processes these tests start themselves (a `sleep`, a
zombie made by a parent that does not reap, a fake service in a copy of deploy/), never
against the shared stack."""

import ctypes
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LIB = REPO / "deploy" / "lib.sh"
PR_SET_CHILD_SUBREAPER = 36


def lib(script: str, *args: str) -> subprocess.CompletedProcess:
    """Runs a bash snippet with deploy/lib.sh sourced; $1.. are args."""
    return subprocess.run(
        ["bash", "-c", f'source "{LIB}"; {script}', "lib", *args], capture_output=True, text=True, timeout=60
    )


def state(pid: int) -> str:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0]


def wait_until(condition, what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not {what} after {seconds}s")
        time.sleep(0.05)


@pytest.fixture
def sleeper():
    """A `sleep` with a command line nobody else runs."""
    process = subprocess.Popen(["sleep", "4321"])
    yield process
    process.kill()
    process.wait()


@pytest.fixture
def zombie():
    """The pid of a SIGKILLed `sleep 4322` whose parent (alive) never reaps it."""
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent("""
            import os, sys, time
            child = os.fork()
            if child == 0:
                os.execvp("sleep", ["sleep", "4322"])
            print(child, flush=True)
            time.sleep(600)  # never waits for the child
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    pid = int(parent.stdout.readline())
    wait_until(lambda: Path(f"/proc/{pid}/cmdline").read_bytes() == b"sleep\x004322\x00", "exec'd")
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: state(pid) == "Z", "a zombie")
    yield pid
    parent.kill()
    parent.wait()


def test_a_running_process_with_our_command_line_is_alive(sleeper, tmp_path):
    pidfile = tmp_path / "sleep.pid"
    pidfile.write_text(f"{sleeper.pid}\n")
    assert lib('pid_alive "$1" "sleep 4321"', str(pidfile)).returncode == 0


def test_a_zombie_is_not_alive(zombie, tmp_path):
    pidfile = tmp_path / "sleep.pid"
    pidfile.write_text(f"{zombie}\n")
    os.kill(zombie, 0)  # what the old check (kill -0) saw: a zombie answers signal 0
    assert lib('pid_alive "$1" "sleep 4322"', str(pidfile)).returncode == 1


def test_a_recycled_pid_is_not_ours_and_stop_leaves_it_alone(sleeper, tmp_path):
    pidfile = tmp_path / "service.pid"
    pidfile.write_text(f"{sleeper.pid}\n")  # the pid now belongs to an unrelated `sleep`
    command = f"{REPO}/.venv/bin/python -m access"
    assert lib('pid_alive "$1" "$2"', str(pidfile), command).returncode == 1
    stopped = lib('stop_pid "$1" access-service 1 "$2"', str(pidfile), command)
    assert stopped.returncode == 0 and "not running" in stopped.stdout
    assert sleeper.poll() is None, "stop killed a process that was not ours"
    assert not pidfile.exists()


def test_stop_ends_our_process(sleeper, tmp_path):
    pidfile = tmp_path / "sleep.pid"
    pidfile.write_text(f"{sleeper.pid}\n")
    stopped = lib('stop_pid "$1" sleeper 5 "sleep 4321"', str(pidfile))
    assert stopped.returncode == 0, stopped.stderr
    assert sleeper.wait(timeout=10) == -signal.SIGTERM
    assert not pidfile.exists()


def test_a_word_of_the_command_line_must_match_whole(sleeper, tmp_path):
    pidfile = tmp_path / "sleep.pid"
    pidfile.write_text(f"{sleeper.pid}\n")
    assert lib('pid_alive "$1" "sleep 432"', str(pidfile)).returncode == 1


# ------------------------------------------------------- deploy/services.sh in a copy of deploy/


def _free_base() -> int:
    """A base port whose ports base + 1 and base + 9 can be bound, below the ephemeral range."""
    for _ in range(200):
        base = random.randrange(20000, 32000, 10)
        try:
            for offset in (1, 9):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", base + offset))
        except OSError:
            continue
        return base
    raise RuntimeError("no free base port")


FAKE_SERVICE = """#!{python}
# Stands in for .venv/bin/python: `python -m client` (and the ops app) answer on their port.
import http.server, os

class Ready(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path in ("/readyz", "/healthz") else 404)
        self.end_headers()
        self.wfile.write(str(os.getpid()).encode())

    def log_message(self, *args):
        pass

port = os.environ.get("CLIENT_PORT") or os.environ["OPS_PORT"]
http.server.HTTPServer(("127.0.0.1", int(port)), Ready).serve_forever()
"""


@pytest.fixture
def fake_repo(tmp_path):
    """A repository with the real deploy/ scripts and one fake service (client-service).
    Orphans re-parent to this test process, which does not reap them while the test runs: as
    under a PID 1 that never reaps (many containers, this machine)."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "deploy", root / "deploy", ignore=shutil.ignore_patterns("kafka"))
    (root / "services/client-service/src/client").mkdir(parents=True)
    python = root / ".venv/bin/python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_SERVICE.format(python=sys.executable))
    python.chmod(0o755)
    (root / "var").mkdir()
    (root / "var/dev-secret-key").write_text("not-a-real-key\n")
    base = _free_base()  # the fake client listens on base + 1, the ops app on base + 9
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    assert prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    yield root, {**os.environ, "STOREFRONTS_BASE_PORT": str(base)}, base
    subprocess.run(
        [root / "deploy/services.sh", "stop"],
        env={**os.environ, "STOREFRONTS_BASE_PORT": str(base)},
        capture_output=True,
        timeout=60,
    )
    prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
    for _ in range(50):  # reap what the test left (the stopped service exits within a moment)
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            time.sleep(0.1)


def test_services_start_right_after_a_sigkill_brings_the_service_back(fake_repo):
    root, env, base = fake_repo
    services = root / "deploy/services.sh"
    started = subprocess.run([services, "start"], env=env, capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stdout + started.stderr
    pidfile = root / "var/run/services/client-service.pid"
    first = int(pidfile.read_text().split()[0])
    assert urllib.request.urlopen(f"http://127.0.0.1:{base + 1}/readyz").read() == str(first).encode()

    os.kill(first, signal.SIGKILL)
    wait_until(lambda: state(first) == "Z", "a zombie")

    assert (
        "client-service stopped"
        in subprocess.run([services, "status"], env=env, capture_output=True, text=True, timeout=60).stdout
    )
    again = subprocess.run([services, "start"], env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr
    second = int(pidfile.read_text().split()[0])
    assert second != first
    assert urllib.request.urlopen(f"http://127.0.0.1:{base + 1}/readyz").read() == str(second).encode()


# ------------------------------------------------------- deploy/kafka.sh fetch


def test_a_failed_kafka_download_keeps_the_jars_there_were(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(REPO / "deploy", root / "deploy", ignore=shutil.ignore_patterns("libs", "target"))
    libs = root / "deploy/kafka/libs"
    libs.mkdir()
    (libs / "kafka_2.13-4.0.0.jar").write_text("the jar that works")
    (libs / ".pom.sha256").write_text("an older pom\n")  # the pom changed: fetch downloads again
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "mvn").write_text(
        "#!/bin/sh\necho 'Could not resolve dependencies: network is unreachable' >&2\nexit 1\n"
    )
    (bin_dir / "mvn").chmod(0o755)
    fetched = subprocess.run(
        [root / "deploy/kafka.sh", "fetch"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"},
    )
    assert fetched.returncode != 0
    assert "left as it was" in fetched.stderr
    assert (libs / "kafka_2.13-4.0.0.jar").read_text() == "the jar that works"
