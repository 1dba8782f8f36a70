"""WooCommerce rules: the shop address, the webhook signature, what an order's status means."""

import json

import pytest
from platform_simulators.woocommerce import WooShop, sign

from connector.adapters.woocommerce_translation import order_received
from connector.domain import woocommerce as rules
from connector.domain.platform_errors import InvalidShopOrder, InvalidShopUrl
from connector.ports import ShopConnection


def test_shop_address_is_cleaned_and_plain_http_refused_where_https_is_required() -> None:
    assert rules.clean_shop_url(" Shop.Example.com/ ", require_https=True) == "https://shop.example.com"
    assert (
        rules.clean_shop_url("https://example.com/shop/wp-json/wc/v3", require_https=True) == "https://example.com/shop"
    )
    with pytest.raises(InvalidShopUrl) as refused:
        rules.clean_shop_url("http://shop.example.com", require_https=True)
    assert refused.value.key == "woo_url_https_required" and refused.value.extensions["field"] == "shop_url"
    assert rules.clean_shop_url("http://127.0.0.1:9000", require_https=False) == "http://127.0.0.1:9000"
    for bad in ("", "ftp://shop.example.com", "https://user:pw@shop.example.com"):
        with pytest.raises(InvalidShopUrl):
            rules.clean_shop_url(bad, require_https=True)


def test_signature_is_base64_hmac_of_the_raw_body_with_any_held_secret() -> None:
    body = b'{"id":1}'
    assert rules.signed(["new", "old"], body, sign("old", body))
    assert not rules.signed(["new"], body, sign("old", body))
    assert not rules.signed(["new"], body + b" ", sign("new", body))
    assert not rules.signed(["new"], body, None)


def test_creation_ping_is_recognised_only_without_a_topic() -> None:
    assert rules.is_ping(b"webhook_id=12", None)
    assert not rules.is_ping(b"webhook_id=12", "order.created")
    assert not rules.is_ping(b'{"id": 12}', None)


@pytest.mark.parametrize(
    ("topic", "status", "meaning"),
    [
        ("order.created", "processing", "received"),
        ("order.created", "pending", "nothing"),
        ("order.updated", "on-hold", "received"),
        ("order.updated", "cancelled", "cancelled"),
        ("order.updated", "refunded", "cancelled"),
        ("order.updated", "failed", "nothing"),
    ],
)
def test_what_an_order_status_means(topic: str, status: str, meaning: str) -> None:
    assert rules.meaning(rules.OrderChange(topic, status)) == meaning


def test_a_woocommerce_order_in_the_canonical_shape() -> None:
    shop = WooShop()
    shop.add_product("Poster", sku="POSTER", price="19.90", options={"Size": ["A3", "A2"]})
    order = json.loads(json.dumps(shop.new_order()))
    connection = ShopConnection("store-1", "client-1", "woocommerce", "https://shop.example")
    received = order_received(connection, order)
    assert received.platform_order_id == str(order["id"]) and received.currency == "EUR"
    assert received.shipping_address.country_code == "FR" and received.customer_email == "buyer@example.com"
    line = received.lines[0]
    assert line.sku == "POSTER-A3" and line.quantity == 2 and str(line.unit_price) == "19.9"
    assert line.platform_variant_id == str(order["line_items"][0]["variation_id"])
    assert line.attributes[0].name == "Size" and line.attributes[0].value == "A3"
    order["shipping"] = order["billing"] = {}
    with pytest.raises(InvalidShopOrder):
        order_received(connection, order)


def test_a_refused_key_pair_points_at_the_half_woocommerce_names() -> None:
    assert rules.refused_key_field("Consumer secret is invalid.") == "consumer_secret"
    assert rules.refused_key_field("Consumer key is invalid.") == "consumer_key"
    assert rules.refused_key_field("HTTP 401") == "consumer_key"
