"""Pressero rules: the integration ID, the MessageHash, the line attributes a store names."""

import json

import pytest
from platform_simulators.pressero import PresseroSite, message_hash

from connector.adapters.platforms.pressero import Pressero
from connector.adapters.pressero_translation import order_received
from connector.domain import pressero as rules
from connector.domain.errors import WebhookRefused
from connector.domain.platform_errors import ClientUnknown
from connector.ports import ShopConnection


def test_a_client_without_reference_id_cannot_have_a_pressero_store() -> None:
    assert rules.integration_id_of(client_name="Acme", reference_id=" ACME-1 ") == "ACME-1"
    with pytest.raises(ClientUnknown) as refused:
        rules.integration_id_of(client_name="Acme", reference_id=None)
    assert refused.value.key == "pressero_reference_missing" and "Acme" in refused.value.detail


def test_message_hash_is_checked_in_hex_or_base64_and_refuses_any_change() -> None:
    body = b'{"Order": {}}'
    assert rules.signed("key", body, message_hash("key", body))
    assert rules.signed("key", body, message_hash("key", body).upper())
    assert rules.signed("key", body, message_hash("key", body, encoding="base64"))
    assert not rules.signed("key", body + b" ", message_hash("key", body))
    assert not rules.signed("other", body, message_hash("key", body))
    assert not rules.signed("key", body, message_hash("key", body, order="body+key"))
    assert not rules.signed("", body, message_hash("", body))


def test_only_the_attributes_the_store_names_become_line_attributes() -> None:
    order = json.loads(json.dumps(PresseroSite().new_order(integration_id="ACME-1")))
    connection = ShopConnection("store-1", "client-1", "pressero", None)
    received = order_received(connection, order, line_attributes=rules.clean_attribute_names([" paper ", "PAPER"]))
    names = [a.name for a in received.lines[0].attributes]
    assert names.count("Paper") == 1 and "Finish" not in names and "integration_id" in names
    assert received.platform_order_id == order["Order"]["OrderId"] and received.currency == "EUR"


def test_an_order_naming_another_integration_is_refused() -> None:
    adapter = Pressero()
    credentials = {"security_key": "k" * 20, "integration_id": "ACME-1", "line_attributes": "[]"}
    connection = ShopConnection("store-1", "client-1", "pressero", None, credentials)
    receipt = adapter.read_webhook({})
    body = json.dumps(PresseroSite().new_order(integration_id="acme-1")).encode()
    assert len(adapter.webhook_outcome(connection, receipt, body).events) == 1
    with pytest.raises(WebhookRefused):
        adapter.webhook_outcome(
            connection, receipt, json.dumps(PresseroSite().new_order(integration_id="BETA")).encode()
        )
