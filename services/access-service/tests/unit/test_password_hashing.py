"""Password hashing runs on a bounded pool: a burst is refused, not queued without end."""

import asyncio
import threading

import pytest
from argon2 import PasswordHasher

from access.adapters.passwords import Argon2Passwords
from access.domain.errors import HashingBusy

FAST = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


class GatedHasher(PasswordHasher):
    def __init__(self, gate: threading.Event) -> None:
        super().__init__(**FAST)
        self.gate = gate

    def hash(self, password, *, salt=None):
        self.gate.wait(30)
        return super().hash(password)


async def test_beyond_the_workers_and_the_queue_a_hash_is_refused_and_the_place_comes_back():
    gate = threading.Event()
    hasher = GatedHasher(gate)
    gate.set()
    passwords = Argon2Passwords(workers=1, queue=1, hasher=hasher)  # its dummy hash passes the open gate
    gate.clear()
    try:
        taken = [asyncio.create_task(passwords.hash_password(f"password number {n}")) for n in range(2)]
        await asyncio.sleep(0)
        with pytest.raises(HashingBusy) as busy:
            await passwords.hash_password("one too many")
        assert busy.value.status == 503 and busy.value.extensions["retry_after"] >= 1
        gate.set()
        hashes = await asyncio.gather(*taken)
        assert all(h.startswith("$argon2id$") for h in hashes)
        assert (await passwords.hash_password("room again")).startswith("$argon2id$")
    finally:
        gate.set()
        passwords.close()


async def test_hashes_made_with_other_parameters_need_rehashing():
    passwords = Argon2Passwords(hasher=PasswordHasher(**FAST))
    try:
        current = await passwords.hash_password("a long enough password")
        assert await passwords.verify_password(current, "a long enough password")
        assert not await passwords.verify_password(current, "another password")
        assert not await passwords.verify_password(None, "a long enough password")
        assert not passwords.needs_rehash(current)
        assert passwords.needs_rehash(PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1).hash("x"))
    finally:
        passwords.close()
