"""Tracking back to the shop, the rules: which parcels are pushed, the backoff, when a push gives
up; the notes WooCommerce is given and read back; what a Shopify fulfillment asks for."""

from datetime import UTC, datetime, timedelta

from connector.adapters.shopify.fulfillments import line_items_to_fulfil, tracking_of
from connector.adapters.woocommerce_tracking import numbers_noted, shipping_note
from connector.domain import tracking as rules
from connector.domain.tracking import Parcel
from connector.ports import Fulfillment

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def _push(platform: str = "shopify", platform_order_id: str | None = "5001"):
    return rules.new_push(
        order_id="ord-1",
        store_id="st-1",
        client_id="cl-1",
        platform=platform,
        platform_order_id=platform_order_id,
        parcel=Parcel("1Z999", "UPS", "https://ups.example/1Z999", ("ln-1",)),
        now=NOW,
    )


def test_a_parcel_of_a_shop_order_is_due_at_once_and_one_without_a_shop_is_not_applicable():
    assert (_push().state, _push().next_attempt_at) == ("pending", NOW)
    for platform, order_id in (("manual", None), ("pressero", "P-1"), ("shopify", None)):
        push = _push(platform, order_id)
        assert (push.state, push.next_attempt_at) == ("not_applicable", None)


def test_an_unavailable_shop_is_tried_again_later_and_longer_each_time_then_the_push_fails():
    push = _push()
    waits = []
    for _ in range(rules.MAX_ATTEMPTS - 1):
        push = rules.claimed(push, now=NOW, lease_seconds=300)
        push = rules.unavailable(push, key="platform_unavailable", values={"reason": "HTTP 503"}, now=NOW)
        assert push.state == "pending" and push.last_error == "platform_unavailable"
        waits.append(push.next_attempt_at - NOW)
    assert waits[:3] == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert max(waits) <= timedelta(hours=1)
    push = rules.unavailable(
        rules.claimed(push, now=NOW, lease_seconds=300), key="platform_unavailable", values={}, now=NOW
    )
    assert (push.state, push.next_attempt_at, push.attempts) == ("failed", None, rules.MAX_ATTEMPTS)


def test_a_claimed_push_is_not_due_again_before_its_lease_ends():
    push = rules.claimed(_push(), now=NOW, lease_seconds=300)
    assert push.attempts == 1 and push.next_attempt_at == NOW + timedelta(seconds=300)


def test_read_back_confirms_or_flags_a_mismatch():
    push = rules.claimed(_push(), now=NOW, lease_seconds=300)
    confirmed = rules.pushed(push, now=NOW, shown=True)
    assert (confirmed.state, confirmed.confirmed_at, confirmed.last_error) == ("confirmed", NOW, None)
    mismatch = rules.pushed(push, now=NOW, shown=False)
    assert (mismatch.state, mismatch.confirmed_at, mismatch.last_error) == ("mismatch", None, "tracking_mismatch")
    assert mismatch.pushed_at == NOW


def test_the_woocommerce_note_carries_the_tracking_and_is_read_back_from_notes_to_the_buyer_only():
    note = shipping_note(Fulfillment("77", carrier="DHL", tracking_number="JD0146", tracking_url="https://d.example/x"))
    assert note == "Shipped with DHL. Tracking number: JD0146 (https://d.example/x)"
    assert shipping_note(Fulfillment("77", tracking_number="JD0147")) == "Shipped. Tracking number: JD0147"
    notes = [
        {"note": note, "customer_note": True},
        {"note": "Shipped. Tracking number: JD0147", "customer_note": True},
        {"note": "Tracking number: PRIVATE1", "customer_note": False},
        {"note": "Order status changed from Processing to Completed.", "customer_note": False},
    ]
    assert numbers_noted(notes) == ["JD0146", "JD0147"]


def test_a_shopify_fulfillment_takes_what_remains_of_the_parcels_lines_on_open_fulfillment_orders():
    order = {
        "fulfillments": [{"trackingInfo": [{"company": "UPS", "number": "1Z1", "url": None}]}],
        "fulfillmentOrders": {
            "nodes": [
                {
                    "id": "gid://shopify/FulfillmentOrder/1",
                    "status": "IN_PROGRESS",
                    "lineItems": {
                        "nodes": [
                            {"id": "FOL-1", "remainingQuantity": 0, "lineItem": {"id": "gid://shopify/LineItem/11"}},
                            {"id": "FOL-2", "remainingQuantity": 2, "lineItem": {"id": "gid://shopify/LineItem/12"}},
                            {"id": "FOL-3", "remainingQuantity": 1, "lineItem": {"id": "gid://shopify/LineItem/13"}},
                        ]
                    },
                },
                {
                    "id": "gid://shopify/FulfillmentOrder/2",
                    "status": "CLOSED",
                    "lineItems": {"nodes": [{"id": "FOL-9", "remainingQuantity": 1, "lineItem": {"id": "x"}}]},
                },
            ]
        },
    }
    assert [t.tracking_number for t in tracking_of(order)] == ["1Z1"]
    assert line_items_to_fulfil(order, ["12"]) == [
        {
            "fulfillmentOrderId": "gid://shopify/FulfillmentOrder/1",
            "fulfillmentOrderLineItems": [{"id": "FOL-2", "quantity": 2}],
        }
    ]
    assert line_items_to_fulfil(order, []) == [
        {
            "fulfillmentOrderId": "gid://shopify/FulfillmentOrder/1",
            "fulfillmentOrderLineItems": [{"id": "FOL-2", "quantity": 2}, {"id": "FOL-3", "quantity": 1}],
        }
    ]
    assert line_items_to_fulfil(order, ["11"]) == []  # fulfilled already: nothing left
