"""What the numbers were measured on: the machine, its load, the versions; and a process's
CPU time and peak memory, read from /proc (Linux) without extra dependencies."""

import os
import platform
import re
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")
PACKAGES = ("aiokafka", "faststream", "sqlalchemy", "sqlmodel", "asyncpg", "aiosqlite", "pydantic")


@dataclass(frozen=True)
class ProcessSample:
    cpu_seconds: float  # user + system, every thread
    peak_rss_mb: float  # VmHWM: the most resident memory the process ever had
    rss_mb: float = 0.0  # VmRSS: its resident memory now


def sample(pid: int) -> ProcessSample:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime (fields 14, 15 of stat)
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    now = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return ProcessSample(
        cpu_seconds=cpu,
        peak_rss_mb=int(found.group(1)) / 1024 if found else 0.0,
        rss_mb=int(now.group(1)) / 1024 if now else 0.0,
    )


def postgres_cpu_seconds(database: str) -> float | None:
    """CPU time (user + system) of the PostgreSQL backends serving ``database`` on this machine
    (processes titled ``postgres: <user> <database> ...``), None when none is seen here (a server
    elsewhere). Backends that ended between two samples are not counted: compare samples of
    one pool's connections (a service's pool keeps them)."""
    total, seen = 0.0, False
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            title = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").split()
            if len(title) < 3 or title[0] != b"postgres:" or title[2] != database.encode():
                continue
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile, or not ours to read
            continue
        total += (int(fields[11]) + int(fields[12])) / _TICKS
        seen = True
    return total if seen else None


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def describe(repo: Path) -> dict:
    cpu_model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
    meminfo = Path("/proc/meminfo").read_text()
    memory_kb = int(re.search(r"^MemTotal:\s+(\d+) kB", meminfo, re.MULTILINE).group(1))
    return {
        "cores": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "python_implementation": sys.implementation.name,
        "kafka": kafka_version(repo),
        "packages": {name: _version(name) for name in PACKAGES},
        "git": git_state(repo),
    }


def kafka_version(repo: Path) -> str:
    """The running broker's version, from the jar on its class path (the broker does not say)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"kafka.Kafka" not in args:
            continue
        for i, arg in enumerate(args[:-1]):
            if arg == b"-cp":
                version = _kafka_jar_version(Path(args[i + 1].decode().split(":")[0].rstrip("*")))
                if version:
                    return version
    pom = repo / "deploy" / "kafka" / "pom.xml"
    if pom.exists() and (found := re.search(r"<kafka.version>([^<]+)<", pom.read_text())):
        return f"{found.group(1)} (deploy/kafka/pom.xml)"
    return "unknown"


def _kafka_jar_version(libs: Path) -> str | None:
    for jar in sorted(libs.glob("kafka_2.13-*.jar")):
        if found := re.fullmatch(r"kafka_2\.13-([\d.]+)\.jar", jar.name):
            return found.group(1)
    return None


def git_state(repo: Path) -> dict:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            return ""

    return {
        "commit": git("rev-parse", "--short", "HEAD").strip(),
        "branch": git("rev-parse", "--abbrev-ref", "HEAD").strip(),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results").strip()),
    }


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"
