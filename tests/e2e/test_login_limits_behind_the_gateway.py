"""The access service as its own process, as deployed: a local caller cannot pick the
address its failed sign-ins are counted under by sending X-Forwarded-For, while the
gateway's address (STOREFRONTS_TRUSTED_PROXIES) may name the caller. And a service
without secret keys refuses to start."""

import asyncio
import shutil
import subprocess
import uuid

import httpx
import pytest

from service_runtime.testing.processes import free_port

PASSWORD = "operator passphrase long enough"


def _operator(run: str) -> dict[str, str]:
    return {"BOOTSTRAP_OPERATOR_EMAIL": f"ops-{run}@provider.example", "BOOTSTRAP_OPERATOR_PASSWORD": PASSWORD}


async def test_a_forwarded_for_header_sent_directly_does_not_escape_the_per_address_limit(launch):
    access = launch("access", STOREFRONTS_TRUSTED_PROXIES='["127.0.0.2"]', LOGIN_ATTEMPTS_PER_SOURCE="3")
    async with httpx.AsyncClient(timeout=20) as http:
        statuses = [
            (
                await http.post(
                    f"{access.url}/auth/login",
                    headers={"X-Forwarded-For": f"198.51.100.{n}"},
                    json={"email": f"user{n}@acme.example", "password": "wrong guess!!"},
                )
            ).status_code
            for n in range(6)
        ]
    assert statuses == [401] * 3 + [429] * 3


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
async def test_behind_the_gateway_each_caller_is_counted_under_its_own_address(launch, tmp_path):
    run = uuid.uuid4().hex[:8]
    access = launch("access", STOREFRONTS_TRUSTED_PROXIES='["127.0.0.2"]', **_operator(run))
    port = free_port()
    (tmp_path / "tmp").mkdir()
    (tmp_path / "nginx.conf").write_text(f"""
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
daemon off;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/tmp; proxy_temp_path {tmp_path}/tmp; fastcgi_temp_path {tmp_path}/tmp;
    uwsgi_temp_path {tmp_path}/tmp; scgi_temp_path {tmp_path}/tmp;
    proxy_bind 127.0.0.2;
    proxy_set_header X-Forwarded-For $http_x_test_caller;
    server {{ listen 127.0.0.1:{port}; location / {{ proxy_pass {access.url}; }} }}
}}
""")
    gateway = subprocess.Popen(["nginx", "-c", str(tmp_path / "nginx.conf"), "-g", f"error_log {tmp_path}/error.log;"])
    try:
        async with httpx.AsyncClient(timeout=20) as http:

            async def log_in(caller: str, password: str) -> int:
                for _ in range(50):  # until nginx listens
                    try:
                        return (
                            await http.post(
                                f"http://127.0.0.1:{port}/auth/login",
                                headers={"X-Test-Caller": caller},
                                json={"email": f"ops-{run}@provider.example", "password": password},
                            )
                        ).status_code
                    except httpx.ConnectError:
                        await asyncio.sleep(0.1)
                raise AssertionError("the test gateway did not start")

            attacker = [await log_in("198.51.100.66", "wrong guess!!") for _ in range(6)]
            owner = await log_in("203.0.113.7", PASSWORD)
    finally:
        gateway.terminate()
        gateway.wait(timeout=10)
    assert attacker == [401] * 5 + [429]
    assert owner == 200


async def test_a_service_without_secret_keys_refuses_to_start(launch):
    process = launch("client", wait=False, STOREFRONTS_SECRET_KEYS="[]")
    assert process.wait_exit(timeout=60) != 0
    assert "STOREFRONTS_SECRET_KEYS" in process.log_path.read_text()
