"""Sign-in limits and password hashing against the real Redis and PostgreSQL: attempts are
counted before the password is checked, an attacker's address does not lock the owner out,
hashing is bounded, and an operator can clear an account's limit."""

import asyncio
import json
import os
import sys
import threading
import uuid

import httpx
import pytest
from argon2 import PasswordHasher

from access.adapters.passwords import Argon2Passwords
from access.handlers.auth import create_operator

from .journey import PASSWORD, active_admin, log_in

WRONG = "a wrong password!!"


def from_address(api, address: str) -> httpx.AsyncClient:
    """Another caller of the same running service, connecting from ``address``."""
    transport = httpx.ASGITransport(app=api._transport.app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://service")


def runtime_of(api):
    return api._transport.app.state.runtime


@pytest.mark.parametrize("redis", [True, False], ids=["redis", "memory"])
async def test_twenty_parallel_wrong_passwords_get_at_most_the_limit_of_guesses(service_settings, tmp_path, redis):
    from access.main import create_app
    from access.settings import AccessSettings
    from service_runtime.testing.helpers import running

    settings = service_settings(
        AccessSettings, dev_key_file=str(tmp_path / "k"), **({} if redis else {"redis_url": ""})
    )
    async with running(create_app(settings)) as api:
        runtime = runtime_of(api)
        await create_operator(
            "ops@provider.example",
            PASSWORD,
            first_name="O",
            last_name="P",
            uow=runtime.uow(),
            passwords=runtime.passwords,
        )
        responses = await asyncio.gather(
            *(api.post("/auth/login", json={"email": "ops@provider.example", "password": WRONG}) for _ in range(20))
        )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [401] * 5 + [429] * 15
    for response in responses:
        assert response.headers["content-type"] == "application/problem+json"
        if response.status_code == 429:
            assert int(response.headers["retry-after"]) > 0


async def test_an_attacker_slowed_down_does_not_lock_the_owner_out_from_elsewhere(api, operator, access_settings):
    _, _ = await active_admin(api, access_settings, operator, email="owner@acme.example")
    async with from_address(api, "198.51.100.66") as attacker, from_address(api, "203.0.113.7") as owner:
        statuses = [
            (await attacker.post("/auth/login", json={"email": "owner@acme.example", "password": WRONG})).status_code
            for _ in range(8)
        ]
        assert statuses == [401] * 5 + [429] * 3
        signed_in = await owner.post("/auth/login", json={"email": "owner@acme.example", "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        assert (
            await attacker.post("/auth/login", json={"email": "owner@acme.example", "password": PASSWORD})
        ).status_code == 429


async def test_a_forwarded_for_header_from_an_untrusted_caller_does_not_change_its_address(
    api, operator, access_settings
):
    await active_admin(api, access_settings, operator, email="spoof@acme.example")
    statuses = []
    for n in range(8):
        response = await api.post(
            "/auth/login",
            json={"email": "spoof@acme.example", "password": WRONG},
            headers={"X-Forwarded-For": f"192.0.2.{n}"},
        )
        statuses.append(response.status_code)
    assert statuses == [401] * 5 + [429] * 3


async def test_the_gateway_names_the_caller_when_it_is_a_trusted_proxy(service_settings, operator, tmp_path):
    from access.main import create_app
    from access.settings import AccessSettings
    from service_runtime.testing.helpers import running

    settings = service_settings(AccessSettings, dev_key_file=str(tmp_path / "k"), trusted_proxies=["127.0.0.2"])
    async with running(create_app(settings)) as api:
        runtime = runtime_of(api)
        await create_operator(
            "ops@provider.example",
            PASSWORD,
            first_name="O",
            last_name="P",
            uow=runtime.uow(),
            passwords=runtime.passwords,
        )
        async with from_address(api, "127.0.0.2") as gateway:
            for _ in range(5):
                await gateway.post(
                    "/auth/login",
                    json={"email": "ops@provider.example", "password": WRONG},
                    headers={"X-Forwarded-For": "198.51.100.66"},
                )
            blocked = await gateway.post(
                "/auth/login",
                json={"email": "ops@provider.example", "password": PASSWORD},
                headers={"X-Forwarded-For": "198.51.100.66"},
            )
            other = await gateway.post(
                "/auth/login",
                json={"email": "ops@provider.example", "password": PASSWORD},
                headers={"X-Forwarded-For": "203.0.113.7"},
            )
    assert (blocked.status_code, other.status_code) == (429, 200)


async def test_an_operator_clears_an_accounts_limit_with_the_command_line(api, operator, access_settings):
    await active_admin(api, access_settings, operator, email="locked@acme.example")
    for _ in range(5):
        await api.post("/auth/login", json={"email": "locked@acme.example", "password": WRONG})
    assert (
        await api.post("/auth/login", json={"email": "locked@acme.example", "password": PASSWORD})
    ).status_code == 429

    env = {
        **os.environ,
        "ACCESS_DATABASE_URL": access_settings.database_url,
        "STOREFRONTS_REDIS_URL": access_settings.redis_url,
        "STOREFRONTS_TOPIC_PREFIX": access_settings.topic_prefix,
        "STOREFRONTS_SECRET_KEYS": json.dumps([k.get_secret_value() for k in access_settings.secret_keys]),
        "STOREFRONTS_KAFKA_BOOTSTRAP": access_settings.kafka_bootstrap,
    }
    command = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "access",
        "clear-login-limit",
        "--email",
        " Locked@acme.example ",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await command.communicate()
    assert command.returncode == 0, output.decode()
    assert "locked@acme.example" in output.decode()
    await log_in(api, "locked@acme.example")


class GatedHasher(PasswordHasher):
    """Verifies only once the test opens the gate: the hashing workers stay taken meanwhile."""

    def __init__(self, gate: threading.Event) -> None:
        super().__init__()
        self.gate = gate

    def verify(self, hash, password):
        self.gate.wait(30)
        return super().verify(hash, password)


async def test_when_every_hashing_worker_and_queue_place_is_taken_sign_ins_get_503_with_retry_after(api):
    from service_runtime.testing.helpers import eventually

    gate = threading.Event()
    runtime = runtime_of(api)
    runtime.passwords = busy = Argon2Passwords(workers=1, queue=1, hasher=GatedHasher(gate))
    try:
        waiting = [
            asyncio.create_task(api.post("/auth/login", json={"email": f"u{n}@acme.example", "password": WRONG}))
            for n in range(2)
        ]
        await eventually(lambda: asyncio.sleep(0, busy._in_flight == 2))
        refused = await api.post("/auth/login", json={"email": "late@acme.example", "password": WRONG})
        assert refused.status_code == 503
        assert refused.headers["content-type"] == "application/problem+json"
        assert int(refused.headers["retry-after"]) >= 1
    finally:
        gate.set()
    assert [r.status_code for r in await asyncio.gather(*waiting)] == [401, 401]
    busy.close()


async def test_a_password_hashed_with_older_parameters_is_rehashed_at_sign_in(api):
    runtime = runtime_of(api)
    old = Argon2Passwords(hasher=PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))
    email = f"ops-{uuid.uuid4().hex[:6]}@provider.example"
    user = await create_operator(email, PASSWORD, first_name="O", last_name="P", uow=runtime.uow(), passwords=old)
    assert "m=8192,t=1" in user.password_hash
    old.close()

    await log_in(api, email)
    async with runtime.uow() as uow:
        stored = (await uow.users.by_email(email)).password_hash
    assert not PasswordHasher().check_needs_rehash(stored)
    await log_in(api, email)
