"""The CloudEvents envelope: every event survives encode/decode; bad records raise contract errors."""

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from storefront_events import (
    CONTENT_TYPE,
    EVENT_TYPES,
    KAFKA_HEADERS,
    ClientCreated,
    ContractError,
    MalformedEvent,
    UnknownEventType,
    decode,
    encode,
    to_cloudevent,
)
from storefront_events.samples import SAMPLES

ALL = sorted(SAMPLES.values(), key=lambda event: event.ce_type())


def test_there_is_a_sample_for_every_event_type():
    assert set(SAMPLES) == set(EVENT_TYPES.values())
    assert len(EVENT_TYPES) == 30


@pytest.mark.parametrize("event", ALL, ids=lambda event: event.ce_type())
def test_every_event_round_trips_through_bytes(event):
    raw = encode(event, source="/test-service", subject="s-1")
    decoded = decode(raw)
    assert type(decoded) is type(event)
    assert decoded == event
    assert decoded.event_id == event.event_id and decoded.correlation_id == event.correlation_id


@pytest.mark.parametrize("event", ALL, ids=lambda event: event.ce_type())
def test_envelope_attributes_carry_identity_time_and_type(event):
    envelope = json.loads(encode(event, source="/test-service"))
    assert envelope["specversion"] == "1.0"
    assert envelope["id"] == str(event.event_id)
    assert envelope["type"] == event.ce_type() == f"storefronts.{event.event_type}.v{event.schema_version}"
    assert datetime.fromisoformat(envelope["time"]) == event.occurred_at
    assert envelope["correlationid"] == event.correlation_id
    assert envelope["datacontenttype"] == "application/json"
    assert "subject" not in envelope  # absent optional attributes are omitted, not null
    assert not {"event_id", "occurred_at", "correlation_id", "event_type", "schema_version"} & envelope["data"].keys()


def test_ce_type_names_entity_and_version():
    assert ClientCreated.ce_type() == "storefronts.client.created.v1"
    assert EVENT_TYPES["storefronts.client.created.v1"] is ClientCreated


def test_money_travels_as_string_and_comes_back_exact():
    order = next(e for e in ALL if e.event_type == "order.received")
    data = json.loads(encode(order, source="/connector-service"))["data"]
    assert data["total"] == "24.80"
    assert decode(encode(order, source="/connector-service")).total == order.total


def test_decode_accepts_str_and_dict_and_normalises_time_to_utc():
    event = ClientCreated(
        client_id="c",
        name="n",
        reference_id=None,
        description=None,
        occurred_at=datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=2))),
    )
    assert event.occurred_at.tzinfo is UTC and event.occurred_at.hour == 10
    assert decode(encode(event, source="/s").decode()) == event
    assert decode(to_cloudevent(event, source="/s").model_dump(mode="json")) == event


def test_unknown_fields_in_data_and_envelope_are_ignored():
    envelope = to_cloudevent(SAMPLES[ClientCreated], source="/client-service").model_dump(mode="json")
    envelope["data"]["loyalty_tier"] = "gold"
    envelope["traceparent"] = "00-abc-def-01"
    assert decode(envelope) == SAMPLES[ClientCreated]


def test_unknown_type_and_unknown_version_raise_unknown_event_type():
    envelope = to_cloudevent(SAMPLES[ClientCreated], source="/client-service").model_dump(mode="json")
    for type_ in ("storefronts.client.exploded.v1", "storefronts.client.created.v2"):
        with pytest.raises(UnknownEventType) as caught:
            decode(envelope | {"type": type_})
        assert caught.value.type == type_
        assert isinstance(caught.value, ContractError) and isinstance(caught.value, ValueError)


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe", "[1, 2]", b"null", b"{}"])
def test_unparseable_records_raise_malformed_event(raw):
    with pytest.raises(MalformedEvent):
        decode(raw)


def test_data_not_matching_its_type_raises_malformed_event():
    envelope = to_cloudevent(SAMPLES[ClientCreated], source="/client-service").model_dump(mode="json")
    del envelope["data"]["name"]
    with pytest.raises(MalformedEvent, match="name"):
        decode(envelope)
    with pytest.raises(MalformedEvent):
        decode(envelope | {"id": "not-a-uuid", "data": SAMPLES[ClientCreated].model_dump(mode="json")})


def test_events_are_frozen_and_structured_mode_header_is_set():
    with pytest.raises(ValueError):
        SAMPLES[ClientCreated].name = "other"  # type: ignore[misc]
    assert KAFKA_HEADERS == [("content-type", b"application/cloudevents+json")]
    assert CONTENT_TYPE == "application/cloudevents+json"


@pytest.mark.parametrize("event", ALL, ids=lambda event: event.ce_type())
@pytest.mark.parametrize("subject", [None, "s-1"])
def test_encode_gives_the_bytes_of_the_cloudevent_model(event, subject):
    """encode builds the envelope without the CloudEvent model (the outbox encodes every
    event it stores); its bytes are exactly those of the model's JSON form."""
    for variant in (event, event.model_copy(update={"correlation_id": None})):
        envelope = to_cloudevent(variant, source="/test-service", subject=subject).model_dump(mode="json")
        expected = json.dumps(
            {k: v for k, v in envelope.items() if v is not None}, separators=(",", ":"), ensure_ascii=False
        )
        assert encode(variant, source="/test-service", subject=subject) == expected.encode()


@pytest.mark.parametrize("event", ALL, ids=lambda event: event.ce_type())
def test_a_record_decodes_to_the_same_event_as_its_parsed_envelope(event):
    """Records (bytes) are validated in one pass, envelope and data together; the event is
    the one the long way (the parsed envelope, then its data) gives, field for field."""
    raw = encode(event, source="/test-service", subject="s-1")
    quick, long_way = decode(raw), decode(json.loads(raw))
    assert type(quick) is type(long_way)
    assert quick.model_dump() == long_way.model_dump()
    assert encode(quick, source="/test-service", subject="s-1") == raw


def test_a_record_with_unknown_fields_or_envelope_attributes_in_its_data_keeps_the_envelopes():
    event = SAMPLES[ClientCreated]
    envelope = json.loads(encode(event, source="/client-service"))
    envelope["data"] |= {"loyalty_tier": "gold", "event_id": "not-a-uuid", "correlation_id": "from-data"}
    envelope["traceparent"] = "00-abc-def-01"
    assert decode(json.dumps(envelope).encode()) == event


def test_a_record_of_an_unknown_type_or_with_bad_data_raises_as_a_parsed_one():
    envelope = json.loads(encode(SAMPLES[ClientCreated], source="/client-service"))
    with pytest.raises(UnknownEventType):
        decode(json.dumps(envelope | {"type": "storefronts.client.exploded.v1"}).encode())
    with pytest.raises(MalformedEvent, match="name"):
        decode(json.dumps(envelope | {"data": {k: v for k, v in envelope["data"].items() if k != "name"}}).encode())
    with pytest.raises(MalformedEvent):
        decode(json.dumps(envelope | {"id": "not-a-uuid"}).encode())
