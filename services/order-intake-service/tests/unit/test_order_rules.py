"""The order rules alone: addresses, resolution, holds, the status lifecycle."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from order_intake.domain.addresses import Address, check_address
from order_intake.domain.errors import IllegalTransition, InvalidOrderInput
from order_intake.domain.orders import Line, Order, Shipment
from order_intake.domain.policies import ClientPolicy, HoldRules, dry_run, immediate
from order_intake.domain.resolution import Mapping, MappingIndex, PrintFile

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
GOOD = Address(first_name="Ada", address1="1 Rue de la Paix", city="Paris", postcode="75002", country_code="FR")
FILES = (PrintFile("default", "https://files.example.com/a.pdf"),)


def _order(*lines: Line, address: Address = GOOD, test: bool = False) -> Order:
    return Order(
        id="o1",
        client_id="c1",
        store_id="s1",
        platform="shopify",
        source="shop",
        currency="EUR",
        total="10.00",
        shipping_address=address,
        lines=list(lines) or [Line("l1", 1, "Summer tee", 2, platform_product_id="p1", platform_variant_id="v1")],
        placed_at=NOW,
        received_at=NOW,
        platform_order_id="1001",
        test=test,
    )


def _index(*mappings: Mapping) -> MappingIndex:
    return MappingIndex(mappings)


POLICY = immediate("c1")
VARIANT = Mapping("m1", "s1", "p1", "v1", "TEE-1", "uid-1", FILES)


@pytest.mark.parametrize(
    ("address", "messages"),
    [
        (GOOD, []),
        (Address(first_name="A", address1="x", city="y", postcode="1"), ["country code missing"]),
        (
            Address(first_name="A", address1="x", city="y", postcode="12345", country_code="XX"),
            ["country code 'XX' is not an ISO country code"],
        ),
        (
            Address(first_name="A", address1="x", city="Austin", postcode="7870", country_code="US"),
            ["state or province missing (required for US)", "postcode '7870' is not a valid US postcode"],
        ),
        (Address(first_name="A", address1="x", city="London", postcode="SW1A 1AA", country_code="GB"), []),
        (
            Address(first_name="A", address1="x", city="London", postcode="12345", country_code="GB"),
            ["postcode '12345' is not a valid GB postcode"],
        ),
        (Address(first_name="A", address1="x", city="Amsterdam", postcode="1012 AB", country_code="NL"), []),
        (Address(first_name="A", address1="x", city="Toronto", state="ON", postcode="M5V 2T6", country_code="CA"), []),
        (Address(first_name="A", address1="x", city="Sydney", state="NSW", postcode="2000", country_code="AU"), []),
        (
            Address(first_name="A", address1="x", city="Bruxelles", postcode="10000", country_code="BE"),
            ["postcode '10000' is not a valid BE postcode"],
        ),
        (
            Address(address1=" ", city="Berlin", postcode="10115", country_code="DE"),
            [
                "recipient name missing",
                "street address missing",
            ],
        ),
        (
            Address(first_name="A", address1="x", city="Dublin", country_code="IE"),
            ["postcode missing (required for IE)"],
        ),
        (Address(first_name="A", address1="x", city="Doha", country_code="QA"), []),
    ],
)
def test_addresses_are_checked_by_country(address, messages):
    assert [p.message for p in check_address(address)] == messages


def test_a_line_matches_by_variant_then_product_then_sku():
    by_product = Mapping("m2", "s1", "p2", None, None, "uid-2", FILES)
    by_sku = Mapping("m3", "s1", "p9", "v9", "MUG-1", "uid-3", FILES)
    other_store = Mapping("m4", "s2", "p3", "v3", None, "uid-4", FILES)
    order = _order(
        Line("l1", 1, "Tee", 1, platform_product_id="p1", platform_variant_id="v1"),
        Line("l2", 2, "Hoodie", 1, platform_product_id="p2", platform_variant_id="v2"),
        Line("l3", 3, "Mug", 1, platform_product_id="p7", platform_variant_id="v7", sku="mug-1"),
        Line("l4", 4, "Cap", 1, platform_product_id="p3", platform_variant_id="v3", variant_title="Red"),
    )
    order.receive(_index(VARIANT, by_product, by_sku, other_store), POLICY, at=NOW, actor="shop")
    assert [line.product_uid for line in order.lines] == ["uid-1", "uid-2", "uid-3", None]
    assert order.status == "on_hold"
    assert [h.message for h in order.holds] == ["variant 'Red' of 'Cap' is not connected to a catalog product"]


def test_a_mapping_without_print_file_holds_the_order():
    order = _order()
    order.receive(_index(Mapping("m1", "s1", "p1", "v1", None, "uid-1", ())), POLICY, at=NOW, actor="shop")
    assert (order.status, order.holds[0].reason) == ("on_hold", "missing_print_files")


def test_a_resolved_order_with_a_bad_address_is_held_naming_the_field():
    order = _order(address=Address(first_name="A", address1="x", city="Paris", postcode="750", country_code="FR"))
    order.receive(_index(VARIANT), POLICY, at=NOW, actor="shop")
    assert order.status == "on_hold"
    assert [(h.reason, h.field) for h in order.holds] == [("invalid_address", "postcode")]
    order.correct_address(GOOD, _index(VARIANT), POLICY, at=NOW, actor="u1")
    assert order.status == "accepted" and order.holds == []
    assert [c.to_status for c in order.changes] == ["received", "on_hold", "accepted"]
    assert [c.sequence for c in order.changes] == [1, 2, 3]


def _accepted(test: bool = False) -> Order:
    order = _order(test=test)
    order.receive(_index(VARIANT), POLICY, at=NOW, actor="shop")
    assert order.status == "accepted"
    return order


def test_status_only_moves_forward_and_illegal_changes_change_nothing():
    order = _accepted()
    order.change_status("in_production", at=NOW, actor="op")
    order.change_status("shipped", at=NOW, actor="op")  # a step may be skipped, forward
    order.change_status("delivered", at=NOW, actor="op")
    before = (order.status, order.sequence, len(order.changes))
    for late in ("shipped", "in_production", "cancelled"):
        with pytest.raises(IllegalTransition):
            order.change_status(late, at=NOW, actor="op")
    assert order.change_status("delivered", at=NOW, actor="op") is False  # repeated: nothing
    assert (order.status, order.sequence, len(order.changes)) == before
    order.change_status("returned", at=NOW, actor="op")
    assert order.status == "returned"


def test_shipments_are_kept_and_never_erased():
    order = _accepted()
    order.change_status("in_production", at=NOW, actor="op")
    order.add_shipment(Shipment("1Z999", "UPS", line_ids=("l1",)), at=NOW, actor="op")
    assert order.status == "shipped"
    assert order.add_shipment(Shipment("1Z999", "UPS"), at=NOW, actor="op") is False
    order.change_status("delivered", at=NOW, actor="op")
    order.add_shipment(Shipment("1Z998", "UPS"), at=NOW, actor="op")  # a late parcel: tracking added, still delivered
    assert order.status == "delivered"
    assert [s.tracking_number for s in order.shipments] == ["1Z999", "1Z998"]


def test_lines_are_cancelled_in_part_then_whole():
    order = _order(
        Line("l1", 1, "Tee", 2, platform_product_id="p1", platform_variant_id="v1"),
        Line("l2", 2, "Tee", 1, platform_product_id="p1", platform_variant_id="v1"),
    )
    order.receive(_index(VARIANT), POLICY, at=NOW, actor="shop")
    order.cancel_line("l1", 1, _index(VARIANT), POLICY, at=NOW, actor="u", why=None)
    assert (order.status, order.lines[0].open_quantity) == ("accepted", 1)
    with pytest.raises(InvalidOrderInput):
        order.cancel_line("l1", 2, _index(VARIANT), POLICY, at=NOW, actor="u", why=None)
    order.cancel_line("l1", None, _index(VARIANT), POLICY, at=NOW, actor="u", why=None)
    order.cancel_line("l2", None, _index(VARIANT), POLICY, at=NOW, actor="u", why=None)
    assert order.status == "cancelled"


def test_cancelling_the_unmapped_line_of_a_held_order_releases_it():
    order = _order(
        Line("l1", 1, "Tee", 1, platform_product_id="p1", platform_variant_id="v1"),
        Line("l2", 2, "Cap", 1, platform_product_id="p5", platform_variant_id="v5"),
    )
    order.receive(_index(VARIANT), POLICY, at=NOW, actor="shop")
    assert order.status == "on_hold"
    order.cancel_line("l2", None, _index(VARIANT), POLICY, at=NOW, actor="u", why="not sold any more")
    assert order.status == "accepted"


def test_a_test_order_never_goes_to_production():
    order = _accepted(test=True)
    for status in ("in_production", "printed", "shipped", "delivered"):
        with pytest.raises(IllegalTransition):
            order.change_status(status, at=NOW, actor="op")
    order.change_status("cancelled", at=NOW, actor="op")


def test_a_shop_cancellation_after_production_started_is_flagged():
    order = _accepted()
    order.change_status("in_production", at=NOW, actor="op")
    order.cancel_in_store("customer", at=NOW)
    assert order.status == "in_production" and order.attention


def test_hold_rules_hold_an_order_that_resolves_and_say_which_rule():
    rules = HoldRules(
        first_order_of_new_store=True, max_total=Decimal("5"), max_quantity=1, countries=frozenset({"FR"})
    )
    order = _order()
    order.first_of_store = True
    order.receive(_index(VARIANT), ClientPolicy("c1", rules=rules), at=NOW, actor="shop")
    assert order.status == "on_hold"
    assert [h.rule for h in order.holds] == ["first_order_of_new_store", "max_total", "max_quantity", "countries"]
    assert order.holds[1].message == "held by rule: order total 10.00 EUR is above 5"
    order.approve(_index(VARIANT), ClientPolicy("c1", rules=rules), at=NOW, actor="op")
    assert order.status == "accepted"


def test_rules_wait_for_the_lines_and_address_and_approval_is_kept_when_resolved_again():
    policy = ClientPolicy("c1", approval="manual")
    order = _order()
    order.receive(_index(), policy, at=NOW, actor="shop")
    assert [h.reason for h in order.holds] == ["unmapped_products"]
    order.resolve(_index(VARIANT), policy, at=NOW, actor="system")
    assert [h.reason for h in order.holds] == ["awaiting_approval"]
    order.approve(_index(VARIANT), policy, at=NOW, actor="op")
    assert order.status == "accepted"


def test_a_delay_window_holds_the_order_until_it_passes():
    policy = ClientPolicy("c1", approval="delay", delay_minutes=30)
    order = _order()
    order.receive(_index(VARIANT), policy, at=NOW, actor="shop")
    assert order.status == "on_hold" and order.release_at == NOW + timedelta(minutes=30)
    assert order.holds[0].message == "goes to production at 2026-11-30 10:30 UTC unless cancelled or corrected before"
    order.resolve(_index(VARIANT), policy, at=NOW + timedelta(minutes=29), actor="system")
    assert order.status == "on_hold"
    order.resolve(_index(VARIANT), policy, at=NOW + timedelta(minutes=30), actor="system")
    assert (order.status, order.release_at) == ("accepted", None)


def test_a_dry_run_names_the_orders_and_rules_and_changes_nothing():
    big, small = _accepted(), _accepted()
    small.lines[0].quantity = 1
    hits = dry_run(HoldRules(max_quantity=1), [big, small])
    assert [(hit.order, [h.rule for h in hit.holds]) for hit in hits] == [(big, ["max_quantity"])]
    assert big.status == "accepted" and big.holds == []
