"""JSON Schemas of the event contracts, committed in libs/events/schemas/.

python -m storefront_events.schemas write   # regenerate schemas/*.json and CATALOG.md
python -m storefront_events.schemas check   # fail when the committed schemas are stale or broken
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from storefront_events.base import ENVELOPE_FIELDS, Event
from storefront_events.catalog import EVENT_TYPES
from storefront_events.catalog_doc import catalog_markdown
from storefront_events.compat import compatibility_problems, schema_changes
from storefront_events.envelope import CloudEvent
from storefront_events.samples import SAMPLES

__all__ = ["SCHEMA_DIR", "check", "compatibility_problems", "data_schema", "envelope_schema", "generate", "write"]

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"
CATALOG_FILE = SCHEMA_DIR.parent / "CATALOG.md"
_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def data_schema(cls: type[Event]) -> dict[str, Any]:
    """JSON Schema of the CloudEvent `data` of one event class, with its sample as example."""
    schema = cls.model_json_schema(mode="serialization")
    for name in ENVELOPE_FIELDS:
        schema["properties"].pop(name, None)
    schema["required"] = [name for name in schema.get("required", []) if name not in ENVELOPE_FIELDS]
    schema.update({"$schema": _DIALECT, "$id": f"{cls.ce_type()}.json", "title": cls.ce_type()})
    schema["x-event-class"] = f"{cls.__module__}.{cls.__name__}"
    schema["examples"] = [SAMPLES[cls].model_dump(mode="json", exclude=set(ENVELOPE_FIELDS))]
    return schema


def envelope_schema() -> dict[str, Any]:
    """JSON Schema of the CloudEvents envelope (the Kafka record value)."""
    schema = CloudEvent.model_json_schema(mode="serialization")
    schema.update({"$schema": _DIALECT, "$id": "envelope.json", "title": "CloudEvents 1.0 envelope"})
    schema["properties"]["type"]["enum"] = sorted(EVENT_TYPES)
    return schema


def generate() -> dict[str, dict[str, Any]]:
    """Every schema file name -> schema."""
    files = {f"{ce_type}.json": data_schema(cls) for ce_type, cls in sorted(EVENT_TYPES.items())}
    files["envelope.json"] = envelope_schema()
    return files


def _dump(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(directory: Path = SCHEMA_DIR, catalog_file: Path | None = CATALOG_FILE) -> list[Path]:
    """Write every schema (and the markdown catalog) and return the written paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in generate().items():
        (directory / name).write_text(_dump(schema), encoding="utf-8")
        written.append(directory / name)
    if catalog_file is not None:
        catalog_file.write_text(catalog_markdown(), encoding="utf-8")
        written.append(catalog_file)
    return written


def check(directory: Path = SCHEMA_DIR, catalog_file: Path | None = CATALOG_FILE) -> tuple[list[str], list[str]]:
    """(errors, notes) of the committed schemas (and catalog) against the generated ones; empty when up to date."""
    errors: list[str] = []
    notes: list[str] = []
    generated = generate()
    for name, schema in generated.items():
        path = directory / name
        if not path.exists():
            errors.append(f"{name}: no committed schema")
            continue
        committed = json.loads(path.read_text(encoding="utf-8"))
        if _dump(committed) == _dump(schema):
            continue
        breaking, additive = schema_changes(committed, schema)
        errors += [f"{name}: {problem} (breaking: add a new versioned event instead)" for problem in breaking]
        notes += [f"{name}: {change}" for change in additive]
        if not breaking and not additive:
            notes.append(f"{name}: descriptions or details changed")
    for path in sorted(directory.glob("*.json")):
        if path.name not in generated:
            errors.append(f"{path.name}: committed schema has no event any more (removing a type is breaking)")
    if catalog_file is not None and (
        not catalog_file.exists() or catalog_file.read_text(encoding="utf-8") != catalog_markdown()
    ):
        notes.append(f"{catalog_file.name}: stale")
    return errors, notes


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "write":
        for path in write():
            print(f"wrote {path}")
        return 0
    if command == "check":
        errors, notes = check()
        for line in errors:
            print(f"ERROR {line}", file=sys.stderr)
        for line in notes:
            print(f"changed {line}", file=sys.stderr)
        if notes and not errors:
            print("compatible changes: run `python -m storefront_events.schemas write` and commit", file=sys.stderr)
        if not errors and not notes:
            print(f"{len(EVENT_TYPES)} event schemas up to date")
        return 1 if errors or notes else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
