"""``python -m bench.ingress --label before``: what the connector's webhook ingress costs, alone.

The connector runs as its own process (``python -m connector``, JSON logs at INFO, encryption
keys set) on a fresh PostgreSQL database, with its outbox relay in a second process, so the
first process's CPU time is the ingress only: HTTP, signature, de-duplication, the order made
durable with its ``OrderReceived`` in the outbox. Signed Shopify ``orders/create`` webhooks
(the order path's workload, ``bench/shopify_orders.py``) are sent open-loop at each rate of
``--rates`` for ``--seconds``; latency is from the intended send to the answer.

CPU ms per webhook = the front process's CPU time (user + system, from /proc) over the sends
and their answers ÷ the webhooks answered: a machine shared with other work changes the
latencies much more than this figure. ``--pause`` waits before the first rate (attach a
profiler to the printed pid). Writes bench/results/ingress-<label>.json and .md."""

import argparse
import asyncio
import json
import os
import shutil
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from bench import kafka, machine
from bench.histogram import LogHistogram
from bench.openloop import Connections, Sent, drive, without_collector_pauses
from bench.order_stack import ServiceProcess, Stack, connect_stores, create_topics
from bench.shopify_orders import OrderMaker, shops

REPO = Path(__file__).resolve().parent.parent


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.ingress", description=__doc__)
    parser.add_argument("--label", default=datetime.now(UTC).strftime("%Y%m%d"))
    parser.add_argument("--rates", default="200,500,1000", help="comma-separated offered webhooks/s")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long each rate is offered")
    parser.add_argument("--warmup", type=int, default=300, help="webhooks sent (at 100/s) before measuring")
    parser.add_argument("--shops", type=int, default=4)
    parser.add_argument("--connections", type=int, default=256)
    parser.add_argument("--pause", type=float, default=0.0, help="seconds to wait before the first rate")
    parser.add_argument("--note", default="")
    parser.add_argument("--bootstrap", default=os.environ.get("STOREFRONTS_KAFKA_BOOTSTRAP", "127.0.0.1:9092"))
    parser.add_argument("--postgres-url", default=os.environ.get("STOREFRONTS_TEST_POSTGRES_URL", ""))
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "results")
    return parser.parse_args(argv)


async def one_rate(
    maker: OrderMaker, front: ServiceProcess, rate: float, seconds: float, first_id: int, background: ServiceProcess
) -> dict:
    count = round(rate * seconds)
    requests = [maker.request(first_id + n, host="127.0.0.1", port=front.port)[1] for n in range(count)]
    connections = Connections("127.0.0.1", front.port, 256)
    latencies, statuses = LogHistogram(), {}

    def answered(sent: Sent) -> None:
        latencies.record_seconds(sent.answered - sent.intended)
        statuses[sent.status] = statuses.get(sent.status, 0) + 1

    before, load_before, behind = front.sample(), machine.load_average(), background.sample()
    took = await drive(requests, rate, connections, answered)
    after = front.sample()
    await asyncio.sleep(2)  # what was acknowledged is derived and relayed behind
    behind_after = background.sample()
    await connections.close()
    ok = sum(n for status, n in statuses.items() if 200 <= status < 300)
    return {
        "offered_per_second": rate,
        "sent": count,
        "answered_2xx": ok,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "sends_seconds": round(took, 2),
        "latency_ms": {
            q: round(latencies.percentile_ms(p) or 0.0, 1) for q, p in (("p50", 50), ("p95", 95), ("p99", 99))
        }
        | {"max": round(latencies.max_us / 1000, 1)},
        "cpu_ms_per_webhook": round((after.cpu_seconds - before.cpu_seconds) * 1000 / max(1, count), 2),
        "background_cpu_ms_per_webhook": round(
            (behind_after.cpu_seconds - behind.cpu_seconds) * 1000 / max(1, count), 2
        ),
        "load_average": [load_before, machine.load_average()],
    }


