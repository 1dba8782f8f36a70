"""The page the invitation email links to. Its script reads the token from the address's
fragment (``#token=…``, which no server sees; ``?token=…`` of older links still works),
asks ``POST /invitations/inspect`` what the link is before anyone types (whose account,
which company, still usable or why not), then posts the password to ``POST
/invitations/accept`` (the same API any client UI uses) and links to signing in.
The token is never put in the page nor sent in a GET. The page speaks the invited
person's language once the link is known, and the browser's before."""

import json
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import HTMLResponse

from access.domain.messages import locale_from_header
from access.domain.passwords import EMAIL_PART_MIN, PASSWORD_MAX, PASSWORD_MIN

router = APIRouter(tags=["auth"])

COPY = {
    "en": {
        "title": "Accept your Storefronts invitation",
        "heading": "Welcome to Storefronts",
        "checking": "Checking your invitation link…",
        "account": "You are activating the account {email} for {client}.",
        "choose": "Choose a password to activate your account.",
        "rules": "Your password:",
        "rule_length": "has at least {min} characters (at most {max});",
        "rule_repeat": "is not one character repeated;",
        "rule_email": "does not contain your email address, nor its part before the @ when that part has {part} "
        "characters or more.",
        "password": "Password",
        "confirm": "Password again",
        "submit": "Activate my account",
        "different": "The two passwords are different.",
        "no_token": "This page needs the link from your invitation email: open the link from the email again.",
        "failed": "Something went wrong; try again in a moment.",
        "done": "Your account {email} is active for {client}. Sign in with this email address and your new password.",
        "sign_in": "Sign in",
    },
    "fr": {
        "title": "Acceptez votre invitation Storefronts",
        "heading": "Bienvenue sur Storefronts",
        "checking": "Vérification de votre lien d'invitation…",
        "account": "Vous activez le compte {email} pour {client}.",
        "choose": "Choisissez un mot de passe pour activer votre compte.",
        "rules": "Votre mot de passe :",
        "rule_length": "contient au moins {min} caractères (au plus {max}) ;",
        "rule_repeat": "n'est pas un seul caractère répété ;",
        "rule_email": "ne contient pas votre adresse e-mail, ni sa partie avant le @ quand elle compte {part} "
        "caractères ou plus.",
        "password": "Mot de passe",
        "confirm": "Confirmez le mot de passe",
        "submit": "Activer mon compte",
        "different": "Les deux mots de passe sont différents.",
        "no_token": "Cette page a besoin du lien de votre e-mail d'invitation : ouvrez à nouveau le lien de l'e-mail.",
        "failed": "Une erreur est survenue ; réessayez dans un instant.",
        "done": "Votre compte {email} est activé pour {client}. Connectez-vous avec cette adresse e-mail et votre "
        "nouveau mot de passe.",
        "sign_in": "Se connecter",
    },
}

_PAGE = """<!doctype html>
<html lang="__LANG__"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title data-copy="title">__TITLE__</title>
<style>body{font-family:system-ui,sans-serif;max-width:30rem;margin:3rem auto;padding:0 1rem;color:#222}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem}#message{margin-top:1rem}.error{color:#b00020}.ok{color:#1b5e20}</style>
</head><body>
<h1 data-copy="heading">__HEADING__</h1>
<p id="account" data-copy="checking">__CHECKING__</p>
<form id="accept" hidden>
<p data-copy="choose"></p>
<p data-copy="rules"></p>
<ul><li id="rule-length"></li><li data-copy="rule_repeat"></li><li id="rule-email"></li></ul>
<label for="password" data-copy="password"></label><input id="password" type="password" autocomplete="new-password" required>
<label for="confirm" data-copy="confirm"></label><input id="confirm" type="password" autocomplete="new-password" required>
<button type="submit" data-copy="submit"></button>
</form>
<p id="message" role="status"></p>
<p id="signin" hidden><a id="signin-link" href="__SIGN_IN__" data-copy="sign_in"></a></p>
<script>
const COPY = __COPY__, RULES = __RULES__;
let lang = __LANG_JSON__;
const $ = (id) => document.getElementById(id);
const form = $("accept"), message = $("message");
const fill = (text, values) => text.replace(/\\{(\\w+)\\}/g, (_, k) => values[k] ?? "");
function speak(next) {
  if (COPY[next]) lang = next;
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-copy]").forEach((el) => { el.textContent = COPY[lang][el.dataset.copy]; });
  $("rule-length").textContent = fill(COPY[lang].rule_length, {min: RULES.min, max: RULES.max});
  $("rule-email").textContent = fill(COPY[lang].rule_email, {part: RULES.part});
}
function say(kind, text) { message.className = kind; message.textContent = text; }
// The token travels in the fragment (never sent to a server); ?token= is the older links' form.
const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
const token = fromHash || new URLSearchParams(location.search).get("token") || "";
if (token) history.replaceState(null, "", location.pathname);
const post = (path, body) => fetch(path, {method: "POST", headers: {"content-type": "application/json",
  "accept-language": lang}, body: JSON.stringify(body)});
let invited = null;
async function inspect() {
  speak(lang);
  if (!token) { $("account").textContent = ""; say("error", COPY[lang].no_token); return; }
  try {
    const response = await post("inspect", {token});
    const body = await response.json();
    if (!response.ok) { $("account").textContent = ""; say("error", body.detail || body.title); return; }
    invited = body; speak(body.locale);
    $("account").removeAttribute("data-copy");
    $("account").textContent = fill(COPY[lang].account, {email: body.email, client: body.client_name});
    if (body.state === "usable") { form.hidden = false; }
    else { say("error", body.message); if (body.state === "used") $("signin").hidden = false; }
  } catch (error) { say("error", COPY[lang].failed); }
}
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const password = $("password").value;
  if (password !== $("confirm").value) { say("error", COPY[lang].different); return; }
  try {
    const response = await post("accept", {token, password});
    const body = await response.json();
    if (response.ok) {
      form.hidden = true; $("signin").hidden = false;
      say("ok", fill(COPY[lang].done, {email: body.email, client: invited ? invited.client_name : ""}));
    } else { say("error", body.detail || body.title); }
  } catch (error) { say("error", COPY[lang].failed); }
});
inspect();
</script></body></html>"""


def _script_json(value) -> str:
    """A JSON literal that cannot end the script element."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@router.get("/invitations/accept", response_class=HTMLResponse, summary="The invitation link's page")
async def accept_page(
    request: Request,
    accept_language: Annotated[str | None, Header(include_in_schema=False)] = None,
    token: Annotated[str, Query(max_length=200, description="Older links only; the page reads it in the browser")] = "",
) -> HTMLResponse:
    """Served to the person who opens the link from the invitation email. The page itself
    holds no token: its script reads it from the address and posts it."""
    lang = locale_from_header(accept_language)
    copy = COPY[lang]
    sign_in = request.app.state.runtime.settings.sign_in_url
    page = (
        _PAGE.replace("__LANG_JSON__", _script_json(lang))
        .replace("__LANG__", lang)
        .replace("__TITLE__", copy["title"])
        .replace("__HEADING__", copy["heading"])
        .replace("__CHECKING__", copy["checking"])
        .replace("__SIGN_IN__", sign_in.replace('"', "%22"))
        .replace("__COPY__", _script_json(COPY))
        .replace("__RULES__", _script_json({"min": PASSWORD_MIN, "max": PASSWORD_MAX, "part": EMAIL_PART_MIN}))
    )
    return HTMLResponse(
        page,
        headers={
            "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
            "Content-Language": lang,
            "Vary": "Accept-Language",
        },
    )
