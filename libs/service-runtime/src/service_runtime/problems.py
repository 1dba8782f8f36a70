"""RFC 9457 problem details for every error a service returns over HTTP."""

import json
from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request, routing
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from service_runtime.errors import Conflict, DomainError, Forbidden, NotFound, Unauthorized

__all__ = [
    "Conflict",
    "DomainError",
    "Forbidden",
    "NotFound",
    "Problem",
    "Unauthorized",
    "document_problems",
    "install_problem_handlers",
    "problem",
    "problem_responses",
]

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger()


def problem(
    status: int,
    *,
    title: str | None = None,
    detail: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
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
        return problem(
            error.status,
            title=error.title,
            detail=error.detail,
            instance=request.url.path,
            headers=headers,
            type=error.type,
            **error.extensions,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"location": [str(p) for p in e.get("loc", ())], "message": e.get("msg", ""), "type": e.get("type", "")}
            for e in error.errors()
        ]
        if any(e["type"] == "json_invalid" for e in errors):
            return problem(
                400,
                title="Malformed JSON",
                detail="The request body is not valid JSON.",
                instance=request.url.path,
                errors=errors,
            )
        return problem(
            422,
            title="Invalid request",
            detail="One or more fields are invalid.",
            instance=request.url.path,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        detail = error.detail if isinstance(error.detail, str) else None
        return problem(
            error.status_code, detail=detail, instance=request.url.path, headers=getattr(error, "headers", None)
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("http.unhandled_error", path=request.url.path)
        return problem(500, detail="An unexpected error occurred; it has been logged.", instance=request.url.path)


# ---------------------------------------------------------------- OpenAPI: the errors each route returns


class ProblemError(BaseModel):
    """One invalid field of a 422 (or the JSON syntax error of a 400)."""

    location: list[str] = Field(description="Where: body, query or path, then the field's path")
    message: str
    type: str = Field(description="Machine-readable kind, e.g. string_too_long, missing, json_invalid")


class Problem(BaseModel):
    """RFC 9457 problem details: every error answer of every service (application/problem+json)."""

    type: str = Field(
        default="about:blank", description="A URI naming the kind of problem; about:blank when the status says it all"
    )
    title: str = Field(description="Short summary of the kind of problem")
    status: int = Field(description="The HTTP status code")
    detail: str | None = Field(default=None, description="What went wrong this time, for a person")
    instance: str | None = Field(default=None, description="The request path")
    field: str | None = Field(default=None, description="The input field a business rule refused, when there is one")
    errors: list[ProblemError] | None = Field(default=None, description="400 and 422: each invalid field")


PROBLEM_SCHEMA_REF = {"$ref": "#/components/schemas/Problem"}
BEARER_SCHEME = "bearerAuth"

#: What each documented status means for a caller, when the route says nothing more precise.
PROBLEM_DESCRIPTIONS = {
    400: "Malformed JSON, or a business rule refused the input (`field` names it)",
    401: "No bearer token, or it is invalid, expired or revoked",
    403: "The token's role or client may not do this",
    404: "Not found",
    409: "Conflicts with the current state",
    410: "Gone: no longer usable",
    413: "The request body is larger than this route accepts",
    422: "A field is missing, of the wrong type or beyond its limits (`errors` lists each)",
    429: "Too many requests: retry after the Retry-After header's seconds",
    503: "A dependency does not answer: retry later",
}


def problem_responses(*statuses: int, **described: str) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route for the problems it can answer, e.g.
    ``problem_responses(404, 409)`` or ``problem_responses(409, **{"410": "The link has expired"})``."""
    wanted = {int(status): PROBLEM_DESCRIPTIONS.get(int(status), HTTPStatus(int(status)).phrase) for status in statuses}
    wanted.update({int(status): text for status, text in described.items()})
    return {
        status: {"description": text, "content": {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA_REF}}}
        for status, text in wanted.items()
    }


def _calls(dependant: Dependant) -> list[Callable[..., Any]]:
    found = [dependant.call] if dependant.call is not None else []
    for dependency in dependant.dependencies:
        found.extend(_calls(dependency))
    return found


def requires_principal(route: Any) -> bool:
    """The route verifies a bearer token (it depends on ``service_runtime.auth.current_principal``)."""
    from service_runtime.auth import current_principal

    return current_principal in _calls(route.dependant)


def _api_routes(app: FastAPI) -> Iterator[Any]:
    """The app's API routes as the OpenAPI generator sees them (routers' dependencies included)."""
    if hasattr(routing, "iter_route_contexts"):  # FastAPI >= 0.160 includes routers lazily
        for context in routing.iter_route_contexts(app.routes):
            if isinstance(context.original_route, APIRoute):
                yield context
    else:
        yield from (route for route in app.routes if isinstance(route, APIRoute))


def runtime_problems(route: Any) -> list[int]:
    """The problems the runtime itself answers for a route, whatever the route does."""
    statuses: list[int] = []
    if requires_principal(route):
        statuses += [401, 403]
    if route.body_field is not None:
        statuses += [400, 413, 422]
    if route.dependant.path_params or route.dependant.query_params or route.dependant.header_params:
        statuses += [422]
    return sorted(set(statuses))


def document_problems(app: FastAPI) -> None:
    """Completes the app's OpenAPI with the problems the runtime answers for each route,
    beside those the route declares with ``problem_responses``: 401 and 403 (and the bearer
    security scheme) where a token is verified; 400, 413 and 422 where there is a body; 422
    where there are parameters. Every 4xx/5xx answer is ``application/problem+json`` Problem."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()
        for route in _api_routes(app):
            if not route.include_in_schema:
                continue
            operations = document["paths"].get(route.path_format, {})
            for method in route.methods or ():
                operation = operations.get(method.lower())
                if operation is None:
                    continue
                responses = operation.setdefault("responses", {})
                for status, response in problem_responses(*runtime_problems(route)).items():
                    if str(status) not in responses or "HTTPValidationError" in str(responses[str(status)]):
                        responses[str(status)] = response
                for status, response in responses.items():
                    if status[0] in "45" and PROBLEM_JSON not in response.get("content", {}):
                        response["content"] = {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA_REF}}
                if requires_principal(route):
                    operation["security"] = [{BEARER_SCHEME: []}]
        components = document.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(problem_schema.pop("$defs", {}))
        schemas["Problem"] = problem_schema
        for unused in ("HTTPValidationError", "ValidationError"):
            if f"#/components/schemas/{unused}" not in json.dumps(document["paths"]):
                schemas.pop(unused, None)
        components.setdefault("securitySchemes", {})[BEARER_SCHEME] = {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "An access token from POST /auth/login (access service)",
        }
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
