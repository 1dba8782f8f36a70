"""Event schema contract: committed JSON Schemas match the models, stay compatible, and the samples
every service sees validate against them and decode back."""

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from storefront_events import EVENT_TYPES, compatibility_problems, decode, encode
from storefront_events.samples import SAMPLES
from storefront_events.schemas import SCHEMA_DIR, check, data_schema, generate, write

CE_TYPES = sorted(EVENT_TYPES)


def committed(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


def test_committed_schemas_equal_the_generated_ones():
    errors, notes = check()
    assert (errors, notes) == ([], []), "run `python -m storefront_events.schemas write`"
    for name, schema in generate().items():
        assert committed(name) == schema


@pytest.mark.parametrize("ce_type", CE_TYPES)
def test_every_event_has_a_committed_schema(ce_type):
    schema = committed(f"{ce_type}.json")
    assert schema["title"] == ce_type
    assert not {"event_id", "occurred_at", "correlation_id", "event_type"} & schema["properties"].keys()


@pytest.mark.parametrize("ce_type", CE_TYPES)
def test_sample_validates_against_committed_schema_and_decodes(ce_type):
    cls = EVENT_TYPES[ce_type]
    raw = encode(SAMPLES[cls], source="/contract-test")
    envelope = json.loads(raw)
    jsonschema.Draft202012Validator(committed("envelope.json")).validate(envelope)
    jsonschema.Draft202012Validator(committed(f"{ce_type}.json")).validate(envelope["data"])
    assert decode(raw) == SAMPLES[cls]


@pytest.mark.parametrize("ce_type", CE_TYPES)
def test_schema_rejects_data_missing_a_required_field(ce_type):
    schema = committed(f"{ce_type}.json")
    data = json.loads(encode(SAMPLES[EVENT_TYPES[ce_type]], source="/t"))["data"]
    required = schema["required"][0]
    del data[required]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def order_schema() -> dict:
    return copy.deepcopy(data_schema(EVENT_TYPES["storefronts.order.received.v1"]))


def test_identical_schemas_are_compatible():
    assert compatibility_problems(order_schema(), order_schema()) == []


def test_removed_property_is_flagged():
    new = order_schema()
    del new["properties"]["note"]
    assert any("note" in p and "removed" in p for p in compatibility_problems(order_schema(), new))


def test_removed_nested_property_is_flagged():
    new = order_schema()
    del new["$defs"]["Address"]["properties"]["city"]
    assert any("shipping_address.city" in p for p in compatibility_problems(order_schema(), new))


def test_changed_type_is_flagged():
    new = order_schema()
    new["properties"]["total"] = {"type": "number"}
    assert any("total" in p and "type changed" in p for p in compatibility_problems(order_schema(), new))


def test_new_required_property_is_flagged():
    new = order_schema()
    new["properties"]["priority"] = {"type": "integer"}
    new["required"].append("priority")
    assert any("priority" in p and "required" in p for p in compatibility_problems(order_schema(), new))


def test_property_made_required_is_flagged():
    new = order_schema()
    new["required"].append("note")
    assert any("note" in p and "made required" in p for p in compatibility_problems(order_schema(), new))


def test_removed_literal_value_is_flagged():
    new = order_schema()
    new["properties"]["platform"]["enum"].remove("etsy")
    assert any("etsy" in p for p in compatibility_problems(order_schema(), new))


def test_new_optional_property_is_accepted():
    new = order_schema()
    new["properties"]["gift_message"] = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}
    assert compatibility_problems(order_schema(), new) == []


def test_check_reports_stale_breaking_and_missing_files(tmp_path: Path):
    write(tmp_path, catalog_file=None)
    assert check(tmp_path, catalog_file=None) == ([], [])
    name = "storefronts.order.received.v1.json"
    schema = json.loads((tmp_path / name).read_text())
    schema["properties"]["legacy_id"] = {"type": "string"}  # committed field the model no longer has
    (tmp_path / name).write_text(json.dumps(schema))
    (tmp_path / "storefronts.client.created.v1.json").unlink()
    errors, _ = check(tmp_path, catalog_file=None)
    assert any("legacy_id" in e and "removed" in e for e in errors)
    assert any("client.created" in e and "no committed schema" in e for e in errors)


def test_check_asks_for_refresh_after_an_additive_change(tmp_path: Path):
    write(tmp_path, catalog_file=None)
    name = "storefronts.order.received.v1.json"
    schema = json.loads((tmp_path / name).read_text())
    del schema["properties"]["note"]  # the model gained `note` since this file was committed
    (tmp_path / name).write_text(json.dumps(schema))
    errors, notes = check(tmp_path, catalog_file=None)
    assert errors == [] and any("note" in n for n in notes)
