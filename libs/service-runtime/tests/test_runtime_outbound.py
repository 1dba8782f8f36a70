import pytest

from service_runtime.outbound import UnsafeUrl, check_url, guarded_client


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/hook", "http://localhost:8080/", "http://10.1.2.3/", "http://192.168.0.10/",
    "http://169.254.169.254/latest/meta-data", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/",
    "http://100.64.0.1/",
])
async def test_refuses_private_loopback_and_link_local_targets(url):
    with pytest.raises(UnsafeUrl):
        await check_url(url)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://example.com/", "http://user:pw@93.184.216.34/", "http:///path"])
async def test_refuses_other_schemes_credentials_and_missing_hosts(url):
    with pytest.raises(UnsafeUrl):
        await check_url(url, allow_private=True)


async def test_accepts_public_addresses_and_private_ones_when_allowed():
    await check_url("https://93.184.216.34/orders")
    await check_url("http://127.0.0.1:9000/hook", allow_private=True)


async def test_guarded_client_refuses_before_connecting():
    async with guarded_client(allow_private=False) as http:
        with pytest.raises(UnsafeUrl):
            await http.get("http://127.0.0.1:1/never-reached")
