"""Counts sign-in attempts before the password is checked, so parallel requests cannot
guess more than the limit between a check and a count.

Three counters, each over a window from its first attempt:
- the account from one source address (``per_pair``, small): an attacker guessing from
  one place is slowed down, while the account still works from everywhere else;
- the account from every source (``per_account``, higher): many sources together cannot
  guess on without bound;
- the source over every account (``per_source``): one place trying many accounts.

A counter past its limit does not lock: it asks for a delay that doubles with each further
attempt (``base_delay`` · 2ⁿ, at most ``max_delay``). An attempt asked to wait is not
counted. A successful sign-in ends the delay of its (account, source) pair and gives the
attempt back to the other two counters. ``clear`` (the operator's command) forgets
everything about an account.
"""

import hashlib
import time
from dataclasses import dataclass

from redis.asyncio import Redis


@dataclass(frozen=True)
class LoginLimits:
    per_pair: int = 5
    per_account: int = 50
    per_source: int = 100
    window: int = 900
    base_delay: float = 30
    max_delay: float = 900

    def delay(self, count: int, limit: int) -> float:
        """Seconds before the next attempt once ``count`` attempts reached ``limit``."""
        return min(self.base_delay * 2 ** (count - limit), self.max_delay)


def _digest(value: str) -> str:
    # hashed: the limiter's keys carry no email or IP addresses
    return hashlib.sha256(value.encode()).hexdigest()[:32]


# KEYS: pair, account, source. ARGV: window, base delay, max delay, then the three limits.
# Redis' clock, so every service process agrees; runs atomically.
_ATTEMPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local window, base, max_delay = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local wait = 0
for i, key in ipairs(KEYS) do
  local blocked = tonumber(redis.call('HGET', key, 'until') or '0')
  if blocked > now then wait = math.max(wait, blocked - now) end
end
if wait > 0 then return math.ceil(wait) end
for i, key in ipairs(KEYS) do
  local count = redis.call('HINCRBY', key, 'count', 1)
  local limit = tonumber(ARGV[3 + i])
  if count == 1 then redis.call('EXPIRE', key, window) end
  if count >= limit then
    local delay = math.min(base * 2 ^ (count - limit), max_delay)
    redis.call('HSET', key, 'until', tostring(now + delay))
    if redis.call('TTL', key) < delay then redis.call('EXPIRE', key, math.ceil(delay)) end
  end
end
return 0
"""

# KEYS: pair, account, source. The pair starts over; the others get the attempt back.
_SUCCEEDED = """
redis.call('DEL', KEYS[1])
for i = 2, #KEYS do
  if redis.call('HINCRBY', KEYS[i], 'count', -1) <= 0 then redis.call('DEL', KEYS[i]) end
end
return 0
"""


class RedisLoginLimiter:
    """Shared by every process of the service (the counts live in Redis)."""

    def __init__(self, redis: Redis, *, namespace: str, limits: LoginLimits) -> None:
        self._redis = redis
        self._namespace = f"{namespace}login:"
        self._limits = limits
        self._attempt = redis.register_script(_ATTEMPT)
        self._succeeded = redis.register_script(_SUCCEEDED)

    def _keys(self, account: str, source: str) -> list[str]:
        return [
            f"{self._namespace}pair:{_digest(account)}:{_digest(source)}",
            f"{self._namespace}account:{_digest(account)}",
            f"{self._namespace}source:{_digest(source)}",
        ]

    async def attempt(self, *, account: str, source: str) -> int:
        limits = self._limits
        return int(
            await self._attempt(
                keys=self._keys(account, source),
                args=[
                    limits.window,
                    limits.base_delay,
                    limits.max_delay,
                    limits.per_pair,
                    limits.per_account,
                    limits.per_source,
                ],
            )
        )

    async def succeeded(self, *, account: str, source: str) -> None:
        await self._succeeded(keys=self._keys(account, source))

    async def clear(self, *, account: str) -> int:
        pairs = [key async for key in self._redis.scan_iter(match=f"{self._namespace}pair:{_digest(account)}:*")]
        return int(await self._redis.delete(f"{self._namespace}account:{_digest(account)}", *pairs))

    async def close(self) -> None:
        await self._redis.aclose()


class MemoryLoginLimiter:
    """Without Redis (local development, one process): the same rules in this process's
    memory. Atomic because nothing awaits between the check and the count. Each process
    counts on its own and a restart forgets; run with ``STOREFRONTS_REDIS_URL`` in production."""

    def __init__(self, *, limits: LoginLimits, clock=time.monotonic) -> None:
        self._limits = limits
        self._clock = clock
        self._counters: dict[tuple, list[float]] = {}  # key → [count, window end, blocked until]

    def _keys(self, account: str, source: str) -> list[tuple]:
        return [("pair", account, source), ("account", account), ("source", source)]

    def _forget_expired(self, now: float) -> None:
        for key in [key for key, counter in self._counters.items() if max(counter[1], counter[2]) <= now]:
            del self._counters[key]

    def _counter(self, key: tuple, now: float) -> list[float]:
        if len(self._counters) > 10_000:
            self._forget_expired(now)
        counter = self._counters.get(key)
        if counter is None or max(counter[1], counter[2]) <= now:
            counter = self._counters[key] = [0, now + self._limits.window, 0.0]
        return counter

    async def attempt(self, *, account: str, source: str) -> int:
        now = self._clock()
        limits = self._limits
        counters = [self._counter(key, now) for key in self._keys(account, source)]
        wait = max(counter[2] - now for counter in counters)
        if wait > 0:
            return int(-(-wait // 1))
        for counter, limit in zip(counters, (limits.per_pair, limits.per_account, limits.per_source), strict=True):
            counter[0] += 1
            if counter[0] >= limit:
                counter[2] = now + limits.delay(int(counter[0]), limit)
        return 0

    async def succeeded(self, *, account: str, source: str) -> None:
        pair, *others = self._keys(account, source)
        self._counters.pop(pair, None)
        for key in others:
            if key in self._counters:
                self._counters[key][0] = max(0, self._counters[key][0] - 1)

    async def clear(self, *, account: str) -> int:
        mine = [key for key in self._counters if key[0] in ("pair", "account") and key[1] == account]
        for key in mine:
            del self._counters[key]
        return len(mine)

    async def close(self) -> None:
        return None
