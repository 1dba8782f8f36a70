"""The page the invitation email links to: choose a password, accept, and see where to
sign in. It posts to ``POST /invitations/accept`` (the same API any client UI uses).

The link carries the token in its fragment (``/invitations/accept#token=...``): browsers
never send a fragment, so the token reaches no server or proxy log; the page's script
reads it and posts it in the body. Links mailed before that (``?token=...``) still work."""

import json

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

router = APIRouter(tags=["auth"])

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Accept your Storefronts invitation</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#222}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem}#message{margin-top:1rem}.error{color:#b00020}.ok{color:#1b5e20}</style>
</head><body>
<h1>Welcome to Storefronts</h1>
<p>Choose a password to activate your account. Use at least 12 characters; not your email address.</p>
<form id="accept">
<label for="password">Password</label><input id="password" type="password" autocomplete="new-password" required minlength="12">
<label for="confirm">Password again</label><input id="confirm" type="password" autocomplete="new-password" required minlength="12">
<button type="submit">Activate my account</button>
</form>
<p id="message" role="status"></p>
<script>
const token = new URLSearchParams(location.hash.slice(1)).get("token") || __TOKEN__;
if (location.hash) history.replaceState(null, "", location.pathname + location.search);  // not kept in history
const form = document.getElementById("accept"), message = document.getElementById("message");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const password = document.getElementById("password").value;
  if (password !== document.getElementById("confirm").value) {
    message.className = "error"; message.textContent = "The two passwords are different."; return;
  }
  const response = await fetch("accept", {method: "POST", headers: {"content-type": "application/json"},
    body: JSON.stringify({token, password})});
  const body = await response.json();
  if (response.ok) {
    form.hidden = true; message.className = "ok";
    message.textContent = "Your account is active. Sign in with " + body.email + " and your new password.";
  } else {
    message.className = "error"; message.textContent = body.detail || body.title;
  }
});
</script></body></html>"""


@router.get("/invitations/accept", response_class=HTMLResponse, summary="The invitation link's page")
async def accept_page(token: str = Query(default="", max_length=200)) -> HTMLResponse:
    """Served to the person who opens the link from the invitation email."""
    # A JSON string literal with <, > and & escaped cannot end the script element.
    script_token = json.dumps(token).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return HTMLResponse(
        _PAGE.replace("__TOKEN__", script_token),
        headers={
            "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
        },
    )
