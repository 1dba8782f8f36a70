"""The results of one run: targets with PASS/BELOW, the JSON file and the Markdown table,
with every earlier run under bench/results side by side (``before`` next to ``after``)."""

import json
from pathlib import Path

#: The targets of issue #6: one service process on PostgreSQL; printed, never asserted.
APPLIED_TARGET = 5000
RELAY_TARGET = 5000
TARGET_DATABASE = "postgresql"
NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


def verdict(value: float | None, target: float) -> str:
    return "PASS" if value is not None and value >= target else "BELOW"


def judge(results: dict) -> dict:
    """Adds the ratios to the ceiling and the targets' verdicts to a run's results."""
    ceiling = results["ceiling"]
    results["ratios"] = {}
    for database, measured in results["runtime"].items():
        if "error" in measured:
            continue
        results["ratios"][database] = {
            "applied_vs_ceiling_consume": round(measured["throughput"]["events_per_s"] / ceiling["consume_per_s"], 4),
            "relay_vs_ceiling_produce": round(measured["relay"]["events_per_s"] / ceiling["produce_per_s"], 4),
        }
    target = results["runtime"].get(TARGET_DATABASE, {})
    applied = target.get("throughput", {}).get("events_per_s")
    relayed = target.get("relay", {}).get("events_per_s")
    results["targets"] = {
        "applied_events_per_s": {
            "database": TARGET_DATABASE,
            "target": APPLIED_TARGET,
            "measured": applied,
            "verdict": verdict(applied, APPLIED_TARGET),
        },
        "relay_events_per_s": {
            "database": TARGET_DATABASE,
            "target": RELAY_TARGET,
            "measured": relayed,
            "verdict": verdict(relayed, RELAY_TARGET),
        },
    }
    return results


def write(results: dict, directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"runtime-{results['label']}"
    json_path = directory / f"{stem}.json"
    json_path.write_text(json.dumps(results, indent=2) + "\n")
    md_path = directory / f"{stem}.md"
    md_path.write_text(markdown(results, earlier_runs(directory, results["label"])))
    return json_path, md_path


def earlier_runs(directory: Path, label: str) -> list[dict]:
    runs = []
    for path in sorted(directory.glob("runtime-*.json")):
        run = json.loads(path.read_text())
        if run.get("label") != label:
            runs.append(run)
    return sorted(runs, key=lambda run: run.get("date", ""))


def _n(value, digits: int = 0, unit: str = "") -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}{unit}"


