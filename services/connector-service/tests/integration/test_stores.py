"""Stores over HTTP, on the real PostgreSQL and Kafka: manual stores, who sees and manages what."""

import uuid

from service_runtime.testing.helpers import read_topic
from storefront_events import STORES_V1, StoreConnected, StoreDisconnected

ACME, BETA = str(uuid.uuid4()), str(uuid.uuid4())


async def _manual(api, headers, **body):
    response = await api.post("/stores/manual", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_client_admin_adds_a_manual_store_which_is_connected_and_announced(api, token_mint, connector_settings):
    admin = token_mint.headers("admin", client_id=ACME)
    store = await _manual(api, admin, name="  Direct   orders ")

    assert (store["name"], store["platform"], store["status"], store["client_id"]) == (
        "Direct orders",
        "manual",
        "connected",
        ACME,
    )
    assert (await api.get(f"/stores/{store['id']}", headers=admin)).json() == store
    [(key, event, _)] = await read_topic(
        connector_settings.kafka_bootstrap, connector_settings.topic(STORES_V1.name), count=1
    )
    assert isinstance(event, StoreConnected)
    assert key == store["id"].encode()
    assert (event.client_id, event.platform, event.name, event.aggregate_version) == (
        ACME,
        "manual",
        "Direct orders",
        1,
    )


async def test_an_operator_adds_a_store_for_a_client_and_lists_all_or_one_clients(api, operator, token_mint):
    acme = await _manual(api, operator, name="Acme direct", client_id=ACME)
    beta = await _manual(api, token_mint.headers("admin", client_id=BETA), name="Beta direct")

    everything = (await api.get("/stores", headers=operator)).json()["items"]
    assert {acme["id"], beta["id"]} <= {s["id"] for s in everything}
    only_acme = (await api.get(f"/stores?client_id={ACME}", headers=operator)).json()["items"]
    assert [s["id"] for s in only_acme] == [acme["id"]]
    assert (only_acme[0]["parked_webhooks"], only_acme[0]["needs_attention"]) == (0, False)  # nothing to see to
    no_client = await api.post("/stores/manual", json={"name": "Orphan"}, headers=operator)
    assert no_client.status_code == 422 and no_client.json()["field"] == "client_id"


async def test_a_client_user_sees_only_its_clients_stores(api, token_mint):
    acme = await _manual(api, token_mint.headers("admin", client_id=ACME), name="Acme direct")
    beta = await _manual(api, token_mint.headers("admin", client_id=BETA), name="Beta direct")
    reader = token_mint.headers("read_only", client_id=ACME)

    listed = (await api.get("/stores", headers=reader)).json()["items"]
    assert [s["id"] for s in listed] == [acme["id"]]
    assert (await api.get(f"/stores?client_id={BETA}", headers=reader)).json()["items"] == []
    hidden = await api.get(f"/stores/{beta['id']}", headers=reader)
    assert hidden.status_code == 404 and hidden.headers["content-type"] == "application/problem+json"


async def test_a_store_manager_cannot_see_or_touch_a_store_that_is_not_theirs(api, token_mint, connector_settings):
    admin = token_mint.headers("admin", client_id=ACME)
    mine = await _manual(api, admin, name="Mine")
    other = await _manual(api, admin, name="Not mine")
    manager = token_mint.headers("store_manager", client_id=ACME, store_ids=(mine["id"],))

    assert [s["id"] for s in (await api.get("/stores", headers=manager)).json()["items"]] == [mine["id"]]
    assert (await api.get(f"/stores/{other['id']}", headers=manager)).status_code == 404
    refused = await api.post(f"/stores/{other['id']}/disconnect", headers=manager)
    assert refused.status_code == 404
    assert (await api.get(f"/stores/{other['id']}", headers=admin)).json()["status"] == "connected"
    cannot_add = await api.post("/stores/manual", json={"name": "Another"}, headers=manager)
    assert cannot_add.status_code == 403

    gone = await api.post(f"/stores/{mine['id']}/disconnect", headers=manager)
    assert gone.status_code == 200 and gone.json()["status"] == "disconnected"
    records = await read_topic(connector_settings.kafka_bootstrap, connector_settings.topic(STORES_V1.name), count=3)
    of_mine = [e for _, e, _ in records if e.store_id == mine["id"]]  # one store's events are in order
    assert [type(e) for e in of_mine] == [StoreConnected, StoreDisconnected]
    assert (of_mine[1].reason, of_mine[1].aggregate_version) == ("by_client", 2)


async def test_order_managers_and_readers_read_but_do_not_disconnect_and_problems_speak_french(api, token_mint):
    store = await _manual(api, token_mint.headers("admin", client_id=ACME), name="Direct")
    for role in ("order_manager", "read_only"):
        headers = token_mint.headers(role, client_id=ACME)
        assert (await api.get(f"/stores/{store['id']}", headers=headers)).status_code == 200
        refused = await api.post(f"/stores/{store['id']}/disconnect", headers={**headers, "Accept-Language": "fr"})
        assert refused.status_code == 403
        assert refused.json()["title"] == "Non autorisé"
        assert refused.json()["code"] == "role_may_not_manage"
    assert (await api.get(f"/stores/{store['id']}", headers=token_mint.headers("read_only", client_id=ACME))).json()[
        "status"
    ] == "connected"


async def test_bad_input_is_refused_and_changes_nothing(api, token_mint):
    admin = token_mint.headers("admin", client_id=ACME)
    blank = await api.post("/stores/manual", json={"name": "   "}, headers={**admin, "Accept-Language": "fr"})
    assert blank.status_code == 422
    assert blank.json()["detail"] == "Le nom de la boutique est obligatoire."
    store = await _manual(api, admin, name="Direct")
    await api.post(f"/stores/{store['id']}/disconnect", headers=admin)
    again = await api.post(f"/stores/{store['id']}/disconnect", headers=admin)
    assert again.status_code == 409
    assert [s["name"] for s in (await api.get("/stores", headers=admin)).json()["items"]] == ["Direct"]
    assert (await api.get("/stores")).status_code == 401
