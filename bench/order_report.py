"""The results of one order-path run: the sustained rate, the ratios to the Kafka ceiling,
the issue's targets with PASS/BELOW (printed, never asserted), the JSON, the Markdown table
and a plot of latency against offered rate, as SVG and PNG (no plotting library in the
environment: the SVG is written by hand, the PNG by bench/png.py)."""

import itertools
import json
import math
from pathlib import Path

from bench.png import BLACK, GREY, Canvas, hex_colour

TARGET_DATABASE = "postgresql"
BURST = {"rate": 1000, "ack_p99_ms": 100, "drain_seconds": 180}
SUSTAINED = {"rate": 500, "aim": 1000, "e2e_p99_ms": 500, "ack_p99_ms": 50}
NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


def verdict(ok: bool | None) -> str:
    return "PASS" if ok else "BELOW"


def held(step: dict, e2e_p99_limit_ms: float) -> bool:
    """A rate is held when every order was acknowledged and accepted, the end-to-end p99 stayed
    under the limit and the accepted rate kept up with the offered one (within 10 %)."""
    p99 = step["end_to_end"]["p99_ms"]
    return (
        step["non_2xx"] == 0
        and step["missing"] == 0
        and p99 is not None
        and p99 <= e2e_p99_limit_ms
        and (step["accepted_per_s"] or 0) >= 0.9 * step["offered_per_s"]
    )


def sustained(steps: list[dict], e2e_p99_limit_ms: float) -> dict | None:
    """The highest offered rate held, climbing the rates in order until the first one that is not."""
    best = None
    for step in sorted(steps, key=lambda s: s["offered_per_s"]):
        if not held(step, e2e_p99_limit_ms):
            break
        best = step
    return best


def judge(results: dict) -> dict:
    limit = results["settings"]["e2e_p99_limit_ms"]
    ceiling = results.get("ceiling")
    results["summary"] = {}
    for database, measured in results["order_path"].items():
        measured.pop("_sample_received", None)
        measured.pop("_orders", None)
        if "error" in measured:
            continue
        best = sustained(measured["rates"], limit)
        peak = max((s["accepted_per_s"] or 0 for s in measured["rates"]), default=0)
        summary = {
            "sustained_offered_per_s": best["offered_per_s"] if best else None,
            "sustained_accepted_per_s": best["accepted_per_s"] if best else None,
            "sustained_ack_p99_ms": best["ack"]["p99_ms"] if best else None,
            "sustained_e2e_p99_ms": best["end_to_end"]["p99_ms"] if best else None,
            "peak_accepted_per_s": peak,
        }
        if ceiling:
            for kind in ("produce", "consume"):
                summary[f"peak_vs_ceiling_{kind}"] = round(peak / ceiling[f"{kind}_per_s"], 4)
                if best and best["accepted_per_s"]:
                    summary[f"sustained_vs_ceiling_{kind}"] = round(
                        best["accepted_per_s"] / ceiling[f"{kind}_per_s"], 4
                    )
        results["summary"][database] = summary
    results["targets"] = _targets(results)
    return results


def _targets(results: dict) -> dict:
    measured = results["order_path"].get(TARGET_DATABASE, {})
    if "rates" not in measured:
        return {}
    targets = {}
    summary = results["summary"][TARGET_DATABASE]
    rate = summary["sustained_offered_per_s"]
    ack = summary["sustained_ack_p99_ms"]
    seconds = results["settings"]["seconds_per_rate"]
    targets["sustained"] = {
        "target": f"≥ {SUSTAINED['rate']}/s (aim {SUSTAINED['aim']}) with end-to-end p99 ≤ "
        f"{SUSTAINED['e2e_p99_ms']} ms and ingress p99 ≤ {SUSTAINED['ack_p99_ms']} ms, for 15 minutes",
        "measured": f"{rate}/s held for {seconds:g} s, ingress p99 {ack} ms" if rate else "no rate held",
        "verdict": verdict(
            rate is not None and rate >= SUSTAINED["rate"] and ack is not None and ack <= SUSTAINED["ack_p99_ms"]
        )
        + ("" if seconds >= 900 else " (shorter than 15 minutes)"),
    }
    steps = measured["rates"]
    if steps and (results["scenario"] == "burst" or any(s["offered_per_s"] >= BURST["rate"] for s in steps)):
        step, durability = max(steps, key=lambda s: s["offered_per_s"]), measured["durability"]
        drained = step["drained_after_seconds"]
        short = step["offered_per_s"] < BURST["rate"] or step["seconds"] < 60
        targets["burst"] = {
            "target": f"{BURST['rate']}/s for 60 s: zero non-2xx, ingress p99 ≤ {BURST['ack_p99_ms']} ms, every "
            f"acknowledged order durable, backlog drained within {BURST['drain_seconds']} s with zero loss",
            "measured": {
                "offered_per_s": step["offered_per_s"],
                "seconds": step["seconds"],
                "non_2xx": step["non_2xx"],
                "ack_p99_ms": step["ack"]["p99_ms"],
                "acknowledged": durability["acknowledged"],
                "acknowledged_not_stored": durability["acknowledged_not_stored"],
                "drained_after_seconds": drained,
                "accepted_never": durability["accepted_never"],
                "accepted_more_than_once": durability["accepted_more_than_once"],
            },
            "verdict": verdict(
                step["non_2xx"] == 0
                and step["ack"]["p99_ms"] is not None
                and step["ack"]["p99_ms"] <= BURST["ack_p99_ms"]
                and durability["acknowledged_not_stored"] == 0
                and drained is not None
                and drained <= BURST["drain_seconds"]
                and durability["zero_loss"]
            )
            + (" (a smaller burst than the target's)" if short else ""),
        }
    return targets


