"""The runtime, measured on one database: the bench service (bench/service.py) run as its
own process, so its CPU time and peak memory are its own.

1. throughput: N orders are produced before the service starts; the service (consumers on,
   relay off) drains them. Events/s is taken from the first to the last applied row; CPU
   ms/event from the process's CPU time between the first and the last count.
2. latency: a fresh service on fresh topics (consumer and relay on, as deployed) gets
   orders at a steady rate, a fraction of the measured throughput, each stamped when
   produced; p50/p99 are taken from produce to applied (the row's times) and from produce
   to relayed (the OrderAccepted record's timestamp on the output topic).
3. relay (run before 2.): a service with its consumers off and its relay on publishes every
   outbox row the throughput phase left; relay events/s is taken from the output topic (its records' times).

A phase that does not finish within ``max_seconds`` stops and reports what it did."""

import asyncio
import json
import math
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench import kafka, machine
from bench.service import BenchOrder, create_tables
from bench.workload import INPUT_TOPIC, LATENCY, OUTPUT_TOPIC, THROUGHPUT, WARM_UP, order_received, record
from storefront_events import ALL_TOPICS

POLL_SECONDS = 0.1
START_TIMEOUT = 180  # a loaded machine starts Python processes slowly


class BenchError(RuntimeError):
    """The benchmark could not measure (a service died, nothing was applied in time)."""


@dataclass(frozen=True)
class Options:
    bootstrap: str
    repo: Path
    log_dir: Path
    events: int
    max_seconds: float
    latency_seconds: float
    latency_load: float
    latency_rate: float | None
    log_level: str
    handler: str = "event"  # the bench service's handler form: event (per event) or batch (set-based)
    consumers: int | None = None  # STOREFRONTS_CONSUMER_CONCURRENCY of the bench service (None: the runtime's default)
    runtime_src: tuple[str, ...] = ()  # directories imported before the installed packages (another checkout's runtime)


def async_url(url: str) -> str:
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url.split("://", 1)[1]
    return url


class Rows:
    """Reads the bench service's table: what was applied, and when."""

    def __init__(self, url: str) -> None:
        self.engine = create_async_engine(async_url(url))

    async def count(self, phase: str) -> int:
        async with self.engine.connect() as connection:
            return await connection.scalar(
                text("SELECT count(*) FROM bench_orders WHERE platform_order_id LIKE :phase"), {"phase": f"{phase}-%"}
            )

    async def total(self) -> int:
        async with self.engine.connect() as connection:
            return await connection.scalar(text("SELECT count(*) FROM bench_orders"))

    async def times(self, phase: str) -> list[tuple[float, float]]:
        async with self.engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT produced_at, applied_at FROM bench_orders WHERE platform_order_id LIKE :phase"),
                {"phase": f"{phase}-%"},
            )
            return [(produced, applied) for produced, applied in rows]

    async def produced_at(self, phase: str) -> dict[str, float]:
        """``{platform_order_id: produce time}`` of the phase's applied orders."""
        async with self.engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT platform_order_id, produced_at FROM bench_orders WHERE platform_order_id LIKE :phase"),
                {"phase": f"{phase}-%"},
            )
            return {order: produced for order, produced in rows}

    async def close(self) -> None:
        await self.engine.dispose()


#: A service refuses to start without encryption keys: the bench service gets a throwaway one.
_SECRET_KEYS = json.dumps([Fernet.generate_key().decode()])


def service_env(
    options: Options, *, database_url: str, prefix: str, consumers: bool, relay: bool, seed_outbox: int = 0
) -> dict[str, str]:
    return (
        os.environ
        | {
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(options.repo), *options.runtime_src, os.environ.get("PYTHONPATH")])
            ),
            "BENCH_SERVICE_DATABASE_URL": database_url,
            "BENCH_SERVICE_CONSUMERS_ENABLED": str(consumers).lower(),
            "BENCH_SERVICE_RELAY_ENABLED": str(relay).lower(),
            "BENCH_SERVICE_SEED_OUTBOX": str(seed_outbox),
            "BENCH_SERVICE_HANDLER": options.handler,
            "STOREFRONTS_KAFKA_BOOTSTRAP": options.bootstrap,
            "STOREFRONTS_TOPIC_PREFIX": prefix,
            "STOREFRONTS_LOG_LEVEL": options.log_level,
            "STOREFRONTS_LOG_JSON": "true",
            "STOREFRONTS_SECRET_KEYS": _SECRET_KEYS,
        }
        | ({"STOREFRONTS_CONSUMER_CONCURRENCY": str(options.consumers)} if options.consumers else {})
    )


