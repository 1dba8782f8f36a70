"""The small web app behind the gateway's ``/readyz`` and ``/docs/`` (nginx can proxy, not
aggregate). It holds no state and needs neither Kafka nor a database:

- ``GET /readyz``: every service's own ``/readyz``, asked at once; 200 when all are ready,
  otherwise 503 problem+json naming the services that are not (unreachable included).
- ``GET /docs/``: Swagger UI over every service's OpenAPI (``/docs/<service>/openapi.json``,
  which the gateway proxies to the service), with its assets served from the
  ``swagger-ui-bundle`` package: the page works without Internet access.

Run by ``deploy/services.sh`` as ``python -m service_runtime.ops.gateway`` on
``OPS_PORT`` (STOREFRONTS_BASE_PORT + 9, 8009 by default). Services are found at
``http://127.0.0.1:<STOREFRONTS_BASE_PORT + n>`` as deploy/services.sh starts them, or from
``STOREFRONTS_OPS_SERVICES`` (``client=http://host:port,access=...``)."""

import asyncio
import html
import json
import os
from typing import Any

import httpx
import swagger_ui_bundle
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

#: The services deploy/services.sh runs, and their port's offset from STOREFRONTS_BASE_PORT.
SERVICE_PORTS = {"client": 1, "access": 2, "connector": 3, "mapping": 4, "order-intake": 5, "notifier": 6}
OPS_PORT_OFFSET = 9
PROBLEM_JSON = "application/problem+json"


def services_from_environment() -> dict[str, str]:
    configured = os.environ.get("STOREFRONTS_OPS_SERVICES", "").strip()
    if configured:
        pairs = (item.split("=", 1) for item in configured.split(",") if item.strip())
        return {name.strip(): url.strip().rstrip("/") for name, url in pairs}
    base = int(os.environ.get("STOREFRONTS_BASE_PORT", "8000"))
    return {name: f"http://127.0.0.1:{base + offset}" for name, offset in SERVICE_PORTS.items()}


async def _readiness(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    try:
        response = await client.get(f"{url}/readyz")
    except httpx.HTTPError as error:
        return {"status": "unreachable", "detail": f"{type(error).__name__}: {error}".rstrip(": ")}
    try:
        body = response.json()
    except json.JSONDecodeError:
        body = {}
    ready = response.status_code == 200
    answer = {"status": "ready" if ready else "not ready", "http_status": response.status_code}
    if isinstance(body, dict) and "checks" in body:
        answer["checks"] = body["checks"]
    return answer


def docs_page(services: list[str]) -> str:
    urls = json.dumps([{"url": f"/docs/{name}/openapi.json", "name": name} for name in services])
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Storefronts APIs</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({{
      urls: {html.escape(urls, quote=False)},
      dom_id: "#swagger-ui",
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout",
      deepLinking: true
    }});
  </script>
</body>
</html>
"""


def create_gateway_app(services: dict[str, str] | None = None, *, timeout_seconds: float = 3.0) -> Starlette:
    services = services if services is not None else services_from_environment()

    async def readyz(request: Request) -> JSONResponse:
        async with httpx.AsyncClient(timeout=timeout_seconds) as client:
            answers = await asyncio.gather(*(_readiness(client, url) for url in services.values()))
        status = dict(zip(services, answers, strict=True))
        not_ready = sorted(name for name, answer in status.items() if answer["status"] != "ready")
        if not not_ready:
            return JSONResponse({"status": "ready", "services": status})
        return JSONResponse(
            {
                "type": "about:blank",
                "title": "Not ready",
                "status": 503,
                "detail": f"Not ready: {', '.join(not_ready)}.",
                "instance": "/readyz",
                "services": status,
            },
            status_code=503,
            media_type=PROBLEM_JSON,
        )

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def docs(request: Request) -> HTMLResponse:
        return HTMLResponse(docs_page(list(services)))

    async def to_docs(request: Request) -> RedirectResponse:
        return RedirectResponse("/docs/")

    return Starlette(
        routes=[
            Route("/readyz", readyz),
            Route("/healthz", healthz),
            Route("/docs", to_docs),
            Route("/docs/", docs),
            Mount("/docs/assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger-ui"),
        ]
    )


def serve() -> None:
    port = int(os.environ.get("OPS_PORT", int(os.environ.get("STOREFRONTS_BASE_PORT", "8000")) + OPS_PORT_OFFSET))
    uvicorn.run(create_gateway_app(), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    serve()
