"""Problem details in the reader's language: the language the data gives (set on the error
as ``locale``), else the request's ``Accept-Language`` (fr-FR counts as fr). Errors said by
key carry ``key`` and ``values``; ``type`` and ``field`` never change with the language and
``code`` names the message."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from service_runtime.errors import DomainError
from service_runtime.messages import Catalog, locale_from_header
from service_runtime.problems import problem


def request_locale(request: Request) -> str:
    return locale_from_header(request.headers.get("accept-language"))


def install_translated_problems(app: FastAPI, catalog: Catalog) -> None:
    """Replaces the runtime's DomainError and validation handlers with translated ones."""

    async def domain_error(request: Request, error: DomainError) -> JSONResponse:
        locale = getattr(error, "locale", None) or request_locale(request)
        key = getattr(error, "key", None)
        detail = catalog.render(key, locale, getattr(error, "values", {})) if key else error.detail
        headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else {}
        extensions = dict(error.extensions)
        if retry_after := getattr(error, "retry_after", None):
            headers["Retry-After"] = str(retry_after)
            extensions.setdefault("retry_after", retry_after)
        if key:
            extensions["code"] = key
        return problem(
            error.status,
            title=catalog.title(type(error).__name__, locale, error.title),
            detail=detail,
            instance=request.url.path,
            headers=headers or None,
            type=error.type,
            **extensions,
        )

    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        locale = request_locale(request)
        errors = [
            {"location": [str(p) for p in e.get("loc", ())], "message": e.get("msg", ""), "type": e.get("type", "")}
            for e in error.errors()
        ]
        if any(e["type"] == "json_invalid" for e in errors):
            return problem(
                400,
                title=catalog.title("MalformedJson", locale, "Malformed JSON"),
                detail=catalog.render("json_invalid", locale),
                instance=request.url.path,
                errors=errors,
            )
        # every error on one field of the body: name it, so a form shows the problem beside it
        fields = {e["location"][1] for e in errors if len(e["location"]) > 1 and e["location"][0] == "body"}
        named = {"field": fields.pop()} if len(fields) == 1 and len(errors) == 1 else {}
        return problem(
            422,
            title=catalog.title("RequestValidationError", locale, "Invalid request"),
            detail=catalog.render("request_invalid", locale),
            instance=request.url.path,
            errors=errors,
            **named,
        )

    app.exception_handler(DomainError)(domain_error)  # the decorator: typed for handlers of a subclass
    app.exception_handler(RequestValidationError)(invalid_request)
