"""The orders API on the real stack: who sees which orders, who may act, status changes
refused with 409 and nothing changed, shipments and history."""

from pathlib import Path

import pytest

from order_intake.handlers.intake import order_id_for
from service_runtime.testing.helpers import eventually, load_module

samples = load_module("order_intake_test_samples", Path(__file__).parents[1] / "samples.py")

ACME, GLOBEX = "client-acme", "client-globex"
ACME_US, ACME_EU, GLOBEX_SHOP = "store-acme-us", "store-acme-eu", "store-globex"


@pytest.fixture
async def orders(api, publish, operator):
    """One accepted order in each of three stores of two clients: {store: order id}."""
    placed = {}
    for client, store in ((ACME, ACME_US), (ACME, ACME_EU), (GLOBEX, GLOBEX_SHOP)):
        shop_line = samples.line(1)
        await publish(samples.store(store, client), samples.mapped(store, client, shop_line))
        received = samples.order(store, client, lines=[shop_line])
        await publish(received)
        placed[store] = order_id_for(store, f"platform:{received.platform_order_id}")

    async def all_in():
        items = (await api.get("/orders", headers=operator)).json()["items"]
        assert [o["status"] for o in items] == ["accepted"] * 3, items
        return True

    await eventually(all_in)
    return placed