def write(results: dict, directory: Path) -> tuple[Path, Path, Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"order-path-{results['label']}"
    json_path, md_path, svg_path, png_path = (directory / f"{stem}.{ext}" for ext in ("json", "md", "svg", "png"))
    json_path.write_text(json.dumps(results, indent=2) + "\n")
    md_path.write_text(markdown(results, png_path.name))
    svg_path.write_text(plot(results))
    png_path.write_bytes(plot_png(results))
    return json_path, md_path, svg_path, png_path


def _n(value, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def markdown(results: dict, plot_name: str) -> str:
    m, s = results["machine"], results["settings"]
    lines = [
        f"# Order path benchmark `{results['label']}` ({results['scenario']}) — {results['date']}",
        "",
        f"Machine: {m['cores']} cores ({m['cpu_model']}), {m['memory_gb']} GB, {m['os']}, Python {m['python']}, "
        f"Kafka {m['kafka']}, PostgreSQL {results.get('postgresql_version', '—')}; git {m['git']['commit']} "
        f"({m['git']['branch']}{', dirty' if m['git']['dirty'] else ''}). Load average (1/5/15 min): "
        f"{results['load_average']['start']} at the start, {results['load_average'].get('end')} at the end.",
        "",
        f"Workload: {s.get('clients', 1)} clients, {s['shops']} Shopify stores × {s['products_per_shop']} products × {s['variants_per_product']} "
        f"variants mapped; orders of 1–{s['max_lines_per_order']} lines; each rate offered open-loop for "
        f"{s['seconds_per_rate']:g} s; latencies from the intended send time. {results['note']}",
        "",
        "| database | offered/s | sent | non-2xx | ack p50 / p95 / p99 / max ms | on bus p99 ms "
        "| end-to-end p50 / p95 / p99 ms | accepted/s | missing | drained after s "
        "| CPU ms/order per process · generator | load avg |",
        "|---|---:|---:|---:|---|---:|---|---:|---:|---:|---|---|",
    ]
    for database, measured in results["order_path"].items():
        name = NAMES.get(database, database)
        if "error" in measured:
            lines.append(f"| {name} | failed: {measured['error'][:200]!r} |" + " |" * 10)
            continue
        for step in measured["rates"]:
            a, e, svc = step["ack"], step["end_to_end"], step["services"]
            cpu = " · ".join(
                [f"{n} {_n(svc[n]['cpu_ms_per_order'], 2)}" for n in svc]
                + [f"generator {_n(step['generator']['cpu_ms_per_order'], 2)}"]
            )
            lines.append(
                f"| {name} | {_n(step['offered_per_s'])} | {_n(step['orders_sent'])} | {step['non_2xx']} "
                f"| {_n(a['p50_ms'], 1)} / {_n(a['p95_ms'], 1)} / {_n(a['p99_ms'], 1)} / {_n(a['max_ms'], 1)} "
                f"| {_n(step['received_on_bus']['p99_ms'], 1)} "
                f"| {_n(e['p50_ms'], 1)} / {_n(e['p95_ms'], 1)} / {_n(e['p99_ms'], 1)} "
                f"| {_n(step['accepted_per_s'], 1)} | {step['missing']} | {_n(step['drained_after_seconds'], 1)} "
                f"| {cpu} | {step['load_average_before'][0]} → {step['load_average_after'][0]} |"
            )
    lines += ["", "| database | sustained offered/s | its end-to-end p99 ms | peak accepted/s | peak memory MB "
              "| memory growth over the run | peak ÷ ceiling produce · consume |",
              "|---|---:|---:|---:|---|---|---|"]  # fmt: skip
    for database, summary in results["summary"].items():
        measured = results["order_path"][database]
        memory = ", ".join(f"{k} {v:,.0f}" for k, v in measured["peak_rss_mb"].items())
        growth = ", ".join(f"{k} {_n(v, 1)} %" for k, v in measured["rss_growth_percent"].items())
        ratios = " · ".join(_n(summary.get(f"peak_vs_ceiling_{k}"), 4) for k in ("produce", "consume"))
        lines.append(
            f"| {NAMES.get(database, database)} | {_n(summary['sustained_offered_per_s'])} "
            f"| {_n(summary['sustained_e2e_p99_ms'], 1)} | {_n(summary['peak_accepted_per_s'], 1)} | {memory} "
            f"| {growth} | {ratios} |"
        )
    lines += ["", "| database | offered/s | largest consumer lag, records (from /readyz, every second) "
              "| oldest unsent outbox row, s |", "|---|---:|---|---|"]  # fmt: skip
    for database, measured in results["order_path"].items():
        for step in measured.get("rates", []):
            svc = step["services"]
            lag = ", ".join(
                f"{n} {_n(v['max_consumer_lag'])}" for n, v in svc.items() if v["max_consumer_lag"] is not None
            )
            age = ", ".join(f"{n} {_n(v['max_outbox_age_seconds'], 2)}" for n, v in svc.items())
            lines.append(f"| {NAMES.get(database, database)} | {_n(step['offered_per_s'])} | {lag or '—'} | {age} |")
    if c := results.get("ceiling"):
        lines += [
            "",
            f"Ceiling (raw aiokafka, same broker, {c['messages']:,} records of {c['record_bytes']:,} bytes, "
            f"{c['partitions']} partitions): produce {c['produce_per_s']:,}/s, consume {c['consume_per_s']:,}/s.",
        ]
    for database, measured in results["order_path"].items():
        if durability := measured.get("durability"):
            lines.append(
                f"\nDurability on {NAMES.get(database, database)}: {durability['acknowledged']:,} acknowledged, "
                f"{durability['acknowledged_not_stored']} not stored, {durability['accepted_never']} never accepted, "
                f"{durability['accepted_exactly_once']:,} accepted exactly once, "
                f"{durability['accepted_more_than_once']} more than once."
            )
    if results["targets"]:
        lines += ["", "| target (issue #14) | measured | verdict |", "|---|---|---|"]
        for target in results["targets"].values():
            measured_text = target["measured"]
            if isinstance(measured_text, dict):
                measured_text = ", ".join(f"{k} {v}" for k, v in measured_text.items())
            lines.append(f"| {target['target']} | {measured_text} | {target['verdict']} |")
    lines += ["", f"Plot: [{plot_name}]({plot_name}) (latency against offered rate, log scale)."]
    return "\n".join(lines) + "\n"


COLOURS = {"ack p99": "#1f77b4", "end-to-end p50": "#2ca02c", "end-to-end p99": "#d62728"}


def _series(results: dict) -> list[tuple[str, str, str, list[tuple[float, float]]]]:
    """(label, colour, database, [(offered rate, latency ms)]) of every line of the plot."""
    series = []
    for database, measured in results["order_path"].items():
        if "rates" not in measured:
            continue
        for label, pick in (
            ("ack p99", lambda s: s["ack"]["p99_ms"]),
            ("end-to-end p50", lambda s: s["end_to_end"]["p50_ms"]),
            ("end-to-end p99", lambda s: s["end_to_end"]["p99_ms"]),
        ):
            points = [(s["offered_per_s"], pick(s)) for s in measured["rates"] if pick(s)]
            series.append((f"{NAMES.get(database, database)} {label}", COLOURS[label], database, points))
    return series


def plot(results: dict, width: int = 720, height: int = 420) -> str:
    """Latency (log scale) against offered rate: ingress p99, end-to-end p50 and p99, per database."""
    series = _series(results)
    every = [p for *_, points in series for p in points]
    left, right, top, bottom = 70, 200, 30, 50
    if not every:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"></svg>\n'
    x_max = max(x for x, _ in every) * 1.05
    y_low = 10 ** math.floor(math.log10(max(0.1, min(y for _, y in every))))
    y_high = 10 ** math.ceil(math.log10(max(y for _, y in every) * 1.01))
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(x: float) -> float:
        return left + x / x_max * plot_w

    def y_of(y: float) -> float:
        return top + plot_h - (math.log10(max(y, y_low)) - math.log10(y_low)) / math.log10(y_high / y_low) * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
        'font-size="11">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left}" y="18" font-size="13">Order path: latency against offered rate '
        f"({results['label']}, {results['scenario']})</text>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="black"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="black"/>',
        f'<text x="{left + plot_w / 2}" y="{height - 12}" text-anchor="middle">offered orders/s</text>',
        f'<text x="16" y="{top + plot_h / 2}" transform="rotate(-90 16 {top + plot_h / 2})" '
        'text-anchor="middle">latency ms (log)</text>',
    ]
    decade = y_low
    while decade <= y_high:
        y = y_of(decade)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{decade:g}</text>')
        decade *= 10
    for rate in sorted({x for x, _ in every}):
        out.append(f'<text x="{x_of(rate):.1f}" y="{top + plot_h + 16}" text-anchor="middle">{rate:g}</text>')
    for n, (label, colour, database, points) in enumerate(series):
        dash = ' stroke-dasharray="5,3"' if database == "sqlite" else ""
        path = " ".join(f"{x_of(x):.1f},{y_of(y):.1f}" for x, y in sorted(points))
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        out += [f'<circle cx="{x_of(x):.1f}" cy="{y_of(y):.1f}" r="3" fill="{colour}"/>' for x, y in points]
        legend_y = top + 14 * n
        out.append(
            f'<line x1="{left + plot_w + 12}" y1="{legend_y}" x2="{left + plot_w + 30}" y2="{legend_y}" '
            f'stroke="{colour}" stroke-width="2"{dash}/>'
        )
        out.append(f'<text x="{left + plot_w + 34}" y="{legend_y + 4}">{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def plot_png(results: dict, width: int = 720, height: int = 420) -> bytes:
    """The same plot as ``plot``, as a PNG (bench/png.py: no plotting library needed)."""
    canvas = Canvas(width, height)
    series = _series(results)
    every = [p for *_, points in series for p in points]
    left, right, top, bottom = 70, 200, 30, 50
    if not every:
        return canvas.png()
    x_max = max(x for x, _ in every) * 1.05
    y_low = 10 ** math.floor(math.log10(max(0.1, min(y for _, y in every))))
    y_high = 10 ** math.ceil(math.log10(max(y for _, y in every) * 1.01))
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(x: float) -> float:
        return left + x / x_max * plot_w

    def y_of(y: float) -> float:
        return top + plot_h - (math.log10(max(y, y_low)) - math.log10(y_low)) / math.log10(y_high / y_low) * plot_h

    canvas.text(left, 12, f"Order path: latency against offered rate ({results['label']}, {results['scenario']})")
    decade = y_low
    while decade <= y_high:
        y = y_of(decade)
        canvas.line(left, y, left + plot_w, y, GREY)
        canvas.text(left - 6, y + 3, f"{decade:g}", anchor="end")
        decade *= 10
    canvas.line(left, top + plot_h, left + plot_w, top + plot_h, BLACK)
    canvas.line(left, top, left, top + plot_h, BLACK)
    canvas.text(left + plot_w / 2, height - 12, "offered orders/s", anchor="middle")
    canvas.text(8, top - 4, "latency ms (log)")
    for rate in sorted({x for x, _ in every}):
        canvas.text(x_of(rate), top + plot_h + 16, f"{rate:g}", anchor="middle")
    for n, (label, colour, database, points) in enumerate(series):
        rgb, dash = hex_colour(colour), 5 if database == "sqlite" else 0
        ordered = sorted(points)
        for (x0, y0), (x1, y1) in itertools.pairwise(ordered):
            canvas.line(x_of(x0), y_of(y0), x_of(x1), y_of(y1), rgb, width=2, dash=dash)
        for x, y in points:
            canvas.disc(x_of(x), y_of(y), 3, rgb)
        legend_y = top + 14 * n
        canvas.line(left + plot_w + 12, legend_y, left + plot_w + 30, legend_y, rgb, width=2, dash=dash)
        canvas.text(left + plot_w + 34, legend_y + 3, label)
    return canvas.png()