def markdown(results: dict, earlier: list[dict]) -> str:
    m, s, c = results["machine"], results["settings"], results["ceiling"]
    databases = [d for d in results["runtime"]]
    lines = [
        f"# Runtime benchmark `{results['label']}` — {results['date']}",
        "",
        f"Machine: {m['cores']} cores ({m['cpu_model']}), {m['memory_gb']} GB, {m['os']}, Python {m['python']}, "
        f"Kafka {m['kafka']} (one broker), PostgreSQL {results.get('postgresql_version', '—')}, "
        f"SQLite {results.get('sqlite_version', '—')}; git `{m['git']['commit']}`"
        + (" (with uncommitted changes)" if m["git"]["dirty"] else "")
        + ".",
        f"Load average (1, 5, 15 min) at start {results['load_average']['start']}, at end "
        f"{results['load_average']['end']}. {results['note']}",
        "",
        f"Settings: ceiling {s['ceiling_events']:,} records, runtime {s['runtime_events']:,} events "
        f"(phases capped at {s['max_seconds']:.0f} s), record {c['record_bytes']} bytes "
        f"(`{s['input_event']}` in, `{s['output_event']}` out), {c['partitions']} partitions; producer "
        f"{s['producer']}; ceiling consumer getmany ≤ {s['ceiling_max_records']} + commit per batch; latency at "
        f"{s['latency_load']:.0%} of the measured throughput for {s['latency_seconds']:.0f} s; service log level "
        f"{s['log_level']}; handler form: {s.get('handler', 'event')}"
        + (f"; runtime imported from {', '.join(f'`{p}`' for p in s['runtime_src'])}" if s.get("runtime_src") else "")
        + ".",
        "",
        "Runtime delivery settings of the bench service: "
        + (", ".join(f"`{name}={value}`" for name, value in s.get("service", {}).items()) or "—")
        + ".",
        "",
        "| measure | ceiling (raw aiokafka) | " + " | ".join(NAMES.get(d, d) for d in databases) + " | target |",
        "|---|---|" + "---|" * len(databases) + "---|",
    ]

    def row(name: str, ceiling: str, pick, target: str = "") -> None:
        cells = []
        for database in databases:
            measured = results["runtime"][database]
            cells.append("error" if "error" in measured else pick(database, measured))
        lines.append(f"| {name} | {ceiling} | " + " | ".join(cells) + f" | {target} |")

    targets = results["targets"]
    row("produce msg/s", _n(c["produce_per_s"]), lambda d, r: "")
    row("consume msg/s (commit per batch)", _n(c["consume_per_s"]), lambda d, r: "")
    row(
        "**applied events/s** (one service process)",
        "",
        lambda d, r: (
            _n(r["throughput"]["events_per_s"])
            + (
                f" (capped, {r['throughput']['events_applied']:,} applied)"
                if r["throughput"]["capped_at_seconds"]
                else ""
            )
        ),
        f"≥ {APPLIED_TARGET:,} on PostgreSQL: **{targets['applied_events_per_s']['verdict']}**",
    )
    row("applied / ceiling consume", "", lambda d, r: _n(results["ratios"][d]["applied_vs_ceiling_consume"], 3))
    row(
        "**relay events/s**",
        "",
        lambda d, r: _n(r["relay"]["events_per_s"]) + (" (capped)" if r["relay"]["capped_at_seconds"] else ""),
        f"≥ {RELAY_TARGET:,} on PostgreSQL: **{targets['relay_events_per_s']['verdict']}**",
    )
    row("relay / ceiling produce", "", lambda d, r: _n(results["ratios"][d]["relay_vs_ceiling_produce"], 3))
    row(
        "latency produce → applied p50",
        "",
        lambda d, r: _n(r["latency"]["p50_ms"], 1, " ms") + f" at {_n(r['latency']['offered_per_s'])}/s",
    )
    row("latency produce → applied p99", "", lambda d, r: _n(r["latency"]["p99_ms"], 1, " ms"))
    row(
        "latency produce → relayed p50 / p99",
        "",
        lambda d, r: (
            f"{_n(r['latency'].get('relayed_p50_ms'), 1, ' ms')} / {_n(r['latency'].get('relayed_p99_ms'), 1, ' ms')}"
        ),
    )
    row("CPU ms per event, service (consumer)", "", lambda d, r: _n(r["throughput"]["cpu_ms_per_event"], 2))
    row("CPU ms per event, relay", "", lambda d, r: _n(r["relay"]["cpu_ms_per_event"], 3))
    row("peak memory (max RSS), service", "", lambda d, r: _n(r["throughput"]["peak_rss_mb"], 0, " MB"))
    row("peak memory (max RSS), relay process", "", lambda d, r: _n(r["relay"]["peak_rss_mb"], 0, " MB"))
    for database in databases:
        if "error" in results["runtime"][database]:
            lines += ["", f"{NAMES.get(database, database)} failed: `{results['runtime'][database]['error']}`"]
    runs = [*earlier, results]
    if len(runs) > 1:
        lines += ["", "## Side by side", "", *side_by_side(runs)]
    lines += ["", "What each number means: [bench/README.md](../README.md).", ""]
    return "\n".join(lines)


def side_by_side(runs: list[dict]) -> list[str]:
    lines = [
        "| measure | "
        + " | ".join(f"`{run['label']}` ({run['date'][:10]}, `{run['machine']['git']['commit']}`)" for run in runs)
        + " |",
        "|---|" + "---|" * len(runs),
    ]

    def row(name: str, pick) -> None:
        cells = []
        for run in runs:
            try:
                cells.append(pick(run))
            except (KeyError, TypeError):
                cells.append("—")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")

    row(
        "ceiling produce / consume msg/s",
        lambda r: f"{_n(r['ceiling']['produce_per_s'])} / {_n(r['ceiling']['consume_per_s'])}",
    )
    for database in ("postgresql", "sqlite"):
        name = NAMES[database]
        row(
            f"{name}: applied events/s",
            lambda r, database=database: _n(r["runtime"][database]["throughput"]["events_per_s"]),
        )
        row(f"{name}: relay events/s", lambda r, database=database: _n(r["runtime"][database]["relay"]["events_per_s"]))
        row(
            f"{name}: p50 / p99 ms",
            lambda r, database=database: (
                f"{_n(r['runtime'][database]['latency']['p50_ms'], 1)} / "
                f"{_n(r['runtime'][database]['latency']['p99_ms'], 1)}"
            ),
        )
        row(
            f"{name}: CPU ms/event",
            lambda r, database=database: _n(r["runtime"][database]["throughput"]["cpu_ms_per_event"], 2),
        )
        row(
            f"{name}: peak RSS MB", lambda r, database=database: _n(r["runtime"][database]["throughput"]["peak_rss_mb"])
        )
    row("handler form", lambda r: r["settings"].get("handler", "event"))
    row("runtime imported from", lambda r: ", ".join(r["settings"].get("runtime_src") or ["this checkout"]))
    row("load average at start", lambda r: str(r["load_average"]["start"]))
    return lines
