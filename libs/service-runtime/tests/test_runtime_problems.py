import httpx
from fastapi import FastAPI
from pydantic import BaseModel

from service_runtime.problems import Conflict, install_problem_handlers


class Body(BaseModel):
    count: int


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/things")
    async def create(body: Body):
        if body.count == 0:
            raise Conflict("Zero things are already there.", field="count")
        if body.count < 0:
            raise RuntimeError("database password is hunter2")
        return {"ok": True}

    return app


async def _post(**kwargs) -> httpx.Response:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        return await http.post("/things", **kwargs)


async def test_domain_errors_become_problem_json_with_extensions():
    response = await _post(json={"count": 0})
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Conflict",
        "status": 409,
        "detail": "Zero things are already there.",
        "instance": "/things",
        "field": "count",
    }


async def test_validation_errors_name_the_field():
    response = await _post(json={"count": "many"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == ["body", "count"]


async def test_malformed_json_is_a_400():
    response = await _post(content=b'{"count": ', headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["title"] == "Malformed JSON"


async def test_unexpected_errors_do_not_leak_details():
    response = await _post(json={"count": -1})
    assert response.status_code == 500
    assert "hunter2" not in response.text
    assert response.headers["content-type"] == "application/problem+json"
