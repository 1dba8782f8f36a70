"""Holds said by code and values: the English words stay what they were (API readers and
OrderHeld keep them), and the code and values let a console say them in its reader's language."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from order_intake.domain.addresses import Address
from order_intake.domain.orders import Line, Order
from order_intake.domain.policies import ClientPolicy, HoldRules, immediate
from order_intake.domain.resolution import MappingIndex
from order_intake.domain.texts import ENGLISH, say

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def _order(address: Address, *, quantity: int = 1) -> Order:
    return Order(
        id="o1",
        client_id="c1",
        store_id="s1",
        platform="shopify",
        source="shop",
        currency="EUR",
        total="250.00",
        shipping_address=address,
        lines=[Line("l1", 1, "Summer tee", quantity, platform_product_id="p1", variant_title="Blue / XL")],
        placed_at=NOW,
        received_at=NOW,
        platform_order_id="1001",
    )


def test_an_unmapped_line_and_a_bad_postcode_are_held_with_their_code_and_values():
    order = _order(Address(first_name="Ada", address1="x", city="Paris", postcode="7500", country_code="FR"))
    order.receive(MappingIndex([]), immediate("c1"), at=NOW, actor="shop")
    said = [(h.reason, h.message, h.code, h.params) for h in order.holds]
    assert said == [
        (
            "unmapped_products",
            "variant 'Blue / XL' of 'Summer tee' is not connected to a catalog product",
            "line.variant_unmapped",
            {"variant": "Blue / XL", "title": "Summer tee"},
        ),
        (
            "invalid_address",
            "postcode '7500' is not a valid FR postcode",
            "address.postcode_invalid",
            {"postcode": "7500", "country": "FR"},
        ),
    ]
    assert order.lines[0].problem_message == "variant 'Blue / XL' of 'Summer tee' is not connected to a catalog product"


def test_rule_and_approval_holds_carry_their_values():
    good = Address(first_name="Ada", address1="x", city="Paris", postcode="75002", country_code="FR")
    rules = HoldRules(max_total=Decimal("100"), max_quantity=1, countries=frozenset({"FR"}))
    held = _order(good, quantity=3)
    held.lines[0].given, held.lines[0].product_uid = True, "uid-1"
    held.receive(MappingIndex([]), ClientPolicy("c1", "immediate", 0, rules), at=NOW, actor="shop")
    assert [(h.code, h.params) for h in held.holds] == [
        ("rule.max_total", {"total": "250.00", "currency": "EUR", "limit": "100"}),
        ("rule.max_quantity", {"quantity": "3", "limit": "1"}),
        ("rule.countries", {"country": "FR"}),
    ]
    assert held.holds[1].message == "held by rule: 3 items is above 1"

    waiting = _order(good)
    waiting.lines[0].given, waiting.lines[0].product_uid = True, "uid-1"
    waiting.receive(MappingIndex([]), ClientPolicy("c1", "delay", 30), at=NOW, actor="shop")
    [hold] = waiting.holds
    release = NOW + timedelta(minutes=30)
    assert (hold.code, hold.params["at"]) == ("approval.delay", release.isoformat())
    assert hold.message == "goes to production at 2026-11-30 10:30 UTC unless cancelled or corrected before"


def test_every_code_has_a_sentence_and_an_unknown_one_is_refused():
    assert all(
        say(
            code,
            **{
                name: "x"
                for name in (
                    "country",
                    "postcode",
                    "variant",
                    "title",
                    "total",
                    "currency",
                    "limit",
                    "quantity",
                    "when",
                )
            },
        ).english
        for code in ENGLISH
    )
    with pytest.raises(KeyError):
        say("rule.unheard_of")
