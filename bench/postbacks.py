"""``python -m bench postbacks``: what a postback delivery costs the notifier.

``python -m notifier`` runs as deployed (its own fresh PostgreSQL database, the shared Kafka
under a fresh topic prefix, JSON logs at INFO, every postback setting its default, outbound calls
to private addresses allowed for the local receiver). An operator adds one postback endpoint of a
client (``POST /clients/{id}/postbacks/endpoints``, ``order.accepted``) pointing at a receiver the
bench runs (HTTP/1.1 keep-alive, answers 204 at once, notes each ``webhook-id``). Then
``--orders`` ``OrderAccepted`` of that client are produced on orders.v1 at once, and the bench
waits until the receiver has had every one.

Measures: deliveries/s (from the first delivery received to the last), the notifier's CPU ms per
delivery over that window (its consumer numbering the orders and inserting the deliveries, its
worker signing and POSTing them, recording each attempt and publishing ``PostbackDelivered``),
its peak memory. Writes bench/results/postbacks-<label>.json and .md."""

import argparse
import asyncio
import json
import shutil
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

from bench import kafka, machine
from bench.command import require_postgres, run_command, stack_arguments, write_results
from bench.order_stack import ServiceProcess, Stack, create_databases, create_topics, drop_databases, publish
from bench.runtime_phase import BenchError
from bench.workload import CLIENT_ID, THROUGHPUT, order_accepted, order_received
from storefront_events import ORDERS_V1, encode

REPO = Path(__file__).resolve().parent.parent
SERVICE = "notifier"
NOTE = (
    "Measured on a shared 2-core machine: the notifier, the receiver (the bench), Kafka and PostgreSQL share "
    "the same cores, and other engineers' work ran beside them; read the load averages before the numbers."
)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench postbacks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--label", default=datetime.now(UTC).strftime("%Y%m%d"), help="postbacks-<label>.json")
    parser.add_argument("--orders", type=int, default=500, help="OrderAccepted produced, one delivery each")
    parser.add_argument("--max-seconds", type=float, default=300.0, help="longest wait for every delivery")
    stack_arguments(parser, REPO / "bench" / "results")
    args = parser.parse_args(argv)
    require_postgres(parser, args)
    return args


class Receiver:
    """A client's endpoint: HTTP/1.1 keep-alive, every request answered 204 at once."""

    def __init__(self) -> None:
        self.received: dict[str, float] = {}  # webhook-id → when it first came
        self.requests = 0
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                headers = {
                    name.strip().lower(): value.strip()
                    for name, _, value in (line.decode("latin-1").partition(":") for line in head.split(b"\r\n")[1:])
                    if name
                }
                await reader.readexactly(int(headers.get("content-length", "0")))
                self.requests += 1
                self.received.setdefault(headers.get("webhook-id", str(self.requests)), time.monotonic())
                writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


def accepted_records(n: int) -> list[tuple[str, bytes, bytes]]:
    records = []
    for i in range(n):
        event = order_accepted(order_received(THROUGHPUT, i), str(uuid.uuid4()))
        key = ORDERS_V1.key_for(event)
        records.append((ORDERS_V1.name, key.encode(), encode(event, source="/order-intake-service", subject=key)))
    return records


async def run(args: argparse.Namespace) -> dict:
    from service_runtime.testing.tokens import TokenMint

    run_id = uuid.uuid4().hex[:6]
    work = REPO / "var" / "bench" / f"postbacks-{run_id}"
    work.mkdir(parents=True, exist_ok=True)
    records = accepted_records(args.orders)
    results: dict = {
        "label": args.label,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine.describe(REPO),
        "load_average": {"start": machine.load_average()},
        "note": f"{args.note.strip()} {NOTE}".strip(),
        "settings": {
            "orders": args.orders,
            "record_bytes": round(sum(len(v) for *_, v in records) / len(records)),
            "service": "`python -m notifier` as deployed, PostgreSQL, every postback setting its default",
        },
    }
    urls, version = await create_databases(args.postgres_url, f"pb{run_id}", (SERVICE,))
    results["postgresql_version"] = version
    stack = Stack(
        bootstrap=args.bootstrap, repo=REPO, log_dir=work, prefix=f"pb-{run_id}.", database="postgresql", urls=urls
    )
    mint = TokenMint()
    receiver = Receiver()
    process = None
    try:
        await create_topics(stack)
        await receiver.start()
        process = ServiceProcess(
            stack,
            SERVICE,
            env={
                "STOREFRONTS_JWKS_JSON": json.dumps(mint.jwks),
                "STOREFRONTS_OUTBOUND_ALLOW_PRIVATE": "true",
                "STOREFRONTS_INVITATION_KEYS": json.dumps([Fernet.generate_key().decode()]),  # required at start
            },
        )
        results["service_start_seconds"] = await process.ready()
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{process.port}", timeout=30) as http:
            created = await http.post(
                f"/clients/{CLIENT_ID}/postbacks/endpoints",
                json={"url": f"http://127.0.0.1:{receiver.port}/postbacks", "event_types": ["order.accepted"]},
                headers=mint.headers("operator"),
            )
        if created.status_code != 201:
            raise BenchError(f"the endpoint was refused: {created.status_code} {created.text[:1000]}")
        try:
            results["deliveries"] = await _deliver(args, process, stack, receiver, records)
        except BenchError as error:
            print(f"failed: {error}", file=sys.stderr)
            results["error"] = str(error)[:3000]
    finally:
        if process is not None:
            process.stop()
        await receiver.stop()
        if not args.keep:
            await drop_databases(args.postgres_url, urls)
            await kafka.delete_topics(args.bootstrap, stack.prefix)
            shutil.rmtree(work, ignore_errors=True)
        results["load_average"]["end"] = machine.load_average()
    return results


