"""The page behind the invitation link."""

from urllib.parse import urlsplit

from service_runtime.testing.helpers import accept_link

from .journey import enable_access, invitation, known_client, token_of


async def test_the_link_keeps_the_token_in_its_fragment_and_the_page_posts_it_to_accept(api, operator, access_settings):
    client_id = await known_client(api, name="Page Prints")
    await enable_access(api, operator, client_id, "page@acme.example")
    invited = await invitation(access_settings, "page@acme.example")
    link = urlsplit(accept_link(invited))
    assert link.path == "/invitations/accept" and link.query == "" and link.fragment == f"token={token_of(invited)}"

    page = await api.get(link.path)  # what a browser requests: never the fragment

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'new URLSearchParams(location.hash.slice(1)).get("token")' in page.text
    assert 'fetch("accept", {method: "POST"' in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


async def test_a_hostile_token_cannot_break_out_of_the_script(api):
    page = await api.get("/invitations/accept", params={"token": '"</script><script>alert(1)</script>'})
    assert "</script><script>alert(1)" not in page.text
    assert '\\u003c/script\\u003e' in page.text


async def test_a_link_mailed_before_the_fragment_still_opens_the_page_with_its_token(api):
    page = await api.get("/invitations/accept", params={"token": "an-older-link-token"})
    assert '|| "an-older-link-token";' in page.text
