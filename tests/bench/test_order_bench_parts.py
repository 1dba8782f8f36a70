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

from bench.histogram import LogHistogram
from bench.openloop import Connections, drive, http_request, schedule
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
    offsets = schedule(250, 2)
    assert len(offsets) == 500 and offsets[0] == 0
    gaps = {round(b - a, 9) for a, b in itertools.pairwise(offsets)}
    assert gaps == {0.004}
    assert schedule(0, 10) == [] and schedule(100, 0) == []


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
