"""Losing a broker of a three-node cluster (replication 3, min.insync.replicas 2) loses and
duplicates nothing: client service publishing, access service consuming, one broker
killed with SIGKILL in the middle and brought back."""

import subprocess

import httpx
import pytest

from service_runtime.testing.helpers import eventually
from service_runtime.testing.infra import REPO

KAFKA = str(REPO / "deploy" / "kafka.sh")


@pytest.fixture(scope="module")
def cluster():
    subprocess.run(["bash", KAFKA, "cluster-reset"], check=True, capture_output=True)  # a fresh cluster each run
    subprocess.run(["bash", KAFKA, "cluster-start"], check=True, capture_output=True)
    status = subprocess.run(["bash", KAFKA, "cluster-status"], capture_output=True, text=True)
    bootstrap = status.stdout.strip().rsplit("bootstrap ", 1)[1]
    yield bootstrap
    subprocess.run(["bash", KAFKA, "cluster-stop"], check=False, capture_output=True)


async def _create_clients(http: httpx.AsyncClient, names: list[str]) -> list[str]:
    ids = []
    for name in names:
        response = await http.post("/clients", json={"name": name})
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


async def test_no_event_lost_or_applied_twice_when_a_broker_dies(
    cluster, launch, token_mint, access_read_model, applied_events
):
    on_cluster = {"STOREFRONTS_KAFKA_BOOTSTRAP": cluster, "STOREFRONTS_KAFKA_REPLICATION": "3"}
    client_service = launch("client", **on_cluster)
    launch("access", **on_cluster)
    async with httpx.AsyncClient(
        base_url=client_service.url, headers=token_mint.headers("operator"), timeout=60
    ) as http:
        before = await _create_clients(http, [f"Before {i}" for i in range(10)])
        subprocess.run(["bash", KAFKA, "cluster-kill-node", "2"], check=True, capture_output=True)
        during = await _create_clients(http, [f"During {i}" for i in range(10)])
        subprocess.run(["bash", KAFKA, "cluster-start-node", "2"], check=True, capture_output=True)
        after = await _create_clients(http, [f"After {i}" for i in range(10)])

    names = {
        **{i: f"Before {n}" for n, i in enumerate(before)},
        **{i: f"During {n}" for n, i in enumerate(during)},
        **{i: f"After {n}" for n, i in enumerate(after)},
    }
    expected = {client_id: (name, 1) for client_id, name in names.items()}

    async def all_applied_once():
        return await access_read_model() == expected

    await eventually(all_applied_once, timeout=120)
    assert await applied_events() == 30
