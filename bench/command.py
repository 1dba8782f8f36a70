"""What every benchmark command does around its measurement: run it (SIGTERM stops it as
Ctrl-C does, so its processes and databases are cleaned up), write its results as JSON and
Markdown under ``bench/results/``, and print the Markdown."""

import argparse
import asyncio
import json
import os
import signal
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any


def write_results(results: dict, directory: Path, stem: str, markdown: str) -> tuple[Path, Path]:
    """``<stem>.json`` and ``<stem>.md`` in ``directory``; their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    json_path, md_path = directory / f"{stem}.json", directory / f"{stem}.md"
    json_path.write_text(json.dumps(results, indent=2) + "\n")
    md_path.write_text(markdown)
    return json_path, md_path


def _interrupted(*_: object) -> None:
    raise KeyboardInterrupt


def run_command(
    argv: Sequence[str] | None,
    *,
    parse: Callable[[list[str]], Any],
    run: Callable[[Any], Coroutine[Any, Any, dict]],
    write: Callable[[dict, Path], tuple[Path, ...]],
) -> None:
    """Parses ``argv`` (the command line when None), runs the measurement, writes and prints it."""
    args = parse(list(sys.argv[1:] if argv is None else argv))
    signal.signal(signal.SIGTERM, _interrupted)
    results = asyncio.run(run(args))
    paths = write(results, args.results)
    print(paths[1].read_text())
    print("results: " + ", ".join(str(p) for p in paths), file=sys.stderr, flush=True)


def stack_arguments(parser: argparse.ArgumentParser, results: Path) -> None:
    """The options of every command measuring on the stack: a note, --keep, the stack's
    addresses (from ``var/run/stack.env``) and where results go."""
    parser.add_argument("--note", default="", help="a sentence put in the results (e.g. what else ran)")
    parser.add_argument("--keep", action="store_true", help="keep the databases, topics and logs")
    parser.add_argument("--bootstrap", default=os.environ.get("STOREFRONTS_KAFKA_BOOTSTRAP", "127.0.0.1:9092"))
    parser.add_argument("--postgres-url", default=os.environ.get("STOREFRONTS_TEST_POSTGRES_URL", ""))
    parser.add_argument("--results", type=Path, default=results)


def require_postgres(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if not args.postgres_url:
        parser.error("no PostgreSQL server: set STOREFRONTS_TEST_POSTGRES_URL or --postgres-url")
