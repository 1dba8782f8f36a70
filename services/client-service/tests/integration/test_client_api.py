"""The client API against real PostgreSQL and Kafka."""

import asyncio

from sqlalchemy import func, select

from service_runtime.outbox import OutboxMessage
from service_runtime.testing.helpers import read_topic
from storefront_events import CLIENTS_V1, ClientArchived, ClientCreated, ClientRestored, ClientUpdated


async def _create(api, operator, **body):
    response = await api.post("/clients", json=body, headers=operator)
    assert response.status_code == 201, response.text
    return response.json()


async def test_creates_client_with_trimmed_name_and_publishes_client_created(api, operator, client_settings):
    client = await _create(api, operator, name="  Acme   Prints ", reference_id=" ACME-1 ", description="Posters")

    assert client["name"] == "Acme Prints"
    assert client["reference_id"] == "ACME-1"
    assert client["status"] == "active"
    fetched = await api.get(f"/clients/{client['id']}", headers=operator)
    assert fetched.json() == client

    [(key, event, headers)] = await read_topic(
        client_settings.kafka_bootstrap, client_settings.topic(CLIENTS_V1.name), count=1
    )
    assert isinstance(event, ClientCreated)
    assert key == client["id"].encode()
    assert (event.client_id, event.name, event.reference_id) == (client["id"], "Acme Prints", "ACME-1")
    assert headers["content-type"] == b"application/cloudevents+json"


async def test_update_then_archive_publish_in_order_and_archived_client_cannot_change(api, operator, client_settings):
    client = await _create(api, operator, name="Beta")
    updated = await api.patch(
        f"/clients/{client['id']}", json={"name": "Beta Ltd", "description": "B2B"}, headers=operator
    )
    assert updated.json()["name"] == "Beta Ltd"
    archived = await api.post(f"/clients/{client['id']}/archive", headers=operator)
    assert archived.json()["status"] == "archived"

    refused = await api.patch(f"/clients/{client['id']}", json={"name": "Gamma"}, headers=operator)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"

    records = await read_topic(client_settings.kafka_bootstrap, client_settings.topic(CLIENTS_V1.name), count=3)
    assert [type(e) for _, e, _ in records] == [ClientCreated, ClientUpdated, ClientArchived]
    assert records[1][1].name == "Beta Ltd"


async def test_an_archived_client_is_restored_with_its_reference(api, operator, client_settings):
    client = await _create(api, operator, name="Delta", reference_id="DELTA-1")
    await api.post(f"/clients/{client['id']}/archive", headers=operator)

    restored = await api.post(f"/clients/{client['id']}/restore", headers=operator)
    assert restored.status_code == 200, restored.text
    assert (restored.json()["status"], restored.json()["reference_id"]) == ("active", "DELTA-1")
    again = await api.post(f"/clients/{client['id']}/restore", headers=operator)
    assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"
    taken = await api.post("/clients", json={"name": "Copy", "reference_id": "delta-1"}, headers=operator)
    assert taken.status_code == 409

    records = await read_topic(client_settings.kafka_bootstrap, client_settings.topic(CLIENTS_V1.name), count=3)
    assert [type(e) for _, e, _ in records] == [ClientCreated, ClientArchived, ClientRestored]


async def test_problem_details_follow_accept_language_and_keep_type_and_field(api, operator):
    await _create(api, operator, name="Epsilon", reference_id="EPS-1")
    french = await api.post(
        "/clients",
        json={"name": "Copy", "reference_id": "eps-1"},
        headers={**operator, "Accept-Language": "fr-FR,fr;q=0.9"},
    )
    english = await api.post("/clients", json={"name": "Copy", "reference_id": "eps-1"}, headers=operator)

    assert french.status_code == english.status_code == 409
    assert french.json()["title"] == "Référence client déjà utilisée"
    assert french.json()["detail"] == "La référence client « eps-1 » est déjà utilisée par un autre client."
    assert english.json()["title"] == "Client reference already used"
    for key in ("type", "field", "code", "status"):
        assert french.json()[key] == english.json()[key]
    blank = await api.post("/clients", json={"name": "  "}, headers={**operator, "Accept-Language": "fr"})
    assert blank.json()["detail"] == "Le nom du client est obligatoire." and blank.json()["field"] == "name"


async def test_searches_by_name_or_reference_with_cursor_pages(api, operator):
    for i in range(5):
        await _create(api, operator, name=f"Shop {i}", reference_id=f"REF-{i}")
    await _create(api, operator, name="Other", reference_id="ZZZ")

    page1 = (await api.get("/clients", params={"search": "shop", "limit": 2}, headers=operator)).json()
    page2 = (
        await api.get(
            "/clients", params={"search": "shop", "limit": 2, "cursor": page1["next_cursor"]}, headers=operator
        )
    ).json()
    page3 = (
        await api.get(
            "/clients", params={"search": "shop", "limit": 2, "cursor": page2["next_cursor"]}, headers=operator
        )
    ).json()
    names = [c["name"] for page in (page1, page2, page3) for c in page["items"]]
    assert names == [f"Shop {i}" for i in range(5)]
    assert page3["next_cursor"] is None

    by_reference = (await api.get("/clients", params={"search": "ref-3"}, headers=operator)).json()
    assert [c["name"] for c in by_reference["items"]] == ["Shop 3"]


