"""The topic registry: every event on exactly one topic, keys keep each aggregate in order."""

from collections import Counter

import pytest

from storefront_events import (
    ACCESS_V1,
    ALL_TOPICS,
    CLIENTS_V1,
    EVENT_TYPES,
    NOTIFICATIONS_V1,
    ORDERS_V1,
    SHOP_ORDERS_V1,
    ClientCreated,
    EmailSent,
    Event,
    OrderAccepted,
    OrderReceived,
    SessionEnded,
    topic_of,
)
from storefront_events.samples import SAMPLES


def test_every_event_class_is_on_exactly_one_topic():
    placements = Counter(cls for topic in ALL_TOPICS for cls in topic.events)
    assert set(placements) == set(EVENT_TYPES.values())
    assert set(placements.values()) == {1}


def test_topic_names_keys_and_partitions_follow_the_architecture():
    expected = {
        "clients.v1": ("client_id",),
        "access.v1": ("client_id",),
        "stores.v1": ("store_id",),
        "shop-orders.v1": ("store_id", "platform_order_id"),
        "mappings.v1": ("store_id",),
        "orders.v1": ("order_id",),
        "notifications.v1": ("client_id",),
    }
    assert {topic.name: topic.key_fields for topic in ALL_TOPICS} == expected
    partitions = {"shop-orders.v1": 12, "orders.v1": 12}  # the order path is consumed the most concurrently
    assert {topic.name: topic.partitions for topic in ALL_TOPICS} == {
        topic.name: partitions.get(topic.name, 6) for topic in ALL_TOPICS
    }


@pytest.mark.parametrize("event", list(SAMPLES.values()), ids=lambda event: event.ce_type())
def test_every_event_has_a_key_on_its_topic(event):
    topic = topic_of(event)
    assert topic is topic_of(type(event))
    key = topic.key_for(event)
    assert key == ":".join(str(getattr(event, field)) for field in topic.key_fields)
    assert all(field in type(event).model_fields for field in topic.key_fields)


def test_shop_order_key_combines_store_and_platform_order():
    event = SAMPLES[OrderReceived]
    assert SHOP_ORDERS_V1.key_for(event) == f"{event.store_id}:{event.platform_order_id}"


def test_order_events_are_keyed_by_order_id():
    assert ORDERS_V1.key_for(SAMPLES[OrderAccepted]) == SAMPLES[OrderAccepted].order_id


def test_email_without_client_is_keyed_by_recipient():
    email = SAMPLES[EmailSent].model_copy(update={"client_id": None})
    assert NOTIFICATIONS_V1.key_for(email) == email.to
    assert NOTIFICATIONS_V1.key_for(SAMPLES[EmailSent]) == SAMPLES[EmailSent].client_id


def test_an_operators_ended_session_is_keyed_by_the_user():
    ended = SAMPLES[SessionEnded].model_copy(update={"client_id": None})
    assert ACCESS_V1.key_for(ended) == ended.user_id
    assert ACCESS_V1.key_for(SAMPLES[SessionEnded]) == SAMPLES[SessionEnded].client_id


def test_key_for_an_event_of_another_topic_raises():
    with pytest.raises(ValueError, match=r"not published on clients\.v1"):
        CLIENTS_V1.key_for(SAMPLES[OrderAccepted])


def test_missing_key_value_without_fallback_raises():
    manual = SAMPLES[OrderReceived].model_copy(update={"platform_order_id": None})
    with pytest.raises(ValueError, match="platform_order_id"):
        SHOP_ORDERS_V1.key_for(manual)


def test_dead_letter_topic_is_per_consumer_group():
    assert ORDERS_V1.dead_letter("notifier-service") == "orders.v1.dlq.notifier-service"


def test_topic_of_unknown_class_raises():
    class Stray(Event):
        pass

    with pytest.raises(KeyError):
        topic_of(Stray)
    assert topic_of(ClientCreated) is CLIENTS_V1
