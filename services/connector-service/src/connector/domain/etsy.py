"""Etsy's rules of the connection: PKCE (S256) and when tokens are refreshed. Rules only: no I/O."""

import base64
import hashlib
import re
from datetime import datetime, timedelta

VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")


def code_challenge(verifier: str) -> str:
    """S256: BASE64URL(SHA256(ASCII(code_verifier))) without padding (RFC 7636)."""
    if not VERIFIER.match(verifier):
        raise ValueError("a PKCE code verifier is 43 to 128 characters of [A-Za-z0-9-._~]")
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def token_expires_at(now: datetime, expires_in: int) -> datetime:
    return now + timedelta(seconds=expires_in)


def needs_refresh(expires_at: datetime | None, now: datetime, *, margin_seconds: int) -> bool:
    """Refreshed before it expires: when it expires within the margin (or its expiry is unknown)."""
    return expires_at is None or expires_at - now <= timedelta(seconds=margin_seconds)
