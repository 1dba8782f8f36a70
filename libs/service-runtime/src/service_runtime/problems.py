"""RFC 9457 problem details for every error a service returns over HTTP."""

from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from service_runtime.errors import Conflict, DomainError, Forbidden, NotFound, Unauthorized

__all__ = ["Conflict", "DomainError", "Forbidden", "NotFound", "Unauthorized", "install_problem_handlers", "problem"]

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger()


def problem(status: int, *, title: str | None = None, detail: str | None = None, instance: str | None = None,
            headers: dict[str, str] | None = None, **extensions: Any) -> JSONResponse:
    body: dict[str, Any] = {
        "type": extensions.pop("type", "about:blank"),
        "title": title or HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extensions)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
        return problem(error.status, title=error.title, detail=error.detail, instance=request.url.path,
                       headers=headers, type=error.type, **error.extensions)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"location": [str(p) for p in e.get("loc", ())], "message": e.get("msg", ""), "type": e.get("type", "")}
            for e in error.errors()
        ]
        if any(e["type"] == "json_invalid" for e in errors):
            return problem(400, title="Malformed JSON", detail="The request body is not valid JSON.",
                           instance=request.url.path, errors=errors)
        return problem(422, title="Invalid request", detail="One or more fields are invalid.",
                       instance=request.url.path, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        detail = error.detail if isinstance(error.detail, str) else None
        return problem(error.status_code, detail=detail, instance=request.url.path,
                       headers=getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("http.unhandled_error", path=request.url.path)
        return problem(500, detail="An unexpected error occurred; it has been logged.", instance=request.url.path)
