"""Serve an ASGI app (a simulator, or a service under test) as a real HTTP server on a free
loopback port, inside the running event loop: the platforms reach the connector and the
connector reaches the platforms over real sockets, as in production."""

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def served(app: Any, *, port: int | None = None, lifespan: str = "on") -> AsyncIterator[str]:
    """Runs ``app`` with uvicorn on 127.0.0.1 (lifespan included) and yields its base URL
    (``http://127.0.0.1:<port>``); stops it on exit."""
    port = port or free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, lifespan=lifespan, proxy_headers=False, access_log=False
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # raises why it could not start
            raise RuntimeError("the HTTP server stopped before it started")
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
