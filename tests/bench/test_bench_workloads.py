"""The pure parts of the benchmarks added for issue #14: the workloads they send are what the
services take (order intake's CSV rules, the connector's Shopify translation, every line
mapped), the PNG the order-path plot is written as is a valid image, and ``python -m bench all``
runs each part with its quick workload and its label."""

import struct
import zlib
from pathlib import Path

from bench import order_report, suite
from bench.intake import order_records
from bench.order_import import order_csv
from bench.png import Canvas, hex_colour
from bench.shopify_orders import shops
from order_intake.domain.order_csv import parse_orders_csv
from storefront_events import OrderReceived, decode


def test_the_import_file_is_read_by_order_intake_as_that_many_orders_without_a_bad_row():
    content, rows = order_csv(300, max_lines=4, skus=50)
    parsed = parse_orders_csv(content)
    assert not parsed.refused and parsed.errors == [] and parsed.failed_orders == 0
    assert len(parsed.drafts) == 300 and parsed.rows == rows
    sizes = {len(draft.lines) for draft in parsed.drafts}
    assert sizes == {1, 2, 3, 4}  # 1 to 4 lines, as asked
    assert {line.sku for draft in parsed.drafts for line in draft.lines} <= {f"POSTER-{n:05d}" for n in range(50)}


def test_the_orders_produced_are_the_connectors_events_with_every_line_a_mapped_variant_of_its_shop():
    shop_list = shops(3, 20, 3)
    records = order_records(shop_list, 60, max_lines=4)
    events = [decode(value) for _, value in records]
    assert all(isinstance(event, OrderReceived) for event in events)
    assert len({event.platform_order_id for event in events}) == 60  # every order new
    variants = {shop.store_id: {str(v) for _, v, _ in shop.variants} for shop in shop_list}
    for event in events:
        assert 1 <= len(event.lines) <= 4
        assert all(line.platform_variant_id in variants[event.store_id] for line in event.lines)
    keys = [key.decode() for key, _ in records]
    assert keys == [f"{event.store_id}:{event.platform_order_id}" for event in events]  # as the connector keys them


def _png_size(data: bytes) -> tuple[int, int, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, chunks = 8, {}
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks[kind] = body
        at += 12 + length
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    return width, height, zlib.decompress(chunks[b"IDAT"])


def test_the_png_writer_writes_a_valid_rgb_image_with_what_was_drawn():
    canvas = Canvas(40, 20)
    canvas.line(0, 10, 39, 10, hex_colour("#d62728"))
    canvas.text(2, 8, "p99 1,000/s")
    width, height, raw = _png_size(canvas.png())
    assert (width, height) == (40, 20)
    assert len(raw) == height * (1 + width * 3)  # one filter byte and RGB per row
    row = raw[10 * (1 + width * 3) + 1 : 11 * (1 + width * 3)]
    assert row[:3] == bytes((0xD6, 0x27, 0x28))  # the red line
    assert raw.count(b"\x00\x00\x00") > 0  # the black text


def test_the_order_path_plot_is_written_as_png_beside_svg(tmp_path: Path):
    results = {
        "label": "t",
        "scenario": "steps",
        "order_path": {
            "postgresql": {
                "rates": [
                    {"offered_per_s": 100, "ack": {"p99_ms": 12.0}, "end_to_end": {"p50_ms": 40.0, "p99_ms": 90.0}},
                    {"offered_per_s": 250, "ack": {"p99_ms": 20.0}, "end_to_end": {"p50_ms": 60.0, "p99_ms": 300.0}},
                ]
            }
        },
    }
    width, height, _ = _png_size(order_report.plot_png(results))
    assert (width, height) == (720, 420)


def test_bench_all_runs_every_part_with_its_label_and_the_quick_workloads():
    args = suite.parse(["--label", "x", "--quick", "--note", "loaded"])
    assert args.parts == list(suite.PARTS)
    intake = suite.command("intake", args)
    assert intake[1:4] == ["-m", "bench", "intake"] and "--orders" in intake
    assert intake[intake.index("--label") + 1] == "x" and "--note" in intake
    runtime = suite.command("runtime", args)
    assert "--note" not in runtime and runtime[runtime.index("--label") + 1] == "x"
    assert "--label" not in suite.command("mapping-import", args)  # a script that only prints
    full = suite.command("intake", suite.parse(["--label", "x", "--only", "intake"]))
    assert "--orders" not in full
