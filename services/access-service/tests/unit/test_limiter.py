"""Sign-in attempt counting without Redis (one process, in memory), on a clock the test moves.
The same rules against the real Redis: tests/integration/test_login_limits.py."""

import pytest

from access.adapters.limiter import LoginLimits, MemoryLoginLimiter

LIMITS = LoginLimits(per_pair=3, per_account=6, per_source=10, window=900, base_delay=30, max_delay=300)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def limiter(clock):
    return MemoryLoginLimiter(limits=LIMITS, clock=clock)


async def test_past_the_limit_the_delay_doubles_with_each_further_attempt(limiter, clock):
    assert [await limiter.attempt(account="a", source="ip1") for _ in range(3)] == [0, 0, 0]
    assert await limiter.attempt(account="a", source="ip1") == 30
    clock.now += 30
    assert await limiter.attempt(account="a", source="ip1") == 0
    assert await limiter.attempt(account="a", source="ip1") == 60
    clock.now += 60
    assert await limiter.attempt(account="a", source="ip1") == 0
    assert await limiter.attempt(account="a", source="ip1") == 120


async def test_a_slowed_down_source_does_not_slow_the_account_down_elsewhere(limiter):
    for _ in range(3):
        await limiter.attempt(account="a", source="attacker")
    assert await limiter.attempt(account="a", source="attacker") > 0
    assert await limiter.attempt(account="a", source="owner") == 0


async def test_many_sources_together_reach_the_higher_account_ceiling(limiter):
    assert [await limiter.attempt(account="a", source=f"ip{n}") for n in range(6)] == [0] * 6
    assert await limiter.attempt(account="a", source="ip-new") == 30
    assert await limiter.attempt(account="b", source="ip-new") == 0


async def test_a_source_trying_many_accounts_is_slowed_down(limiter):
    assert [await limiter.attempt(account=f"user{n}", source="ip1") for n in range(10)] == [0] * 10
    assert await limiter.attempt(account="fresh", source="ip1") > 0
    assert await limiter.attempt(account="fresh", source="ip2") == 0


async def test_success_ends_the_pairs_delay_and_the_window_forgets(limiter, clock):
    for _ in range(3):
        await limiter.attempt(account="a", source="ip1")
    await limiter.succeeded(account="a", source="ip1")
    assert await limiter.attempt(account="a", source="ip1") == 0
    for _ in range(2):
        await limiter.attempt(account="a", source="ip1")
    assert await limiter.attempt(account="a", source="ip1") > 0
    clock.now += 901
    assert await limiter.attempt(account="a", source="ip1") == 0


async def test_clearing_an_account_lets_it_sign_in_from_everywhere_at_once(limiter):
    for n in range(6):
        await limiter.attempt(account="a", source=f"ip{n}")
    assert await limiter.attempt(account="a", source="ip0") > 0
    assert await limiter.clear(account="a") > 0
    assert await limiter.attempt(account="a", source="ip0") == 0
