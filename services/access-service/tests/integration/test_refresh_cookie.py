"""The browser's session: the refresh token lives in an httpOnly, SameSite=Strict cookie on
/auth that a page's script never reads; API clients keep the JSON body."""

from .journey import PASSWORD, active_admin, bearer

COOKIE = "storefronts_refresh"


def _set_cookie(response) -> str:
    [header] = [v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith(COOKIE)]
    return header


async def test_login_sets_an_httponly_strict_cookie_scoped_to_auth(api, operator, access_settings):
    await active_admin(api, access_settings, operator, email="cookie@acme.example")
    response = await api.post("/auth/login", json={"email": "cookie@acme.example", "password": PASSWORD})
    assert response.status_code == 200
    header = _set_cookie(response).lower()
    assert "httponly" in header and "samesite=strict" in header and "path=/auth" in header
    assert "secure" not in header.split(";", 1)[1]  # plain http (the local gateway)
    assert response.json()["refresh_token"] in _set_cookie(response)  # the body is kept for API clients


async def test_behind_https_the_cookie_is_secure(api, operator, access_settings):
    await active_admin(api, access_settings, operator, email="tls@acme.example")
    response = await api.post(
        "/auth/login",
        headers={"X-Forwarded-Proto": "https"},
        json={"email": "tls@acme.example", "password": PASSWORD},
    )
    assert "secure" in _set_cookie(response).lower().split(";", 1)[1]


async def test_refresh_without_a_body_uses_and_rotates_the_cookie(api, operator, access_settings):
    _, first = await active_admin(api, access_settings, operator)  # signs in: the jar holds the cookie
    refreshed = await api.post("/auth/refresh")
    assert refreshed.status_code == 200, refreshed.text
    assert (await api.get("/auth/me", headers=bearer(refreshed.json()))).status_code == 200
    assert api.cookies[COOKIE] == refreshed.json()["refresh_token"] != first["refresh_token"]
    again = await api.post("/auth/refresh")  # the rotated cookie, not the spent one
    assert again.status_code == 200, again.text


async def test_logout_clears_the_cookie_and_a_later_refresh_is_refused(api, operator, access_settings):
    _, tokens = await active_admin(api, access_settings, operator)
    out = await api.post("/auth/logout", headers=bearer(tokens))
    assert out.status_code == 204
    assert "max-age=0" in _set_cookie(out).lower()
    assert COOKIE not in api.cookies
    refused = await api.post("/auth/refresh")
    assert refused.status_code == 401 and refused.headers["content-type"] == "application/problem+json"


async def test_a_spent_cookie_is_refused_and_dropped(api, operator, access_settings):
    await active_admin(api, access_settings, operator)
    spent = api.cookies[COOKIE]
    assert (await api.post("/auth/refresh")).status_code == 200
    api.cookies.set(COOKIE, spent, path="/auth")
    refused = await api.post("/auth/refresh")
    assert refused.status_code == 401
    assert "max-age=0" in _set_cookie(refused).lower()
