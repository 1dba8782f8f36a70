"""Failed sign-in counting, with an in-memory Redis and without Redis."""

import pytest
from fakeredis import FakeAsyncRedis

from access.adapters.limiter import MemoryLoginLimiter, RedisLoginLimiter


@pytest.fixture(params=["redis", "memory"])
def limiter(request):
    limits = {"per_account": 3, "per_source": 5, "window": 900}
    if request.param == "redis":
        return RedisLoginLimiter(FakeAsyncRedis(), namespace="t:", **limits)
    return MemoryLoginLimiter(**limits)


async def test_blocks_an_account_after_its_failures_until_success_resets_it(limiter):
    for _ in range(3):
        assert await limiter.retry_after(account="a", source="ip1") == 0
        await limiter.failed(account="a", source="ip1")
    assert 0 < await limiter.retry_after(account="a", source="ip2") <= 900
    assert await limiter.retry_after(account="b", source="ip2") == 0
    await limiter.succeeded(account="a")
    assert await limiter.retry_after(account="a", source="ip2") == 0


async def test_blocks_a_source_trying_many_accounts(limiter):
    for n in range(5):
        await limiter.failed(account=f"user{n}", source="ip1")
    assert await limiter.retry_after(account="fresh", source="ip1") > 0
    assert await limiter.retry_after(account="fresh", source="ip2") == 0
