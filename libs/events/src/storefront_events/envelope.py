"""CloudEvents 1.0 structured mode over Kafka: the record value is the JSON envelope.

Producers send `encode(event, source=...)` with `KAFKA_HEADERS` and key `topic_of(event).key_for(event)`;
consumers call `decode(record.value)` and dispatch on the returned event's class or `event_type`.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal, Union
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model
from pydantic_core import to_json

from storefront_events.base import ENVELOPE_FIELDS, Event
from storefront_events.catalog import EVENT_TYPES
from storefront_events.errors import MalformedEvent, UnknownEventType
from storefront_events.values import UtcDatetime

CONTENT_TYPE = "application/cloudevents+json"
#: Headers of every Kafka record carrying an event.
KAFKA_HEADERS: list[tuple[str, bytes]] = [("content-type", CONTENT_TYPE.encode())]


class CloudEvent(BaseModel):
    """The CloudEvents 1.0 envelope of one event (structured JSON mode)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(description="The event's event_id")
    source: str = Field(description="Producing service, e.g. /client-service")
    type: str = Field(description="storefronts.<event_type>.v<schema_version>")
    time: UtcDatetime = Field(description="The event's occurred_at")
    subject: str | None = Field(default=None, description="What the event is about, e.g. the aggregate id")
    datacontenttype: Literal["application/json"] = "application/json"
    correlationid: str | None = Field(default=None, description="Extension attribute: the correlation_id")
    data: dict[str, Any]


def to_cloudevent(event: Event, *, source: str, subject: str | None = None) -> CloudEvent:
    """Wrap `event` in its envelope; `source` names the producing service."""
    return CloudEvent(
        id=str(event.event_id),
        source=source,
        type=event.ce_type(),
        time=event.occurred_at,
        subject=subject,
        correlationid=event.correlation_id,
        data=event.model_dump(mode="json", exclude=set(ENVELOPE_FIELDS)),
    )


_IDENTITY = {"event_id", "occurred_at", "correlation_id"}
_DATA_EXCLUDE = set(ENVELOPE_FIELDS)


def encode(event: Event, *, source: str, subject: str | None = None) -> bytes:
    """The Kafka record value of `event`: the JSON envelope, absent optional attributes omitted.

    The same bytes as ``to_cloudevent(...).model_dump(mode="json")`` without its absent
    attributes, built without validating a CloudEvent model again (the event is valid already)
    and with `data` written by pydantic's own JSON serializer (the outbox encodes every event it
    stores: dumping to Python objects and then to JSON cost three times as much)."""
    serializer = event.__pydantic_serializer__
    identity = serializer.to_python(event, mode="json", include=_IDENTITY)
    envelope: dict[str, Any] = {
        "specversion": "1.0",
        "id": identity["event_id"],
        "source": source,
        "type": event.ce_type(),
        "time": identity["occurred_at"],
        "subject": subject,
        "datacontenttype": "application/json",
        "correlationid": identity["correlation_id"],
    }
    # pydantic-core's serializer: the same compact UTF-8 bytes as json.dumps(separators=(",", ":"),
    # ensure_ascii=False).encode() for these JSON-mode values, at a quarter of its cost.
    head = to_json({name: value for name, value in envelope.items() if value is not None})
    return b"".join((head[:-1], b',"data":', serializer.to_json(event, exclude=_DATA_EXCLUDE), b"}"))


def decode(raw: bytes | str | dict[str, Any]) -> Event:
    """The event in a Kafka record value (or an already parsed envelope).

    Raises UnknownEventType for a type not in the catalog, MalformedEvent for anything else wrong.
    Unknown attributes and data fields are ignored.
    """
    if isinstance(raw, bytes | str):
        event = _decode_json_in_one_pass(raw)
        if event is not None:
            return event
        envelope = _envelope_from_json(raw)
    elif not isinstance(raw, dict):
        raise MalformedEvent(f"envelope is a {type(raw).__name__}, not an object")
    else:
        try:
            envelope = CloudEvent.model_validate(raw)
        except ValidationError as exc:
            raise MalformedEvent(f"invalid CloudEvent: {exc}") from exc
    cls = EVENT_TYPES.get(envelope.type)
    if cls is None:
        raise UnknownEventType(envelope.type)
    data = {name: value for name, value in envelope.data.items() if name not in ENVELOPE_FIELDS}
    data |= {"event_id": envelope.id, "occurred_at": envelope.time, "correlation_id": envelope.correlationid}
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise MalformedEvent(f"invalid {envelope.type} data: {exc}") from exc


