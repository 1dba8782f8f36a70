"""The page behind the invitation link."""

from .journey import enable_access, invitation, known_client


async def test_the_link_opens_a_page_that_posts_the_token_to_accept(api, operator, access_settings):
    client_id = await known_client(api, name="Page Prints")
    await enable_access(api, operator, client_id, "page@acme.example")
    invited = await invitation(access_settings, "page@acme.example")
    token = invited.accept_url.split("token=")[1]

    page = await api.get("/invitations/accept", params={"token": token})

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f'const token = "{token}";' in page.text
    assert 'fetch("accept", {method: "POST"' in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


async def test_a_hostile_token_cannot_break_out_of_the_script(api):
    page = await api.get("/invitations/accept", params={"token": '"</script><script>alert(1)</script>'})
    assert "</script><script>alert(1)" not in page.text
    assert '\\u003c/script\\u003e' in page.text
