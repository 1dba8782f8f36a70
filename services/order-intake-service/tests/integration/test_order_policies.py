"""Per-client approval and hold rules on the real stack: tried by dry run, then switched on;
a held order says which rule held it and goes to production once approved."""

from pathlib import Path

from order_intake.handlers.intake import order_id_for
from service_runtime.testing.helpers import eventually, load_module

samples = load_module("order_intake_test_samples", Path(__file__).parents[1] / "samples.py")

CLIENT, STORE = "client-rules", "store-rules"


async def _status(api, headers, order_id, status):
    async def check():
        response = await api.get(f"/orders/{order_id}", headers=headers)
        return response.status_code == 200 and response.json()["status"] == status and response.json()

    return await eventually(check)


async def test_rules_are_tried_then_hold_new_orders_until_approved(api, publish, operator, token_mint):
    shop_line = samples.line(1)
    await publish(samples.store(STORE, CLIENT), samples.mapped(STORE, CLIENT, shop_line))
    small = samples.order(STORE, CLIENT, lines=[shop_line])
    big = samples.order(STORE, CLIENT, lines=[shop_line.model_copy(update={"quantity": 40})])
    await publish(small, big)
    small_id, big_id = (order_id_for(STORE, f"platform:{o.platform_order_id}") for o in (small, big))
    await _status(api, operator, big_id, "accepted")
    await _status(api, operator, small_id, "accepted")

    admin = token_mint.headers("admin", client_id=CLIENT)
    rules = {"max_quantity": 10, "countries": ["gb"]}
    assert (await api.post(f"/order-policies/{CLIENT}/dry-run", json=rules, headers=admin)).status_code == 403
    tried = await api.post(f"/order-policies/{CLIENT}/dry-run", json=rules, headers=operator)
    assert tried.status_code == 200, tried.text
    assert tried.json()["orders_tried"] == 2
    assert [(o["order_id"], [h["rule"] for h in o["holds"]]) for o in tried.json()["would_hold"]] == [
        (big_id, ["max_quantity"])
    ]
    assert (await api.get(f"/orders/{big_id}", headers=operator)).json()["status"] == "accepted"  # nothing changed

    bad = await api.put(f"/order-policies/{CLIENT}", json={"approval": "delay", "delay_minutes": 0}, headers=operator)
    assert bad.status_code == 422 and bad.json()["field"] == "delay_minutes"
    olive = token_mint.headers("operator", subject="u-olive", name="Olive Oyl")
    put = await api.put(f"/order-policies/{CLIENT}", json={"approval": "manual", "rules": rules}, headers=olive)
    assert put.status_code == 200 and put.json()["rules"]["countries"] == ["GB"]
    saved = (await api.get(f"/order-policies/{CLIENT}", headers=operator)).json()
    assert (saved["updated_by"], saved["updated_by_name"]) == ("u-olive", "Olive Oyl")  # who, by name

    big_again = samples.order(STORE, CLIENT, lines=[shop_line.model_copy(update={"quantity": 40})])
    normal = samples.order(STORE, CLIENT, lines=[shop_line])
    await publish(big_again, normal)
    big_again_id, normal_id = (order_id_for(STORE, f"platform:{o.platform_order_id}") for o in (big_again, normal))
    held = await _status(api, operator, big_again_id, "on_hold")
    assert [(h["reason"], h["rule"], h["message"]) for h in held["holds"]] == [
        ("held_by_rule", "max_quantity", "held by rule: 40 items is above 10")
    ]
    waiting = await _status(api, operator, normal_id, "on_hold")
    assert [h["reason"] for h in waiting["holds"]] == ["awaiting_approval"]

    reader = token_mint.headers("read_only", client_id=CLIENT)
    assert (await api.post(f"/orders/{normal_id}/approve", headers=reader)).status_code == 403
    manager = token_mint.headers("order_manager", client_id=CLIENT)
    approved = await api.post(f"/orders/{normal_id}/approve", headers=manager)
    assert approved.status_code == 200 and approved.json()["status"] == "accepted"
    assert approved.json()["history"][-1]["reason"] == "approved"
    again = await api.post(f"/orders/{normal_id}/approve", headers=manager)
    assert again.status_code == 409
