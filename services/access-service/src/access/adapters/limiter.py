"""Counts failed sign-ins per account and per source address over a fixed window."""

import hashlib
import time

from redis.asyncio import Redis


class RedisLoginLimiter:
    def __init__(self, redis: Redis, *, namespace: str, per_account: int, per_source: int, window: int) -> None:
        self._redis = redis
        self._namespace = namespace
        self._limits = {"account": per_account, "source": per_source}
        self._window = window

    def _key(self, kind: str, value: str) -> str:
        # hashed: the limiter's keys carry no email addresses
        return f"{self._namespace}login-failures:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"

    async def retry_after(self, *, account: str, source: str) -> int:
        wait = 0
        for kind, value in (("account", account), ("source", source)):
            key = self._key(kind, value)
            count = int(await self._redis.get(key) or 0)
            if count >= self._limits[kind]:
                wait = max(wait, await self._redis.ttl(key), 1)
        return wait

    async def failed(self, *, account: str, source: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            for kind, value in (("account", account), ("source", source)):
                key = self._key(kind, value)
                pipe.incr(key)
                pipe.expire(key, self._window, nx=True)
            await pipe.execute()

    async def succeeded(self, *, account: str) -> None:
        await self._redis.delete(self._key("account", account))

    async def close(self) -> None:
        await self._redis.aclose()


class MemoryLoginLimiter:
    """For a single process without Redis (local development)."""

    def __init__(self, *, per_account: int, per_source: int, window: int) -> None:
        self._limits = {"account": per_account, "source": per_source}
        self._window = window
        self._counts: dict[tuple[str, str], tuple[int, float]] = {}

    def _current(self, key: tuple[str, str]) -> tuple[int, float]:
        count, until = self._counts.get(key, (0, 0.0))
        return (count, until) if until > time.monotonic() else (0, 0.0)

    async def retry_after(self, *, account: str, source: str) -> int:
        wait = 0
        for key in (("account", account), ("source", source)):
            count, until = self._current(key)
            if count >= self._limits[key[0]]:
                wait = max(wait, int(until - time.monotonic()) + 1)
        return wait

    async def failed(self, *, account: str, source: str) -> None:
        for key in (("account", account), ("source", source)):
            count, until = self._current(key)
            self._counts[key] = (count + 1, until or time.monotonic() + self._window)

    async def succeeded(self, *, account: str) -> None:
        self._counts.pop(("account", account), None)

    async def close(self) -> None:
        return None
