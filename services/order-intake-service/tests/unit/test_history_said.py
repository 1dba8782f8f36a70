"""An order's history said so that every reader understands it: each entry keeps its English
reason (API readers, OrderStatusChanged, old rows) and the code and values it was said from, for a
console in the reader's language; who made it by name; a parcel's shipped time; no made-up total
for an order without prices; and a country code that cannot be one refused in words of ours."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from order_intake.domain.addresses import Address
from order_intake.domain.errors import InvalidOrderInput
from order_intake.domain.manual import DraftLine, OrderDraft, check_draft, order_of_draft
from order_intake.domain.orders import Line, Order, Shipment
from order_intake.domain.policies import ClientPolicy, HoldRules, immediate
from order_intake.domain.resolution import Mapping, MappingIndex, PrintFile
from order_intake.domain.texts import HISTORY, say

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
GOOD = Address(first_name="Ada", address1="1 Rue de la Paix", city="Paris", postcode="75002", country_code="FR")
MAPPED = MappingIndex(
    [Mapping("m1", "s1", "p1", "v1", None, "uid-1", (PrintFile("default", "https://f.example/a.pdf"),))]
)


def _order(address: Address = GOOD, quantity: int = 1) -> Order:
    return Order(
        id="o1",
        client_id="c1",
        store_id="s1",
        platform="shopify",
        source="shop",
        currency="EUR",
        total="10.00",
        shipping_address=address,
        lines=[Line("l1", 1, "Summer tee", quantity, platform_product_id="p1", platform_variant_id="v1")],
        placed_at=NOW,
        received_at=NOW,
        platform_order_id="1001",
    )


def test_each_entry_keeps_its_english_reason_and_the_code_and_values_it_was_said_from():
    order = _order()
    order.receive(MAPPED, immediate("c1"), at=NOW, actor="shop")
    order.change_status("in_production", at=NOW, actor="u1", actor_name="Olive Oyl")
    order.add_shipment(Shipment("1Z999", "UPS"), at=NOW, actor="u1", actor_name="Olive Oyl")
    said = [(c.reason, c.code, c.params) for c in order.changes]
    assert said == [
        ("order received", "history.received", {}),
        ("every line resolved", "history.resolved", {}),
        (None, None, {}),  # a status set with no reason given
        ("parcel 1Z999", "history.parcel", {"tracking_number": "1Z999"}),
    ]
    assert all(c.reason is None or say(c.code, **c.params).english == c.reason for c in order.changes if c.code)


def test_a_held_entry_lists_its_holds_each_with_its_own_code():
    rules = ClientPolicy("c1", rules=HoldRules(max_quantity=2))
    order = _order(replace(GOOD, postcode="7500"), quantity=3)
    order.receive(MAPPED, rules, at=NOW, actor="shop")
    held = order.changes[-1]
    assert (held.to_status, held.code) == ("on_hold", "history.held")
    assert held.reason == "postcode '7500' is not a valid FR postcode"  # as before codes: the holds' words
    assert [(h.code, h.params) for h in held.holds] == [
        ("address.postcode_invalid", {"postcode": "7500", "country": "FR"})
    ]
    order.correct_address(GOOD, MAPPED, rules, at=NOW, actor="u1", actor_name="Ada Lovelace")
    corrected = order.changes[-1]  # still held, by the rule now
    assert (corrected.to_status, corrected.code, corrected.actor_name) == (
        "on_hold",
        "history.address_corrected",
        "Ada Lovelace",
    )
    order.approve(MAPPED, rules, at=NOW, actor="u1", actor_name="Ada Lovelace")
    assert (order.changes[-1].to_status, order.changes[-1].reason, order.changes[-1].code) == (
        "accepted",
        "approved",
        "history.approved",
    )


def test_an_approval_that_still_waits_lists_what_it_waits_for():
    order = _order(replace(GOOD, postcode="7500"))
    order.receive(MAPPED, immediate("c1"), at=NOW, actor="shop")
    order.approve(MAPPED, immediate("c1"), at=NOW, actor="u1")
    last = order.changes[-1]
    assert last.reason == "approved; still waiting: postcode '7500' is not a valid FR postcode"
    assert (last.code, [h.code for h in last.holds]) == ("history.approved_waiting", ["address.postcode_invalid"])


def test_who_made_a_change_is_kept_by_name_next_to_the_id():
    order = _order()
    order.receive(MAPPED, immediate("c1"), at=NOW, actor="shop")
    order.cancel_line("l1", None, MAPPED, immediate("c1"), at=NOW, actor="u1", actor_name="Ada Lovelace", why=None)
    last = order.changes[-1]
    assert (last.actor, last.actor_name, last.reason, last.code) == (
        "u1",
        "Ada Lovelace",
        "every line cancelled",
        "history.every_line_cancelled",
    )
    assert order.changes[0].actor_name is None  # the shop has no name to keep


def test_a_cancellation_after_production_started_is_flagged_with_its_status_as_a_value():
    order = _order()
    order.receive(MAPPED, immediate("c1"), at=NOW, actor="shop")
    order.change_status("printed", at=NOW, actor="u1")
    order.cancel_in_store("customer changed their mind", at=NOW)
    last = order.changes[-1]
    assert order.attention == "cancelled in the shop: customer changed their mind after production started (printed)"
    assert (last.reason, last.code, last.params) == (
        order.attention,
        "history.cancelled_late_because",
        {"reason": "customer changed their mind", "status": "printed"},
    )


def test_a_parcel_is_shipped_when_it_is_recorded_unless_it_says_when():
    order = _order()
    order.receive(MAPPED, immediate("c1"), at=NOW, actor="shop")
    order.change_status("in_production", at=NOW, actor="u1")
    later = NOW + timedelta(hours=2)
    order.add_shipment(Shipment("1Z999", "UPS"), at=later, actor="u1")
    order.add_shipment(Shipment("1Z998", "UPS", shipped_at=NOW + timedelta(hours=1)), at=later, actor="u1")
    assert [s.shipped_at for s in order.shipments] == [later, NOW + timedelta(hours=1)]
    assert order.changes[-2].shipment is not None and order.changes[-2].shipment.shipped_at == later


def test_an_order_placed_without_prices_has_no_total_and_no_total_rule_holds_it():
    draft = OrderDraft(
        "PO-1", GOOD, (DraftLine(2, product_uid="uid-1", design_file_urls=("https://f.example/a.pdf",)),)
    )
    order = order_of_draft(
        draft, order_id="o1", line_ids=["l1"], client_id="c1", store_id="s1", source="manual", test=False, now=NOW
    )
    assert order.total is None
    order.receive(MAPPED, ClientPolicy("c1", rules=HoldRules(max_total=1)), at=NOW, actor="u1")
    assert order.status == "accepted"


@pytest.mark.parametrize("country", ["USA", "France", "F", "1A", "É1"])
def test_a_country_code_that_cannot_be_one_is_refused_in_words_of_ours(country):
    draft = OrderDraft("PO-1", replace(GOOD, country_code=country), (DraftLine(1, sku="TEE-1"),))
    with pytest.raises(InvalidOrderInput) as refused:
        check_draft(draft)
    assert refused.value.extensions == {
        "field": "shipping_address.country_code",
        "code": "address.country_unknown",
        "params": {"country": country},
    }
    assert refused.value.detail == f"Country code '{country}' is not an ISO country code."


def test_two_letters_that_are_no_iso_code_hold_the_order_as_from_any_source():
    draft = OrderDraft("PO-1", replace(GOOD, country_code="XX"), (DraftLine(1, sku="TEE-1"),))
    check_draft(draft)  # not refused: the order is held, the field named


def test_every_history_sentence_is_said_from_its_values():
    for code, sentence in HISTORY.items():
        names = [part.split("}")[0] for part in sentence.split("{")[1:]]
        assert say(code, **dict.fromkeys(names, "x")).english == sentence.format(**dict.fromkeys(names, "x"))