def _envelope_from_json(raw: bytes | str) -> CloudEvent:
    """The envelope parsed and validated in one pass by pydantic-core (every consumed record
    comes through here: json.loads and then validating the dict cost a fifth more)."""
    try:
        return CloudEvent.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":
            raise MalformedEvent(f"not JSON: {first['msg']}") from exc
        if first["type"] == "model_type" and not first["loc"]:
            raise MalformedEvent(f"envelope is a {type(first['input']).__name__}, not an object") from exc
        raise MalformedEvent(f"invalid CloudEvent: {exc}") from exc


def _decode_json_in_one_pass(raw: bytes | str) -> Event | None:
    """The event of a valid record, validated by pydantic-core in one pass (the envelope and
    its data together, by the envelope's `type`), or None for any record that is not, which
    `decode` then reads the long way to say what is wrong. The long way parses `data` into
    Python objects and validates them again into the event: twice the work, and every
    consumed record comes through here."""
    try:
        envelope = _typed_envelopes().validate_json(raw)
    except ValidationError:
        return None
    cls, constants = _EVENT_OF_ENVELOPE[type(envelope)]
    values = envelope.data.__dict__ | constants
    values["event_id"] = envelope.id
    values["occurred_at"] = envelope.time
    values["correlation_id"] = envelope.correlationid
    # Every field was validated just now (the data by the event's own field definitions, the
    # identity by the envelope's): the event is built as `model_construct` builds one, without
    # its loop over the fields in Python, which cost as much as the validation.
    event = cls.__new__(cls)
    object.__setattr__(event, "__dict__", values)
    object.__setattr__(event, "__pydantic_fields_set__", set(values))
    object.__setattr__(event, "__pydantic_extra__", None)
    object.__setattr__(event, "__pydantic_private__", None)
    return event


_EVENT_OF_ENVELOPE: dict[type[CloudEvent], tuple[type[Event], dict[str, Any]]] = {}
"""Per typed envelope: its event class, and the values of the event's fields that neither
the envelope nor its data carry (``event_type``, ``schema_version``: constants)."""


@cache
def _typed_envelopes() -> TypeAdapter[Any]:
    """One validator for the envelope of every event type in the catalog, chosen by `type`
    (built at the first decode: the services that never consume do not pay for it)."""
    envelopes = tuple(_typed_envelope(ce_type, cls) for ce_type, cls in EVENT_TYPES.items())
    by_type: Any = Annotated[Union[envelopes], Field(discriminator="type")]  # noqa: UP007 (a tuple of classes)
    return TypeAdapter(by_type)


def _typed_envelope(ce_type: str, cls: type[Event]) -> type[CloudEvent]:
    """The envelope of `cls`: its `type`, and `data` holding the event's fields but those
    the envelope carries (which `decode` ignores in `data`)."""
    data_fields: dict[str, Any] = {
        name: (field.annotation, field) for name, field in cls.model_fields.items() if name not in ENVELOPE_FIELDS
    }
    data = create_model(f"{cls.__name__}Data", __config__=ConfigDict(extra="ignore"), **data_fields)
    tag: Any = Literal[ce_type]
    envelope: type[CloudEvent] = create_model(
        f"{cls.__name__}Envelope",
        __base__=CloudEvent,
        id=(UUID, Field(description="The event's event_id")),
        type=(tag, ...),
        data=(data, ...),
    )
    _EVENT_OF_ENVELOPE[envelope] = (
        cls,
        {
            name: field.get_default(call_default_factory=True)
            for name, field in cls.model_fields.items()
            if name in ENVELOPE_FIELDS - _IDENTITY
        },
    )
    return envelope
