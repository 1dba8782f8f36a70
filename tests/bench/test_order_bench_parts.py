"""The pure parts of ``python -m bench order-path``: the log-bucket histogram, the open-loop
schedule and driver (latency from the intended send time), the signed webhooks, the verdicts."""

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import math
import random
import xml.dom.minidom

from bench import order_report
from bench.histogram import LogHistogram
from bench.openloop import Connections, drive, http_request, orders_for, schedule
from bench.order_report import held, sustained
from bench.shopify_orders import APP_SECRET, OrderMaker, preload_records, shops


def exact(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def test_percentiles_are_within_the_histograms_precision_of_the_exact_ones():
    rng = random.Random(7)
    values_ms = [rng.lognormvariate(2, 1.2) for _ in range(20_000)] + [2_500.0]
    histogram = LogHistogram()
    for value in values_ms:
        histogram.record(value * 1000)
    for p in (50, 95, 99, 99.9):
        assert abs(histogram.percentile_ms(p) - exact(values_ms, p)) <= exact(values_ms, p) * 0.0101
    assert histogram.percentile_ms(100) == 2_500.0  # the maximum is kept exactly
    assert histogram.summary()["count"] == 20_001
    assert len(histogram.counts) < 2_000  # fixed memory: buckets, not values


def test_an_empty_histogram_has_no_percentiles_and_merged_ones_add_up():
    empty = LogHistogram()
    assert empty.summary()["p99_ms"] is None and empty.buckets() == []
    fast, slow = LogHistogram(), LogHistogram()
    for _ in range(99):
        fast.record_seconds(0.001)
    slow.record_seconds(1.0)
    fast.merge(slow)
    assert fast.total == 100
    assert 0.99 <= fast.percentile_ms(99) <= 1.02  # 99 of 100 at 1 ms
    assert fast.percentile_ms(100) == 1000.0


def test_the_schedule_is_a_constant_arrival_rate():
    assert orders_for(250, 2) == 500 and orders_for(1000, 60) == 60_000 and orders_for(0, 10) == 0
    offsets = schedule(250, 500)
    assert len(offsets) == 500 and offsets[0] == 0
    gaps = {round(b - a, 9) for a, b in itertools.pairwise(offsets)}
    assert gaps == {0.004}
    assert offsets[-1] == 499 / 250  # the last one is due one interval before the end
    assert schedule(0, 10) == []


async def test_a_stalled_server_shows_in_every_request_meant_to_go_out_during_the_stall():
    """One connection, a server whose first answer takes 200 ms: the requests due meanwhile
    wait, and their latency is counted from when they were due, not from when they went out."""
    first = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            length = int(next(h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")).split(b":")[1])
            await reader.readexactly(length)
            if not first.is_set():
                first.set()
                await asyncio.sleep(0.2)
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-type: application/json\r\n\r\n{}")
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    requests = [http_request("127.0.0.1", port, "/hook", b'{"n": %d}' % n, {"X-N": str(n)}) for n in range(5)]
    answers = []
    connections = Connections("127.0.0.1", port, limit=1)
    async with server:
        await drive(requests, 100, connections, answers.append)
        await connections.close()
    answers.sort(key=lambda sent: sent.index)
    assert [sent.status for sent in answers] == [200] * 5
    assert connections.opened == 1  # kept alive
    assert [round(b.intended - a.intended, 6) for a, b in itertools.pairwise(answers)] == [0.01] * 4
    # the second request was due 10 ms in, answered only after the 200 ms stall
    assert answers[1].answered - answers[1].intended >= 0.2 - 0.01
    assert answers[1].started - answers[1].intended < answers[1].answered - answers[1].intended


async def _answer_one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, timeout: float = 5) -> None:
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
    length = int(next(h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")).split(b":")[1])
    await reader.readexactly(length)
    writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
    await writer.drain()


async def _answer_requests(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, idle_timeout: float) -> None:
    """A keep-alive HTTP/1.1 server's connection: answers 200 to each request, closes the
    connection once it has been idle ``idle_timeout`` seconds (as uvicorn does after 5 s)."""
    while True:
        try:
            await _answer_one(reader, writer, timeout=idle_timeout)
        except (TimeoutError, asyncio.IncompleteReadError):
            break
    writer.close()


async def test_connections_the_server_closed_while_idle_are_not_used_again():
    """Order-path runs saw a few requests answered by nobody (status 0) at 50 orders/s: after
    a quiet spell the server had closed the idle keep-alive connections, and a burst that needed
    more than the one or two in use sent requests on them, then once more on another closed one."""
    server = await asyncio.start_server(lambda r, w: _answer_requests(r, w, idle_timeout=0.2), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    connections = Connections("127.0.0.1", port, limit=8)
    request = http_request("127.0.0.1", port, "/hook", b"{}", {})
    async with server:
        assert await asyncio.gather(*(connections.post(request) for _ in range(8))) == [200] * 8
        await asyncio.sleep(0.5)  # the server closes all eight
        burst = await asyncio.gather(*(connections.post(request) for _ in range(8)))
        await connections.close()
    assert burst == [200] * 8
    assert connections.dropped_idle == 8 and connections.opened == 16


async def test_a_connection_kept_idle_longer_than_the_server_may_keep_it_is_not_used_again():
    """A server may close an idle connection just as a request goes out on it: one idle for
    longer than ``max_idle_seconds`` is closed instead; a request on a connection the server
    closes under it is sent once more on a new one."""
    served = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        served.append(writer)
        if len(served) == 2:  # the second connection answers one request, then closes under the next
            await _answer_one(reader, writer)
            await reader.readuntil(b"\r\n\r\n")
            writer.close()
            return
        await _answer_requests(reader, writer, idle_timeout=5)

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    request = http_request("127.0.0.1", port, "/hook", b"{}", {})
    async with server:
        connections = Connections("127.0.0.1", port, limit=1, max_idle_seconds=0.5)
        assert await connections.post(request) == 200
        await asyncio.sleep(0.6)
        assert await connections.post(request) == 200  # on a new connection (the second)...
        assert await connections.post(request) == 200  # ...closed under this one: a third answers it
        await connections.close()
    assert connections.dropped_idle == 1 and connections.opened == 3


def test_orders_are_signed_as_shopify_signs_them_and_only_reference_mapped_variants():
    shop_list = shops(2, products=20, variants_per_product=3)
    records = preload_records(shop_list)
    assert [topic for topic, _, _ in records].count("stores.v1") == 2
    mapped = {
        (data["store_id"], data["platform_variant_id"])
        for topic, _, value in records
        if topic == "mappings.v1"
        for data in [json.loads(value)["data"]]
    }
    assert len(mapped) == 2 * 20 * 3
    maker = OrderMaker(shop_list, max_lines=4)
    for order_id in range(1000, 1040):
        shop, request = maker.request(order_id, host="127.0.0.1", port=8003)
        head, body = request.split(b"\r\n\r\n", 1)
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n")[1:])
        assert head.startswith(f"POST /webhooks/shopify/{shop.store_id} HTTP/1.1".encode())
        assert int(headers["Content-Length"]) == len(body)
        digest = hmac.new(APP_SECRET.encode(), body, hashlib.sha256).digest()
        assert headers["X-Shopify-Hmac-Sha256"] == base64.b64encode(digest).decode()
        assert headers["X-Shopify-Topic"] == "orders/create" and headers["X-Shopify-Shop-Domain"] == shop.domain
        order = json.loads(body)
        assert order["id"] == order_id and 1 <= len(order["line_items"]) <= 4
        assert all((shop.store_id, str(line["variant_id"])) in mapped for line in order["line_items"])


def _step(rate: float, *, p99: float | None, accepted_per_s: float, missing: int = 0, non_2xx: int = 0) -> dict:
    return {
        "offered_per_s": rate,
        "non_2xx": non_2xx,
        "missing": missing,
        "accepted_per_s": accepted_per_s,
        "end_to_end": {"p99_ms": p99},
    }


def test_the_sustained_rate_is_the_last_one_held_before_the_first_that_is_not():
    steps = [
        _step(100, p99=40, accepted_per_s=100),
        _step(250, p99=90, accepted_per_s=249),
        _step(500, p99=900, accepted_per_s=480),  # p99 degraded
        _step(1000, p99=300, accepted_per_s=990),  # not counted: the climb stopped at 500
    ]
    assert sustained(steps, 500)["offered_per_s"] == 250
    assert not held(_step(100, p99=40, accepted_per_s=100, missing=1), 500)
    assert not held(_step(100, p99=40, accepted_per_s=100, non_2xx=1), 500)
    assert not held(_step(100, p99=40, accepted_per_s=80), 500)  # fell behind the offered rate
    assert sustained([_step(100, p99=None, accepted_per_s=0)], 500) is None


def _measured_step(rate: float, ack_p99: float, e2e_p99: float) -> dict:
    latency = {"count": 10, "p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": None, "p999_ms": None, "max_ms": 9.0}
    process = {"cpu_ms_per_order": 1.5, "max_consumer_lag": 3, "max_outbox_age_seconds": 0.1}
    return {
        "offered_per_s": rate,
        "seconds": 60.0,
        "orders_sent": int(rate * 60),
        "non_2xx": 0,
        "missing": 0,
        "accepted_per_s": rate,
        "drained_after_seconds": 2.0,
        "ack": latency | {"p99_ms": ack_p99},
        "received_on_bus": latency | {"p99_ms": 5.0},
        "end_to_end": latency | {"p99_ms": e2e_p99},
        "services": {"connector": process, "order-intake": process},
        "generator": {"cpu_ms_per_order": 0.2},
        "load_average_before": [1.0, 1.0, 1.0],
        "load_average_after": [1.5, 1.0, 1.0],
    }


def test_a_run_is_judged_against_the_issues_targets_and_written_as_json_markdown_and_svg(tmp_path):
    results = {
        "label": "unit",
        "scenario": "steps",
        "date": "2026-11-30T08:00:00+00:00",
        "machine": {
            "cores": 2, "cpu_model": "cpu", "memory_gb": 8, "os": "Linux", "python": "3.11", "kafka": "4.1",
            "git": {"commit": "abc", "branch": "b", "dirty": False},
        },
        "load_average": {"start": [1, 1, 1], "end": [1, 1, 1]},
        "note": "",
        "settings": {
            "e2e_p99_limit_ms": 500, "seconds_per_rate": 60.0, "clients": 2, "shops": 4, "products_per_shop": 500,
            "variants_per_product": 3, "max_lines_per_order": 4,
        },
        "order_path": {
            "postgresql": {
                "rates": [_measured_step(500, 40, 300), _measured_step(1000, 90, 2_000)],
                "durability": {
                    "acknowledged": 90_000, "acknowledged_not_stored": 0, "accepted_never": 0,
                    "accepted_exactly_once": 90_000, "accepted_more_than_once": 0, "zero_loss": True,
                },
                "peak_rss_mb": {"connector": 150.0, "order-intake": 160.0},
                "rss_growth_percent": {"connector": 2.0, "order-intake": 3.0},
                "_sample_received": b"{}",
                "_orders": 90_000,
            },
            "sqlite": {"error": "it broke"},
        },
        "ceiling": {"messages": 90_000, "record_bytes": 1500, "partitions": 12, "produce_per_s": 20_000,
                    "consume_per_s": 100_000},
    }  # fmt: skip
    judged = order_report.judge(results)

    assert judged["summary"]["postgresql"]["sustained_offered_per_s"] == 500  # 1,000/s missed its p99
    assert judged["summary"]["postgresql"]["peak_vs_ceiling_produce"] == 0.05
    assert judged["targets"]["sustained"]["verdict"].startswith("PASS")
    assert judged["targets"]["burst"]["verdict"] == "PASS"  # 1,000/s for 60 s: ack p99 90 ms, zero loss
    assert "_sample_received" not in judged["order_path"]["postgresql"]
    json_path, md_path, svg_path, png_path = order_report.write(judged, tmp_path)
    assert json.loads(json_path.read_text())["label"] == "unit"
    table = md_path.read_text()
    assert "| PostgreSQL | 1,000 | 60,000 | 0 |" in table and "failed: 'it broke'" in table
    assert len(xml.dom.minidom.parse(str(svg_path)).getElementsByTagName("polyline")) == 3
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png_path.name in table  # the issue's PNG
