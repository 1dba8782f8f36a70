"""The Shopify adapter's pure parts: signatures, the order payload, the throttle, a bulk result."""

from decimal import Decimal

import pytest
from platform_simulators.shopify import sign_query, sign_webhook

from connector.adapters.shopify import bulk, orders, signing
from connector.adapters.shopify.graphql import Throttle
from connector.domain.errors import WebhookUnreadable
from connector.ports import ShopConnection

CONNECTION = ShopConnection(store_id="s1", client_id="c1", platform="shopify", shop_url="acme.myshopify.com")
SECRET = "hush"


def test_a_webhook_signature_is_the_base64_hmac_of_the_raw_body_under_the_current_or_previous_secret():
    body = b'{"id":1}'
    assert signing.webhook_signed(body, sign_webhook(body, SECRET), [SECRET])
    assert signing.webhook_signed(body, sign_webhook(body, "old"), [SECRET, "old"])
    assert not signing.webhook_signed(body + b" ", sign_webhook(body, SECRET), [SECRET])
    assert not signing.webhook_signed(body, None, [SECRET])
    assert not signing.webhook_signed(body, "", [SECRET])


def test_the_callback_query_signature_leaves_out_hmac_and_sorts_the_rest():
    params = {"shop": "acme.myshopify.com", "code": "abc", "state": "x&y=z", "timestamp": "1"}
    signed = [*params.items(), ("hmac", sign_query(params, SECRET))]
    assert signing.query_signed(signed, [SECRET])
    assert not signing.query_signed([*params.items(), ("hmac", sign_query(params, "other"))], [SECRET])
    assert not signing.query_signed(list(params.items()), [SECRET])
    tampered = [(k, "evil.myshopify.com" if k == "shop" else v) for k, v in signed]
    assert not signing.query_signed(tampered, [SECRET])


def _order(**changes):
    order = {
        "id": 820982911946154508,
        "name": "#1001",
        "email": "buyer@example.com",
        "created_at": "2026-11-30T10:00:00-05:00",
        "currency": "USD",
        "total_price": "25.90",
        "total_tax": "2.00",
        "total_shipping_price_set": {"shop_money": {"amount": "5.90", "currency_code": "USD"}},
        "test": False,
        "shipping_address": {
            "first_name": "Bob",
            "last_name": "Norman",
            "address1": "Chestnut Street 92",
            "city": "Louisville",
            "province_code": "KY",
            "zip": "40202",
            "country_code": "US",
        },
        "shipping_lines": [{"title": "Express"}],
        "line_items": [
            {
                "id": 466157049,
                "product_id": 632910392,
                "variant_id": 39072856,
                "sku": "IPOD2008GREEN",
                "title": "IPod Nano - 8gb",
                "variant_title": "green",
                "quantity": 2,
                "price": "10.00",
                "properties": [{"name": "Engraving", "value": "Hello"}],
            },
            {"id": 2, "product_id": None, "variant_id": None, "title": "Custom item", "quantity": 1, "price": "0"},
        ],
    }
    return order | changes


def test_an_order_becomes_the_canonical_order_received():
    received = orders.order_received(CONNECTION, _order())
    assert (received.platform_order_id, received.order_number, received.currency) == (
        "820982911946154508",
        "#1001",
        "USD",
    )
    assert received.placed_at.isoformat() == "2026-11-30T15:00:00+00:00"
    assert (received.total, received.shipping_total, received.tax_total) == (
        Decimal("25.90"),
        Decimal("5.90"),
        Decimal("2.00"),
    )
    assert (received.shipping_address.state, received.shipping_address.postcode) == ("KY", "40202")
    assert received.shipping_method == "Express"
    first, custom = received.lines
    assert (first.platform_variant_id, first.sku, first.variant_title, first.quantity) == (
        "39072856",
        "IPOD2008GREEN",
        "green",
        2,
    )
    assert (custom.platform_product_id, custom.sku) == (None, None)


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"shipping_address": None}, "webhook_no_shipping_address"),
        ({"line_items": []}, "webhook_payload_invalid"),
        ({"currency": "dollars"}, "webhook_payload_invalid"),
        ({"total_price": "lots"}, "webhook_field_invalid"),
        ({"created_at": None, "processed_at": None}, "webhook_payload_invalid"),
    ],
)
def test_an_order_we_cannot_take_says_why(changes, key):
    with pytest.raises(WebhookUnreadable) as unreadable:
        orders.order_received(CONNECTION, _order(**changes))
    assert unreadable.value.key == key


def test_the_throttle_waits_for_the_points_a_query_needs():
    throttle = Throttle()
    assert throttle.wait_for(500) == 0  # nothing known yet
    throttle.observe(
        {"cost": {"throttleStatus": {"maximumAvailable": 1000, "currentlyAvailable": 100, "restoreRate": 50}}}
    )
    assert throttle.wait_for(50) == 0
    assert throttle.wait_for(600) == pytest.approx(10.0)


def test_a_bulk_result_puts_each_variant_under_its_product_whatever_the_order_of_the_lines():
    product = {"id": "gid://shopify/Product/1", "legacyResourceId": "1", "title": "Mug", "status": "ACTIVE"}
    lonely = {"id": "gid://shopify/Product/2", "legacyResourceId": "2", "title": "Draft", "status": "DRAFT"}

    def variant(n: int, parent: str) -> dict:
        return {
            "id": f"gid://shopify/ProductVariant/{n}",
            "legacyResourceId": str(n),
            "sku": f"MUG-{n}",
            "title": "11 oz",
            "price": "9.50",
            "selectedOptions": [{"name": "Size", "value": "11 oz"}],
            "__parentId": parent,
        }

    lines = [variant(11, product["id"]), lonely, variant(12, product["id"]), product]  # a child before its parent
    mug, draft = sorted(bulk.catalog(lines), key=lambda p: p.platform_product_id)
    assert (mug.title, [v.platform_variant_id for v in mug.variants]) == ("Mug", ["11", "12"])
    assert (mug.variants[0].sku, mug.variants[0].options, mug.variants[0].price) == (
        "MUG-11",
        {"Size": "11 oz"},
        Decimal("9.50"),
    )
    assert (draft.status, draft.variants) == ("draft", [])