async def _ids(api, headers, **params):
    response = await api.get("/orders", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return {o["id"] for o in response.json()["items"]}


async def test_a_client_never_sees_another_clients_order(api, orders, token_mint):
    for role in ("admin", "read_only", "order_manager"):
        acme = token_mint.headers(role, client_id=ACME)
        assert await _ids(api, acme) == {orders[ACME_US], orders[ACME_EU]}
        assert await _ids(api, acme, client_id=GLOBEX) == set()  # asking for another client gives nothing
        response = await api.get(f"/orders/{orders[GLOBEX_SHOP]}", headers=acme)
        assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"
        cancel = await api.post(f"/orders/{orders[GLOBEX_SHOP]}/status", json={"status": "cancelled"}, headers=acme)
        assert cancel.status_code == (403 if role == "read_only" else 404)  # read-only acts on nothing


async def test_a_store_manager_sees_only_their_stores_orders(api, orders, token_mint):
    manager = token_mint.headers("store_manager", client_id=ACME, store_ids=(ACME_EU,))
    assert await _ids(api, manager) == {orders[ACME_EU]}
    assert await _ids(api, manager, store_id=ACME_US) == set()
    assert (await api.get(f"/orders/{orders[ACME_US]}", headers=manager)).status_code == 404
    assert (await api.get(f"/orders/{orders[ACME_EU]}", headers=manager)).status_code == 200


async def test_read_only_users_see_but_only_order_managers_and_admins_cancel(api, orders, token_mint):
    for role in ("read_only", "store_manager"):
        headers = token_mint.headers(role, client_id=ACME, store_ids=(ACME_US,))
        refused = await api.post(f"/orders/{orders[ACME_US]}/status", json={"status": "cancelled"}, headers=headers)
        assert refused.status_code == 403
    order_manager = token_mint.headers("order_manager", client_id=ACME)
    refused = await api.post(
        f"/orders/{orders[ACME_US]}/status", json={"status": "in_production"}, headers=order_manager
    )
    assert refused.status_code == 403  # production status is the operator's
    done = await api.post(f"/orders/{orders[ACME_US]}/status", json={"status": "cancelled"}, headers=order_manager)
    assert done.status_code == 200 and done.json()["status"] == "cancelled"


async def test_the_operator_filters_searches_and_pages(api, orders, operator):
    assert await _ids(api, operator, client_id=GLOBEX) == {orders[GLOBEX_SHOP]}
    assert await _ids(api, operator, store_id=ACME_EU) == {orders[ACME_EU]}
    assert await _ids(api, operator, status="on_hold") == set()
    detail = (await api.get(f"/orders/{orders[ACME_US]}", headers=operator)).json()
    assert await _ids(api, operator, search=detail["order_number"]) == {orders[ACME_US]}
    first = (await api.get("/orders", headers=operator, params={"limit": 2})).json()
    second = (await api.get("/orders", headers=operator, params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert second["next_cursor"] is None
    assert {o["id"] for o in first["items"] + second["items"]} == set(orders.values())
    bad = await api.get("/orders", headers=operator, params={"cursor": "not-a-cursor"})
    assert bad.status_code == 400


async def test_illegal_transitions_are_refused_with_409_and_change_nothing(api, orders, operator):
    order_id = orders[ACME_US]
    before = (await api.get(f"/orders/{order_id}", headers=operator)).json()
    refused = await api.post(f"/orders/{order_id}/status", json={"status": "returned"}, headers=operator)
    assert refused.status_code == 409 and refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["current_status"] == "accepted"
    assert (await api.get(f"/orders/{order_id}", headers=operator)).json() == before

    for status in ("in_production", "printed", "packaged"):
        assert (
            await api.post(f"/orders/{order_id}/status", json={"status": status}, headers=operator)
        ).status_code == 200
    shipped = await api.post(
        f"/orders/{order_id}/shipments",
        json={"carrier": "UPS", "tracking_number": "1Z999AA10123456784"},
        headers=operator,
    )
    assert shipped.status_code == 200 and shipped.json()["status"] == "shipped"
    delivered = await api.post(f"/orders/{order_id}/status", json={"status": "delivered"}, headers=operator)
    assert delivered.status_code == 200
    before = delivered.json()
    late = await api.post(f"/orders/{order_id}/status", json={"status": "shipped"}, headers=operator)
    assert late.status_code == 409
    again = await api.post(f"/orders/{order_id}/status", json={"status": "delivered"}, headers=operator)
    assert again.status_code == 200 and again.json() == before  # repeated: nothing changes
    after = (await api.get(f"/orders/{order_id}", headers=operator)).json()
    assert after == before and after["shipments"][0]["tracking_number"] == "1Z999AA10123456784"
    assert [(h["from_status"], h["to_status"]) for h in after["history"]][-5:] == [
        ("accepted", "in_production"),
        ("in_production", "printed"),
        ("printed", "packaged"),
        ("packaged", "shipped"),
        ("shipped", "delivered"),
    ]
    assert [h["sequence"] for h in after["history"]] == list(range(1, len(after["history"]) + 1))
    assert len({h["actor"] for h in after["history"][-5:]}) == 1  # the operator's subject, on each change


async def test_a_held_order_is_released_when_its_address_is_corrected(api, publish, token_mint):
    shop_line = samples.line(1)
    await publish(samples.store(ACME_US, ACME), samples.mapped(ACME_US, ACME, shop_line))
    bad = samples.ADDRESS.model_copy(update={"postcode": "ABCDE"})
    received = samples.order(ACME_US, ACME, lines=[shop_line], shipping_address=bad)
    await publish(received)
    order_id = order_id_for(ACME_US, f"platform:{received.platform_order_id}")
    admin = token_mint.headers("admin", client_id=ACME)

    async def held():
        response = await api.get(f"/orders/{order_id}", headers=admin)
        return response.status_code == 200 and response.json()["status"] == "on_hold" and response.json()

    body = await eventually(held)
    assert [(h["field"], h["message"]) for h in body["holds"]] == [
        ("postcode", "postcode 'ABCDE' is not a valid US postcode")
    ]
    reader = token_mint.headers("read_only", client_id=ACME)
    fixed = samples.ADDRESS.model_dump()
    assert (await api.put(f"/orders/{order_id}/shipping-address", json=fixed, headers=reader)).status_code == 403
    corrected = await api.put(f"/orders/{order_id}/shipping-address", json=fixed, headers=admin)
    assert corrected.status_code == 200 and corrected.json()["status"] == "accepted"
    assert corrected.json()["history"][-1]["reason"] == "shipping address corrected"
    again = await api.put(f"/orders/{order_id}/shipping-address", json=fixed, headers=admin)
    assert again.status_code == 409  # accepted: no longer editable


async def test_lines_are_cancelled_in_part_and_each_change_is_published(api, orders, token_mint, intake_settings):
    from service_runtime.testing.helpers import read_topic
    from storefront_events import ORDERS_V1, OrderStatusChanged

    order_id = orders[ACME_EU]
    manager = token_mint.headers("order_manager", client_id=ACME)
    line_id = (await api.get(f"/orders/{order_id}", headers=manager)).json()["lines"][0]["line_id"]
    too_many = await api.post(f"/orders/{order_id}/lines/{line_id}/cancel", json={"quantity": 5}, headers=manager)
    assert too_many.status_code == 422
    whole = await api.post(
        f"/orders/{order_id}/lines/{line_id}/cancel", json={"reason": "out of stock"}, headers=manager
    )
    assert whole.status_code == 200 and whole.json()["status"] == "cancelled"
    assert whole.json()["lines"][0]["cancelled_quantity"] == 1
    last = whole.json()["history"][-1]
    assert (last["from_status"], last["to_status"], last["reason"], last["line_id"]) == (
        "accepted",
        "cancelled",
        "out of stock",
        line_id,
    )

    records = await read_topic(intake_settings.kafka_bootstrap, intake_settings.topic(ORDERS_V1.name), count=4)
    changed = [e for key, e, _ in records if isinstance(e, OrderStatusChanged) and key == order_id.encode()]
    assert [(e.previous_status, e.status, e.line_id, e.cancelled_quantity, e.aggregate_version) for e in changed] == [
        ("accepted", "cancelled", line_id, 1, last["sequence"])
    ]


async def test_the_history_says_who_by_name_and_why_by_code_and_a_parcel_when_it_shipped(
    api, orders, token_mint, intake_settings
):
    from service_runtime.testing.helpers import read_topic
    from storefront_events import ORDERS_V1, OrderStatusChanged

    order_id = orders[ACME_US]
    olive = token_mint.headers("operator", subject="u-olive", name="Olive Oyl", email="olive@provider.example")
    moved = await api.post(f"/orders/{order_id}/status", json={"status": "in_production"}, headers=olive)
    assert moved.status_code == 200, moved.text
    shipped = await api.post(
        f"/orders/{order_id}/shipments", json={"carrier": "UPS", "tracking_number": "1Z999AA1"}, headers=olive
    )
    assert shipped.status_code == 200, shipped.text
    body = (await api.get(f"/orders/{order_id}", headers=token_mint.headers("read_only", client_id=ACME))).json()
    [parcel] = body["shipments"]
    assert parcel["shipped_at"] == body["history"][-1]["at"] and parcel["shipped_at"] is not None
    assert [(h["actor"], h["actor_name"], h["reason"], h["code"], h["params"]) for h in body["history"]] == [
        ("shop", None, "order received", "history.received", {}),
        ("shop", None, "every line resolved", "history.resolved", {}),
        ("u-olive", "Olive Oyl", None, None, {}),
        ("u-olive", "Olive Oyl", "parcel 1Z999AA1", "history.parcel", {"tracking_number": "1Z999AA1"}),
    ]
    assert body["history"][-1]["shipment"]["shipped_at"] == parcel["shipped_at"]
    mailed = token_mint.headers("operator", subject="u-mail", email="mail-only@provider.example")
    delivered = await api.post(f"/orders/{order_id}/status", json={"status": "delivered"}, headers=mailed)
    assert delivered.json()["history"][-1]["actor_name"] == "mail-only@provider.example"  # no name: the e-mail
    records = await read_topic(intake_settings.kafka_bootstrap, intake_settings.topic(ORDERS_V1.name), count=6)
    changed = [e for key, e, _ in records if isinstance(e, OrderStatusChanged) and key == order_id.encode()]
    assert [(e.status, e.actor, e.actor_name) for e in changed] == [  # who, by name, for those who read the event
        ("in_production", "u-olive", "Olive Oyl"),
        ("shipped", "u-olive", "Olive Oyl"),
        ("delivered", "u-mail", "mail-only@provider.example"),
    ]


async def test_a_held_orders_history_lists_its_holds_with_their_codes(api, publish, token_mint):
    shop_line = samples.line(1)
    await publish(samples.store(ACME_US, ACME))
    received = samples.order(ACME_US, ACME, lines=[shop_line])
    await publish(received)
    order_id = order_id_for(ACME_US, f"platform:{received.platform_order_id}")
    admin = token_mint.headers("admin", client_id=ACME)

    async def held():
        response = await api.get(f"/orders/{order_id}", headers=admin)
        return response.status_code == 200 and response.json()["status"] == "on_hold" and response.json()

    body = await eventually(held)
    entry = body["history"][-1]
    assert (entry["code"], entry["reason"]) == ("history.held", body["holds"][0]["message"])
    assert [(h["code"], h["params"]) for h in entry["holds"]] == [
        ("line.variant_unmapped", {"variant": "Blue / XL", "title": "Summer tee"})
    ]


async def test_a_correction_with_a_country_code_that_cannot_be_one_is_refused_in_words_of_ours(
    api, publish, token_mint
):
    shop_line = samples.line(1)
    await publish(samples.store(ACME_US, ACME), samples.mapped(ACME_US, ACME, shop_line))
    received = samples.order(
        ACME_US, ACME, lines=[shop_line], shipping_address=samples.ADDRESS.model_copy(update={"postcode": "ABCDE"})
    )
    await publish(received)
    order_id = order_id_for(ACME_US, f"platform:{received.platform_order_id}")
    admin = token_mint.headers("admin", client_id=ACME)

    async def held():
        response = await api.get(f"/orders/{order_id}", headers=admin)
        return response.status_code == 200 and response.json()["status"] == "on_hold" and response.json()

    before = await eventually(held)
    refused = await api.put(
        f"/orders/{order_id}/shipping-address",
        json=samples.ADDRESS.model_dump() | {"country_code": "USA"},
        headers=admin,
    )
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert (problem["field"], problem["code"], problem["params"], problem["detail"]) == (
        "country_code",
        "address.country_unknown",
        {"country": "USA"},
        "Country code 'USA' is not an ISO country code.",
    )
    assert (await api.get(f"/orders/{order_id}", headers=admin)).json() == before  # nothing changed
