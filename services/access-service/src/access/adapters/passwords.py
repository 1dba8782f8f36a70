"""argon2id hashing on a small dedicated thread pool: each hash takes a core for tens of
milliseconds, so a burst of sign-ins must not occupy every core (nor queue without end)."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from access.domain.errors import HashingBusy


class Argon2Passwords:
    """argon2id with the library's defaults (or the given hasher's parameters). Verifying
    against no hash still checks a dummy hash, so an unknown email costs as much time as a
    wrong password. At most ``workers`` hashes run at once and ``queue`` wait; any more is
    refused with ``HashingBusy`` (503, Retry-After)."""

    def __init__(self, *, workers: int = 2, queue: int = 8, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy = self._hasher.hash("not-a-real-password-only-for-timing")
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="argon2")
        self._capacity = workers + queue
        self._in_flight = 0  # running or waiting; released when the hash ends, even if its caller went away
        self._lock = threading.Lock()

    async def _run(self, function, *args):
        with self._lock:
            if self._in_flight >= self._capacity:
                raise HashingBusy(
                    "Too many sign-ins are being checked right now. Try again in a moment.", retry_after=1
                )
            self._in_flight += 1
        job = self._pool.submit(function, *args)
        job.add_done_callback(self._release)
        return await asyncio.wrap_future(job)

    def _release(self, _job) -> None:
        with self._lock:
            self._in_flight -= 1

    async def hash_password(self, password: str) -> str:
        return await self._run(self._hasher.hash, password)

    async def verify_password(self, password_hash: str | None, password: str) -> bool:
        return await self._run(self._verify, password_hash, password)

    def _verify(self, password_hash: str | None, password: str) -> bool:
        try:
            self._hasher.verify(password_hash or self._dummy, password)
        except (VerificationError, InvalidHashError):
            return False
        return password_hash is not None

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