async def _deliver(
    args: argparse.Namespace, process: ServiceProcess, stack: Stack, receiver: Receiver, records: list
) -> dict:
    load_before = machine.load_average()
    produce_seconds = await publish(stack, records)
    started = time.monotonic()
    while not receiver.received:
        process.check_alive()
        if time.monotonic() - started > args.max_seconds:
            raise BenchError("no postback received")
        await asyncio.sleep(0.05)
    first_count, first_at, first_cpu = len(receiver.received), time.monotonic(), process.sample().cpu_seconds
    while len(receiver.received) < len(records):
        process.check_alive()
        if time.monotonic() - started > args.max_seconds:
            break
        await asyncio.sleep(0.1)
    last_at, last = time.monotonic(), process.sample()
    window = len(receiver.received) - first_count
    return {
        "produce_seconds": produce_seconds,
        "received": len(receiver.received),
        "requests": receiver.requests,
        "first_after_seconds": round(first_at - started, 2),
        "deliveries_per_s": round(window / (last_at - first_at), 1) if window > 0 else None,
        "seconds": round(last_at - first_at, 2),
        "cpu_ms_per_delivery": round((last.cpu_seconds - first_cpu) * 1000 / window, 3) if window > 0 else None,
        "peak_rss_mb": round(last.peak_rss_mb, 1),
        "load_average": [load_before, machine.load_average()],
    }


def markdown(results: dict) -> str:
    m, s = results["machine"], results["settings"]
    lines = [
        f"# Postback deliveries of the notifier `{results['label']}` — {results['date']}",
        "",
        f"Machine: {m['cores']} cores ({m['cpu_model']}), Python {m['python']}, Kafka {m['kafka']}, PostgreSQL "
        f"{results.get('postgresql_version', '—')}; git `{m['git']['commit']}`"
        + (" (with uncommitted changes)" if m["git"]["dirty"] else "")
        + f". Load average (1, 5, 15 min) at start {results['load_average']['start']}, at end "
        f"{results['load_average']['end']}. {results['note']}",
        "",
        f"Settings: {s['orders']:,} `OrderAccepted` ({s['record_bytes']} bytes) of one client produced at once, one "
        f"postback endpoint (`order.accepted`) on a local receiver answering 204; {s['service']}.",
        "",
    ]
    d = results.get("deliveries")
    if not d:
        return "\n".join([*lines, f"Not measured: `{results.get('error', 'see the JSON')[:500]}`", ""])
    lines += [
        "| measure | value |",
        "|---|---:|",
        f"| deliveries received (requests) | {d['received']:,} ({d['requests']:,}) |",
        f"| first delivery after the events were produced | {d['first_after_seconds']} s |",
        f"| **deliveries/s** (first to last) | **{d['deliveries_per_s']}** |",
        f"| **CPU ms per delivery**, notifier | **{d['cpu_ms_per_delivery']}** |",
        f"| peak memory, notifier | {d['peak_rss_mb']} MB |",
        f"| load average before → after | {d['load_average'][0]} → {d['load_average'][1]} |",
        "",
    ]
    return "\n".join(lines)


def write(results: dict, directory: Path) -> tuple[Path, Path]:
    return write_results(results, directory, f"postbacks-{results['label']}", markdown(results))


def main(argv: list[str] | None = None) -> None:
    run_command(argv, parse=parse, run=run, write=write)


if __name__ == "__main__":
    main()