async def test_archived_clients_are_listed_only_when_asked(api, operator):
    kept = await _create(api, operator, name="Kept")
    gone = await _create(api, operator, name="Gone")
    await api.post(f"/clients/{gone['id']}/archive", headers=operator)

    active = (await api.get("/clients", headers=operator)).json()["items"]
    archived = (await api.get("/clients", params={"status": "archived"}, headers=operator)).json()["items"]
    assert [c["id"] for c in active] == [kept["id"]]
    assert [c["id"] for c in archived] == [gone["id"]]


async def _state(api):
    runtime = api._transport.app.state.runtime
    async with runtime.sessions() as session:
        outbox = await session.scalar(select(func.count()).select_from(OutboxMessage))
    return outbox


async def test_bad_input_gets_problem_json_and_changes_nothing(api, operator):
    existing = await _create(api, operator, name="Existing", reference_id="DUP-1")
    before = await _state(api)
    cases = [
        ("post", "/clients", {"json": {"name": "   "}}, 422),
        ("post", "/clients", {"json": {}}, 422),
        ("post", "/clients", {"json": {"name": "x" * 251}}, 422),
        ("post", "/clients", {"json": {"name": "x" * 201}}, 422),
        ("post", "/clients", {"json": {"name": "Ok", "reference_id": "r" * 65}}, 422),
        ("post", "/clients", {"json": {"name": "Ok", "description": "d" * 2001}}, 422),
        ("post", "/clients", {"json": {"name": "Ok", "reference_id": "dup-1"}}, 409),
        ("post", "/clients", {"json": {"name": 12}}, 422),
        ("post", "/clients", {"json": {"name": "Ok", "colour": "red"}}, 422),
        ("post", "/clients", {"content": b'{"name": "Ok"', "headers": {"content-type": "application/json"}}, 400),
        ("get", "/clients/unknown-id", {}, 404),
        ("patch", "/clients/unknown-id", {"json": {"name": "X"}}, 404),
        ("patch", f"/clients/{existing['id']}", {"json": {"name": ""}}, 422),
        ("post", "/clients/unknown-id/archive", {}, 404),
        ("get", "/clients", {"params": {"cursor": "not-a-cursor"}}, 400),
        ("get", "/clients", {"params": {"limit": 0}}, 422),
    ]
    for method, path, kwargs, status in cases:
        headers = {**operator, **kwargs.pop("headers", {})}
        response = await getattr(api, method)(path, headers=headers, **kwargs)
        assert response.status_code == status, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == status and body["title"]

    assert await _state(api) == before
    listed = (await api.get("/clients", headers=operator)).json()["items"]
    assert [c["name"] for c in listed] == ["Existing"]


async def test_only_operators_reach_clients(api, token_mint):
    assert (await api.get("/clients")).status_code == 401
    assert (await api.get("/clients", headers={"Authorization": "Bearer nonsense"})).status_code == 401
    for role in ("admin", "store_manager", "order_manager", "read_only"):
        response = await api.get("/clients", headers=token_mint.headers(role, client_id="c1"))
        assert response.status_code == 403, role
    expired = token_mint.headers("operator", ttl=-10)
    assert (await api.get("/clients", headers=expired)).status_code == 401


async def test_concurrent_updates_of_one_client_publish_distinct_consecutive_versions(api, operator, client_settings):
    client = await _create(api, operator, name="Contended")
    writers = 8

    async def rename(i: int) -> None:
        response = await api.patch(f"/clients/{client['id']}", json={"name": f"Contended {i}"}, headers=operator)
        assert response.status_code == 200, response.text

    await asyncio.gather(*(rename(i) for i in range(writers)))

    records = await read_topic(
        client_settings.kafka_bootstrap, client_settings.topic(CLIENTS_V1.name), count=1 + writers
    )
    assert [event.aggregate_version for _, event, _ in records] == list(range(1, 2 + writers))
    fetched = (await api.get(f"/clients/{client['id']}", headers=operator)).json()
    assert fetched["name"] == records[-1][1].name  # the last version published is the state kept


async def test_a_name_with_a_bidi_override_is_refused_with_a_message_naming_the_field(api, operator):
    response = await api.post("/clients", json={"name": "Acme \u202eevil"}, headers=operator)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["field"] == "name" and "U+202E RIGHT-TO-LEFT OVERRIDE" in problem["detail"]
