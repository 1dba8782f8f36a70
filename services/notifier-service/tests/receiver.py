"""A client's postback receiver for the tests: a real HTTP server (uvicorn on a free port of
127.0.0.1) that verifies signatures the way the README tells receivers to, and records
every request. It can answer 2xx, fail, hang until released, or be stopped (connection refused)."""

import asyncio
import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field

import uvicorn

from service_runtime.testing.processes import free_port


def verify(secret: str, headers: dict[str, str], body: bytes, *, tolerance_seconds: int = 300) -> dict:
    """The README's receiver example: True when one `v1,` signature matches (constant time)."""
    msg_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance_seconds:
        raise ValueError("timestamp outside the tolerance: a replayed or delayed request")
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for signature in headers["webhook-signature"].split(" "):
        version, _, value = signature.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return json.loads(body)
    raise ValueError("no valid signature")


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    status: int
    connection: tuple[str, int] | None = None  # the sender's address and port: one per TCP connection

    @property
    def id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """``status``: what it answers; ``hang``: requests wait until ``release()``."""

    status: int = 200
    hang: bool = False
    port: int = field(default_factory=free_port)
    requests: list[Received] = field(default_factory=list)
    hanging: int = 0

    def __post_init__(self) -> None:
        self._released = asyncio.Event()
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def accepted(self) -> list[Received]:
        """The requests it answered 2xx, first of each webhook-id (a receiver de-duplicates)."""
        seen: dict[str, Received] = {}
        for request in self.requests:
            if 200 <= request.status < 300:
                seen.setdefault(request.id, request)
        return list(seen.values())

    def release(self) -> None:
        self._released.set()

    async def app(self, scope, receive, send) -> None:
        assert scope["type"] == "http"
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = {name.decode().lower(): value.decode() for name, value in scope["headers"]}
        status = self.status
        client = scope.get("client")
        self.requests.append(Received(headers, body, status, tuple(client) if client else None))
        if self.hang:
            self.hanging += 1
            await self._released.wait()
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": f"answered {status}".encode()})

    async def start(self) -> "Receiver":
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off", interface="asgi3"
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.02)
        return self

    async def stop(self) -> None:
        if self._server is None or self._task is None:
            return
        self.release()
        self._server.should_exit = True
        await self._task
        self._server = self._task = None