def delivery_settings(options: Options) -> dict:
    """The runtime's delivery knobs as the bench service sees them (its runtime, its env)."""
    env = service_env(options, database_url="sqlite://", prefix="", consumers=True, relay=True)
    done = subprocess.run(
        [sys.executable, "-m", "bench.service", "settings"],
        cwd=options.repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise BenchError(f"the bench service could not read its settings:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


class ServiceProcess:
    """``python -m bench.service`` with its own settings; stopped with SIGTERM."""

    def __init__(self, options: Options, *, name: str, database_url: str, prefix: str, consumers: bool, relay: bool):
        self.log_path = options.log_dir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.service"],
            cwd=options.repo,
            env=service_env(options, database_url=database_url, prefix=prefix, consumers=consumers, relay=relay),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def sample(self) -> machine.ProcessSample:
        return machine.sample(self.process.pid)

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            tail = self.log_path.read_text(errors="replace")[-3000:]
            raise BenchError(f"the bench service exited with {self.process.returncode}; its log ends:\n{tail}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


async def wait_for(check, *, service: ServiceProcess, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        service.check_alive()
        if value := await check():
            return value
        if time.monotonic() > deadline:
            raise BenchError(f"{what} not seen within {timeout:.0f}s (log: {service.log_path})")
        await asyncio.sleep(POLL_SECONDS)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def rate(count: int, first: float, last: float) -> float:
    return round((count - 1) / (last - first), 1) if count > 1 and last > first else 0.0


async def measure(options: Options, *, database: str, url: str, prefix: str) -> dict:
    """The three runtime phases on one database (an empty one, made by the caller)."""
    rows = Rows(url)
    await create_tables(rows.engine)
    topics = {t.name: t.partitions for t in ALL_TOPICS}
    throughput_prefix, latency_prefix = f"{prefix}tp.", f"{prefix}lat."
    for topic_prefix in (throughput_prefix, latency_prefix):
        await kafka.create_topics(options.bootstrap, {topic_prefix + name: n for name, n in topics.items()})
    try:
        result = {"database": database, "table": BenchOrder.__tablename__}
        result["throughput"] = await _throughput(options, rows, url, throughput_prefix)
        # The relay before the latency phase, whose relay would publish the rows left here.
        result["relay"] = await _relay(options, rows, url, throughput_prefix)
        result["latency"] = await _latency(options, rows, url, latency_prefix, result["throughput"]["events_per_s"])
        return {name: result[name] for name in ("database", "table", "throughput", "latency", "relay")}
    finally:
        await rows.close()


async def _throughput(options: Options, rows: Rows, url: str, prefix: str) -> dict:
    producer = kafka.producer(options.bootstrap)
    await producer.start()
    try:
        await kafka.produce(
            producer, prefix + INPUT_TOPIC.name, (record(order_received(THROUGHPUT, i)) for i in range(options.events))
        )
    finally:
        await producer.stop()
    load_before = machine.load_average()
    service = ServiceProcess(
        options, name=f"{prefix}service", database_url=url, prefix=prefix, consumers=True, relay=False
    )
    try:
        started = time.monotonic()
        first_count = await wait_for(
            lambda: rows.count(THROUGHPUT), service=service, timeout=START_TIMEOUT, what="a first applied event"
        )
        start_seconds = time.monotonic() - started
        first_sample, first_at = service.sample(), time.monotonic()
        count, capped = first_count, False
        while count < options.events:
            service.check_alive()
            if time.monotonic() - first_at > options.max_seconds:
                capped = True
                break
            await asyncio.sleep(POLL_SECONDS)
            count = await rows.count(THROUGHPUT)
        last_sample, last_at = service.sample(), time.monotonic()
        count = await rows.count(THROUGHPUT)  # the CPU sample is paired with this count
    finally:
        service.stop()
    applied = await rows.times(THROUGHPUT)
    firsts = min(a for _, a in applied)
    lasts = max(a for _, a in applied)
    events = count - first_count
    cpu = last_sample.cpu_seconds - first_sample.cpu_seconds
    return {
        "events_produced": options.events,
        "events_applied": len(applied),
        "capped_at_seconds": options.max_seconds if capped else None,
        "events_per_s": rate(len(applied), firsts, lasts),
        "seconds": round(lasts - firsts, 2),
        "service_start_seconds": round(start_seconds, 1),
        "cpu_seconds": round(cpu, 2),
        "cpu_window_events": events,
        "cpu_ms_per_event": round(cpu * 1000 / events, 3) if events > 0 else None,
        "cpu_cores_busy": round(cpu / (last_at - first_at), 2) if events > 0 else None,
        "peak_rss_mb": round(last_sample.peak_rss_mb, 1),
        "load_average_before": load_before,
        "load_average_after": machine.load_average(),
    }


async def _latency(options: Options, rows: Rows, url: str, prefix: str, throughput: float) -> dict:
    offered = options.latency_rate or max(1.0, round(throughput * options.latency_load, 1))
    producer = kafka.producer(options.bootstrap)
    await producer.start()
    # Consumer and relay in one process, as deployed: produce -> applied, and produce -> relayed.
    service = ServiceProcess(
        options, name=f"{prefix}service", database_url=url, prefix=prefix, consumers=True, relay=True
    )
    topic = prefix + INPUT_TOPIC.name
    relayed: list = []
    try:
        await kafka.produce(producer, topic, [record(order_received(WARM_UP, 0))])
        await wait_for(lambda: rows.count(WARM_UP), service=service, timeout=START_TIMEOUT, what="the warm-up event")
        load_before = machine.load_average()
        sent = await kafka.produce_paced(
            producer, topic, lambda n: record(order_received(LATENCY, n)), rate=offered, seconds=options.latency_seconds
        )

        async def all_applied() -> bool:
            return await rows.count(LATENCY) >= sent

        timeout = max(30.0, options.max_seconds)
        try:
            await wait_for(all_applied, service=service, timeout=timeout, what=f"all {sent} paced events")
            complete = True
        except BenchError:
            service.check_alive()
            complete = False
        output = prefix + OUTPUT_TOPIC.name
        async with kafka.TopicCounter(options.bootstrap, output, OUTPUT_TOPIC.partitions) as counter:

            async def all_relayed() -> bool:
                return await counter.count() >= sent + 1  # and the warm-up's

            try:
                await wait_for(all_relayed, service=service, timeout=timeout, what="every paced event relayed")
            except BenchError:
                service.check_alive()
            relayed = await kafka.read_all(options.bootstrap, output, count=await counter.count(), timeout=60)
    finally:
        await producer.stop()
        service.stop()
    latencies = [(applied - produced) * 1000 for produced, applied in await rows.times(LATENCY)]
    produced_at = await rows.produced_at(LATENCY)
    relay_latencies = [
        record.timestamp - produced_at[order] * 1000
        for record in relayed
        if (order := json.loads(record.value)["data"]["platform_order_id"]) in produced_at
    ]
    return {
        "offered_per_s": offered,
        "seconds": options.latency_seconds,
        "events_sent": sent,
        "events_applied": len(latencies),
        "complete": complete,
        "p50_ms": round(percentile(latencies, 50), 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
        "max_ms": round(max(latencies), 1) if latencies else None,
        "relayed": len(relay_latencies),
        "relayed_p50_ms": round(percentile(relay_latencies, 50), 1) if relay_latencies else None,
        "relayed_p99_ms": round(percentile(relay_latencies, 99), 1) if relay_latencies else None,
        "load_average_before": load_before,
        "load_average_after": machine.load_average(),
    }


async def _relay(options: Options, rows: Rows, url: str, prefix: str) -> dict:
    applied = await rows.count(THROUGHPUT)  # one unsent OrderAccepted per order of the throughput phase
    seeded = max(0, options.events - applied)
    if seeded:
        await _seed_outbox(options, url, prefix, seeded)
    expected = applied + seeded
    topic = prefix + OUTPUT_TOPIC.name
    load_before = machine.load_average()
    service = ServiceProcess(
        options, name=f"{prefix}relay", database_url=url, prefix=prefix, consumers=False, relay=True
    )
    try:
        async with kafka.TopicCounter(options.bootstrap, topic, OUTPUT_TOPIC.partitions) as output:
            first_count = await wait_for(
                output.count, service=service, timeout=START_TIMEOUT, what="a first relayed event"
            )
            first_sample, first_at = service.sample(), time.monotonic()
            count, capped = first_count, False
            while count < expected:
                service.check_alive()
                if time.monotonic() - first_at > options.max_seconds:
                    capped = True
                    break
                await asyncio.sleep(POLL_SECONDS)
                count = await output.count()
            last_sample, last_at = service.sample(), time.monotonic()
            count = await output.count()
    finally:
        service.stop()
    records = await kafka.read_all(options.bootstrap, topic, count=count, timeout=60)
    stamps = [r.timestamp / 1000 for r in records]
    distinct = len({_event_id(r.value) for r in records})
    events = count - first_count
    cpu = last_sample.cpu_seconds - first_sample.cpu_seconds
    return {
        "outbox_rows": expected,
        "outbox_rows_seeded": seeded,
        "events_published": len(records),
        "duplicates": len(records) - distinct,
        "capped_at_seconds": options.max_seconds if capped else None,
        "events_per_s": rate(len(records), min(stamps), max(stamps)) if stamps else 0.0,
        "seconds": round(max(stamps) - min(stamps), 2) if stamps else None,
        "cpu_seconds": round(cpu, 2),
        "cpu_window_events": events,
        "cpu_ms_per_event": round(cpu * 1000 / events, 3) if events > 0 else None,
        "cpu_cores_busy": round(cpu / (last_at - first_at), 2) if events > 0 else None,
        "cpu_seconds_whole_process": round(last_sample.cpu_seconds, 2),
        "peak_rss_mb": round(last_sample.peak_rss_mb, 1),
        "load_average_before": load_before,
        "load_average_after": machine.load_average(),
    }


async def _seed_outbox(options: Options, url: str, prefix: str, count: int) -> None:
    """Tops the outbox up to the phase's event count when the consumer was capped."""
    log_path = options.log_dir / f"{prefix}seed.log"
    with log_path.open("wb") as log:
        seeding = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.service",
            cwd=options.repo,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=service_env(options, database_url=url, prefix=prefix, consumers=False, relay=False, seed_outbox=count),
        )
        if await seeding.wait() != 0:
            tail = log_path.read_text(errors="replace")[-3000:]
            raise BenchError(f"seeding the outbox failed; its log ends:\n{tail}")


def _event_id(value: bytes) -> str:
    return json.loads(value)["id"]
