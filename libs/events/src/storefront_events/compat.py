"""Compatibility of two JSON Schemas of one event version (old = committed, new = generated).

Within a version only additive changes are allowed: a new optional property, a new enum value,
a changed description. Anything that can break a reader or a producer is a problem.
"""

from __future__ import annotations

import json
from typing import Any

Schema = dict[str, Any]


def compatibility_problems(old: Schema, new: Schema) -> list[str]:
    """Breaking changes from `old` to `new`: removed property, changed type, property made (or added as)
    required, removed enum/literal value. Empty when `new` may replace `old` in the same version."""
    return schema_changes(old, new)[0]


def schema_changes(old: Schema, new: Schema) -> tuple[list[str], list[str]]:
    """(breaking, additive) changes from `old` to `new`."""
    breaking: list[str] = []
    additive: list[str] = []
    _compare(_Node(old, old), _Node(new, new), "data", breaking, additive)
    return breaking, additive


class _Node:
    """A schema node with its root, to resolve local `$ref`s."""

    def __init__(self, schema: Schema, root: Schema) -> None:
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = {**root.get("$defs", {})[name], **{k: v for k, v in schema.items() if k != "$ref"}}
        self.schema, self.root = schema, root

    def branches(self) -> list[_Node]:
        options = self.schema.get("anyOf") or self.schema.get("oneOf")
        if not options:
            return [self]
        return [b for option in options for b in _Node(option, self.root).branches()]

    def types(self) -> set[str]:
        found: set[str] = set()
        for b in self.branches():
            s = b.schema
            if "type" in s:
                found |= set(s["type"] if isinstance(s["type"], list) else [s["type"]])
            elif "const" in s or "enum" in s:
                found |= {_json_type(v) for v in s.get("enum", [s.get("const")])}
            else:
                found.add("any")
        return found

    def values(self) -> set[str] | None:
        """Allowed literal values, or None when unrestricted."""
        allowed: set[str] = set()
        for b in self.branches():
            s = b.schema
            if "const" in s or "enum" in s:
                allowed |= {json.dumps(v) for v in s.get("enum", [s.get("const")])}
            elif s.get("type") != "null":
                return None
        return allowed

    def part(self, key: str) -> _Node | None:
        for b in self.branches():
            if key in b.schema and isinstance(b.schema[key], dict):
                return b if key == "properties" else _Node(b.schema[key], self.root)
        return None


def _json_type(value: Any) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}.get(
        type(value), "object"
    )


def _compare(old: _Node, new: _Node, path: str, breaking: list[str], additive: list[str]) -> None:
    if old.types() != new.types():
        breaking.append(f"{path}: type changed from {sorted(old.types())} to {sorted(new.types())}")
        return
    old_values, new_values = old.values(), new.values()
    if old_values is not None:
        if new_values is not None and old_values - new_values:
            breaking.append(f"{path}: allowed values removed: {sorted(old_values - new_values)}")
        if new_values is None or new_values - old_values:
            additive.append(f"{path}: allowed values widened")
    old_obj, new_obj = old.part("properties"), new.part("properties")
    if old_obj and new_obj:
        _compare_objects(old_obj, new_obj, path, breaking, additive)
    for key in ("items", "additionalProperties"):
        old_sub, new_sub = old.part(key), new.part(key)
        if old_sub and new_sub:
            _compare(old_sub, new_sub, f"{path}[]", breaking, additive)


def _compare_objects(old: _Node, new: _Node, path: str, breaking: list[str], additive: list[str]) -> None:
    old_props, new_props = old.schema["properties"], new.schema["properties"]
    old_required, new_required = set(old.schema.get("required", [])), set(new.schema.get("required", []))
    for name in sorted(old_props.keys() - new_props.keys()):
        breaking.append(f"{path}.{name}: property removed")
    for name in sorted(new_props.keys() - old_props.keys()):
        if name in new_required:
            breaking.append(f"{path}.{name}: new property is required (give it a default)")
        else:
            additive.append(f"{path}.{name}: optional property added")
    for name in sorted(old_props.keys() & new_props.keys()):
        if name in new_required and name not in old_required:
            breaking.append(f"{path}.{name}: property made required")
        elif name in old_required and name not in new_required:
            additive.append(f"{path}.{name}: property made optional")
        _compare(
            _Node(old_props[name], old.root), _Node(new_props[name], new.root), f"{path}.{name}", breaking, additive
        )
