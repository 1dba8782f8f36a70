"""The embedded default: the client service on SQLite, with the same rules and events."""

from client.main import create_app
from client.settings import ClientSettings
from service_runtime.testing.helpers import read_topic, running
from storefront_events import CLIENTS_V1, ClientCreated


async def test_runs_on_sqlite_with_unique_references_and_events(service_settings, operator, tmp_path):
    settings = service_settings(ClientSettings, database_url=f"sqlite:///{tmp_path}/client.db")
    async with running(create_app(settings)) as api:
        created = await api.post("/clients", json={"name": "Embedded", "reference_id": "EMB-1"}, headers=operator)
        assert created.status_code == 201
        duplicate = await api.post("/clients", json={"name": "Other", "reference_id": "emb-1"}, headers=operator)
        assert duplicate.status_code == 409
        listed = (await api.get("/clients", params={"search": "emb"}, headers=operator)).json()["items"]
        assert [c["name"] for c in listed] == ["Embedded"]
        assert (await api.get("/readyz")).json()["checks"]["database"] is True

    [(_, event, _)] = await read_topic(settings.kafka_bootstrap, settings.topic(CLIENTS_V1.name), count=1)
    assert isinstance(event, ClientCreated) and event.reference_id == "EMB-1"
    assert (tmp_path / "client.db").exists()