async def run(args: argparse.Namespace) -> dict:
    run_id = uuid.uuid4().hex[:8]
    work = REPO / "var" / "bench" / f"ingress-{run_id}"
    work.mkdir(parents=True, exist_ok=True)
    server = await asyncpg.connect(args.postgres_url)
    name = f"ib_{run_id}_connector"
    await server.execute(f'CREATE DATABASE "{name}"')
    url = args.postgres_url.rsplit("/", 1)[0] + f"/{name}"
    stack = Stack(
        bootstrap=args.bootstrap,
        repo=REPO,
        log_dir=work,
        prefix=f"ib-{run_id}.",
        database="postgresql",
        urls={"connector": url},
    )
    processes: list[ServiceProcess] = []
    results: dict = {"label": args.label, "started_at": datetime.now(UTC).isoformat(), "note": args.note}
    try:
        await create_topics(stack)
        shop_list = shops(args.shops, 50, 3)
        await connect_stores(stack, shop_list)
        # the front takes webhooks only; the second process derives their events (where the
        # connector derives them after acknowledging) and relays them (ignored by older versions)
        front = ServiceProcess(stack, "connector", "front", env={"CONNECTOR_WEBHOOK_DERIVING_ENABLED": "false"})
        relay = ServiceProcess(stack, "connector", "relay")
        processes = [front, relay]
        for process in processes:
            await process.ready()
        print(f"connector front pid {front.process.pid}, relay pid {relay.process.pid}", flush=True)
        maker = OrderMaker(shop_list)
        await one_rate(maker, front, 100, args.warmup / 100, 1_000_000, relay)
        if args.pause:
            await asyncio.sleep(args.pause)
        idle_from = front.sample().cpu_seconds
        await asyncio.sleep(5)
        idle = (front.sample().cpu_seconds - idle_from) / 5  # consumers, housekeeping: CPU seconds a second
        results["idle_cpu_ms_per_second"] = round(idle * 1000, 1)
        rates = []
        for n, rate in enumerate(float(r) for r in args.rates.split(",")):
            with without_collector_pauses():
                rates.append(await one_rate(maker, front, rate, args.seconds, 2_000_000 + n * 1_000_000, relay))
            busy = rates[-1]["cpu_ms_per_webhook"] - idle * 1000 * rates[-1]["sends_seconds"] / rates[-1]["sent"]
            rates[-1]["cpu_ms_per_webhook_net_of_idle"] = round(busy, 2)
            print(json.dumps(rates[-1]), flush=True)
            await asyncio.sleep(2)
        results["rates"] = rates
        results["machine"] = machine.describe(REPO)
        results["peak_rss_mb"] = front.sample().peak_rss_mb
    finally:
        for process in processes:
            process.stop()
        await server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await server.close()
        await kafka.delete_topics(args.bootstrap, stack.prefix)
        shutil.rmtree(work, ignore_errors=True)
    return results


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        f"# Webhook ingress benchmark `{results['label']}` — {results['started_at']}",
        "",
        f"Machine: {m['cores']} cores, Python {m['python']}; git {m['git']['commit']} ({m['git']['branch']}{', dirty' if m['git']['dirty'] else ''}). {results['note']}",
        "",
        "Signed Shopify orders/create webhooks (1–4 lines) sent open-loop to the connector's front process "
        "(HTTP API, relay in its own process) on PostgreSQL. CPU ms/webhook is the front process's CPU time "
        "÷ webhooks: compare it across runs; latencies depend on what else runs on the shared machine.",
        "",
        f"Idle, the front process spends {results['idle_cpu_ms_per_second']} ms CPU a second (consumers, "
        "housekeeping); the net column takes that out.",
        "",
        "The background column is the second process's CPU (deriving the events of stored webhooks where "
        "the connector does that after answering, and relaying them), from the first send to 2 s after the "
        "last answer, ÷ webhooks.",
        "",
        "| offered/s | sent | 2xx | p50 / p95 / p99 / max ms | CPU ms/webhook | net of idle | background CPU ms/webhook | load avg |",
        "|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    for r in results["rates"]:
        lat = r["latency_ms"]
        lines.append(
            f"| {r['offered_per_second']:.0f} | {r['sent']} | {r['answered_2xx']} | "
            f"{lat['p50']} / {lat['p95']} / {lat['p99']} / {lat['max']} | {r['cpu_ms_per_webhook']} | "
            f"{r['cpu_ms_per_webhook_net_of_idle']} | {r.get('background_cpu_ms_per_webhook', '—')} | "
            f"{r['load_average'][0]} → {r['load_average'][1]} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    args = parse(argv)
    results = asyncio.run(run(args))
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / f"ingress-{args.label}.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.results / f"ingress-{args.label}.md").write_text(markdown(results))
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
