"""Shopify's signatures: webhooks (base64 HMAC-SHA256 of the raw body) and the OAuth
callback query (hex HMAC-SHA256 of the sorted ``key=value`` pairs but ``hmac``)."""

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence

#: Shopify's shop-domain rule (its docs): the host we will post the app's secret to.
SHOP_DOMAIN = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9-]*\.myshopify\.com$")


def webhook_signature(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def webhook_signed(body: bytes, given: str | None, secrets: Iterable[str]) -> bool:
    """Compared in constant time with the signature under each secret (current, previous)."""
    if not given:
        return False
    ok = False
    for secret in secrets:
        ok |= hmac.compare_digest(webhook_signature(body, secret).encode(), given.strip().encode())
    return ok


def _escape(text: str, *, key: bool) -> str:
    text = text.replace("%", "%25").replace("&", "%26")
    return text.replace("=", "%3D") if key else text


def query_message(params: Sequence[tuple[str, str]]) -> str:
    pairs = sorted((k, v) for k, v in params if k not in ("hmac", "signature"))
    return "&".join(f"{_escape(k, key=True)}={_escape(v, key=False)}" for k, v in pairs)


def query_signature(params: Sequence[tuple[str, str]], secret: str) -> str:
    return hmac.new(secret.encode(), query_message(params).encode(), hashlib.sha256).hexdigest()


def query_signed(params: Sequence[tuple[str, str]], secrets: Iterable[str]) -> bool:
    given = next((v for k, v in params if k == "hmac"), "")
    if not given:
        return False
    ok = False
    for secret in secrets:
        ok |= hmac.compare_digest(query_signature(params, secret).encode(), given.lower().encode())
    return ok
