"""``python -m bench all --label L [--quick]`` (what ``make bench`` runs): every benchmark of the
platform in sequence, each as its own command (a failing one is reported and the next runs):

1. ``python -m bench``: the Kafka ceiling and the runtime (bench service) → runtime-L.*
2. ``python -m bench intake``: order intake alone through Kafka, beside raw aiokafka → intake-L.*
3. ``python -m bench order-path``: signed webhooks to OrderAccepted, rising rates → order-path-L.*
4. ``python -m bench order-import``: a 10,000-order CSV import → order-import-L.*
5. ``python -m bench product-sync``: a full sync of a 10,000-variant Shopify store → product-sync-L.*
6. services/mapping-service/bench/import_50k.py: the 50,000-row mapping import → mapping-import-L.*
7. ``python -m bench postbacks``: CPU per postback delivery of the notifier → postbacks-L.*

``--quick`` runs each on a small workload (a few minutes in all): it proves the harness, its
numbers are not the platform's. ``--only intake,order-import`` runs some of them. Writes
bench/results/suite-L.md: what ran, for how long, where each result is."""

import argparse
import ast
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import machine

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable

#: name → (command after ``python``, its quick arguments, the results it writes)
PARTS: dict[str, tuple[list[str], list[str], str]] = {
    "runtime": (
        ["-m", "bench"],
        ["--events", "3000", "--ceiling-events", "3000", "--databases", "postgresql", "--max-seconds", "30"],
        "runtime",
    ),
    "intake": (["-m", "bench", "intake"], ["--orders", "2000", "--products", "50"], "intake"),
    "order-path": (
        ["-m", "bench", "order-path"],
        ["--rates", "25,50", "--seconds", "5", "--shops", "2", "--products", "50", "--drain-seconds", "30"],
        "order-path",
    ),
    "order-import": (["-m", "bench", "order-import"], ["--orders", "1000"], "order-import"),
    "product-sync": (
        ["-m", "bench", "product-sync"],
        ["--products", "250", "--restore-rate", "1000", "--bucket-max", "20000"],
        "product-sync",
    ),
    "mapping-import": (["services/mapping-service/bench/import_50k.py"], ["--rows", "5000", "--urls", "20"], ""),
    "postbacks": (["-m", "bench", "postbacks"], ["--orders", "300"], "postbacks"),
}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench all", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--label", default=datetime.now(UTC).strftime("%Y%m%d"))
    parser.add_argument("--quick", action="store_true", help="small workloads: proves the harness in minutes")
    parser.add_argument("--only", help=f"comma-separated, of {', '.join(PARTS)}")
    parser.add_argument("--note", default="", help="passed to every part that takes one")
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "results")
    args = parser.parse_args(argv)
    args.parts = [p.strip() for p in (args.only or ",".join(PARTS)).split(",") if p.strip()]
    unknown = [p for p in args.parts if p not in PARTS]
    if unknown:
        parser.error(f"unknown parts {unknown}: {', '.join(PARTS)}")
    return args


def command(name: str, args: argparse.Namespace) -> list[str]:
    base, quick, stem = PARTS[name]
    line = [PY, *base, *(quick if args.quick else [])]
    if stem:
        line += ["--label", args.label, "--results", str(args.results)]
        if args.note and name != "runtime":  # the runtime bench writes its own note
            line += ["--note", args.note]
    return line


def mapping_import_results(output: str, args: argparse.Namespace) -> list[Path]:
    """import_50k.py prints one dict: kept as mapping-import-L.json and .md."""
    printed = [line for line in output.splitlines() if line.startswith("{")]
    if not printed:
        return []
    measured = ast.literal_eval(printed[-1])
    results = {
        "label": args.label,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine.describe(REPO),
        "note": args.note,
        "import": measured,
    }
    stem = args.results / f"mapping-import-{args.label}"
    stem.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    m = results["machine"]
    stem.with_suffix(".md").write_text(
        f"# Mapping CSV import of {measured['rows']:,} rows `{args.label}` — {results['date']}\n\n"
        f"Machine: {m['cores']} cores ({m['cpu_model']}), Python {m['python']}; git `{m['git']['commit']}`. "
        f"Load average (1 min) at the end {measured['load_average']}. {args.note} Measured on a shared 2-core "
        "machine: read the load average before the numbers.\n\n"
        "| rows | applied | refused | design file requests | parse s | check + apply s | **total s** | CPU s |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        f"| {measured['rows']:,} | {measured['applied']:,} | {measured['refused']:,} | "
        f"{measured['design_file_requests']:,} | {measured['parse_seconds']} | {measured['check_and_apply_seconds']} | "
        f"**{measured['total_seconds']}** | {measured['cpu_seconds']} |\n\n"
        "Target (issue #14): under 10 s for 50,000 rows. What it measures: "
        "services/mapping-service/bench/import_50k.py.\n"
    )
    return [stem.with_suffix(".json"), stem.with_suffix(".md")]


def main(argv: list[str] | None = None) -> None:
    args = parse(sys.argv[1:] if argv is None else argv)
    args.results.mkdir(parents=True, exist_ok=True)
    ran = []
    for name in args.parts:
        line = command(name, args)
        print(f"== {name}: {' '.join(line[1:])}", file=sys.stderr, flush=True)
        load_before, started = machine.load_average(), time.monotonic()
        done = subprocess.run(line, cwd=REPO, env=os.environ, stdout=subprocess.PIPE, text=True)
        print(done.stdout, flush=True)
        stem = PARTS[name][2]
        files = (
            mapping_import_results(done.stdout, args)
            if name == "mapping-import"
            else sorted(args.results.glob(f"{stem}-{args.label}.*"))
        )
        ran.append(
            {
                "part": name,
                "exit": done.returncode,
                "seconds": round(time.monotonic() - started),
                "load_average": [load_before, machine.load_average()],
                "files": [f.name for f in files],
            }
        )
    lines = [
        f"# Benchmarks `{args.label}` — {datetime.now(UTC).isoformat(timespec='seconds')}",
        "",
        ("Quick run (small workloads: the harness, not the platform's numbers). " if args.quick else "")
        + "Run one after the other on a shared 2-core machine: read each result's load averages.",
        "",
        "| part | exit | minutes | load average before → after | results |",
        "|---|---:|---:|---|---|",
    ]
    for part in ran:
        links = ", ".join(f"[{f}]({f})" for f in part["files"] if not f.endswith(".json")) or "—"
        lines.append(
            f"| {part['part']} | {part['exit']} | {part['seconds'] / 60:.1f} | {part['load_average'][0]} → "
            f"{part['load_average'][1]} | {links} |"
        )
    summary = args.results / f"suite-{args.label}.md"
    summary.write_text("\n".join(lines) + "\n")
    print(summary.read_text())
    sys.exit(1 if any(part["exit"] for part in ran) else 0)


if __name__ == "__main__":
    main()
