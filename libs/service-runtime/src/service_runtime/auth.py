"""Bearer JWT verification against the access service's JWKS, and role checks.

Tokens carry ``sub``, ``role``, ``client_id`` (absent for operators) and ``store_ids``
(the stores a store manager may touch)."""

import asyncio
import json
import time
from datetime import UTC, datetime
from typing import Annotated, Literal

import httpx
import jwt
from fastapi import Depends, Request
from pydantic import BaseModel

from service_runtime.problems import Forbidden, Unauthorized

Role = Literal["operator", "admin", "store_manager", "order_manager", "read_only"]
ALGORITHMS = ["RS256", "ES256", "EdDSA"]


class Principal(BaseModel):
    subject: str
    role: Role
    client_id: str | None = None
    store_ids: tuple[str, ...] = ()
    session_id: str | None = None
    issued_at: datetime | None = None

    @property
    def is_operator(self) -> bool:
        return self.role == "operator"

    def can_see_client(self, client_id: str) -> bool:
        return self.is_operator or self.client_id == client_id


class JwtVerifier:
    """Verifies tokens with the keys of a JWKS document, fetched from ``jwks_url`` (and
    fetched again, at most every 30 s, when a token names a key id it does not know:
    keys rotate) or given as a static set."""

    def __init__(self, *, issuer: str, audience: str, jwks_url: str = "", jwks: dict | None = None) -> None:
        self.issuer = issuer
        self.audience = audience
        self.jwks_url = jwks_url
        self._keys: dict[str, object] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()
        if jwks:
            self.use_jwks(jwks)

    def use_jwks(self, jwks: dict) -> None:
        self._keys = {k["kid"]: jwt.PyJWK.from_dict(k).key for k in jwks.get("keys", []) if "kid" in k}

    async def _refresh(self) -> None:
        if not self.jwks_url:
            return
        async with self._lock:
            if time.monotonic() - self._fetched_at < 30 and self._keys:
                return
            async with httpx.AsyncClient(timeout=5) as client:
                response = await client.get(self.jwks_url)
                response.raise_for_status()
            self.use_jwks(response.json())
            self._fetched_at = time.monotonic()

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise Unauthorized("The bearer token is malformed.") from error
        kid = header.get("kid")
        if kid not in self._keys:
            try:
                await self._refresh()
            except (httpx.HTTPError, json.JSONDecodeError) as error:
                raise Unauthorized("The token's signing keys cannot be fetched right now.") from error
        key = self._keys.get(kid)
        if key is None:
            raise Unauthorized("The token is signed by an unknown key.")
        try:
            claims = jwt.decode(token, key=key, algorithms=ALGORITHMS, audience=self.audience, issuer=self.issuer,
                                options={"require": ["exp", "sub", "iss", "aud"]})
        except jwt.ExpiredSignatureError as error:
            raise Unauthorized("The token has expired.") from error
        except jwt.PyJWTError as error:
            raise Unauthorized("The token is invalid.") from error
        try:
            return Principal(subject=claims["sub"], role=claims.get("role"), client_id=claims.get("client_id"),
                             store_ids=tuple(claims.get("store_ids") or ()), session_id=claims.get("sid"),
                             issued_at=datetime.fromtimestamp(claims["iat"], UTC) if "iat" in claims else None)
        except ValueError as error:
            raise Unauthorized("The token carries no valid role.") from error


async def current_principal(request: Request) -> Principal:
    authorization = request.headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("A bearer token is required.")
    principal = await request.app.state.verifier.verify(token.strip())
    revocations = getattr(request.app.state, "revocations", None)
    if revocations is not None and await revocations.is_revoked(principal):
        raise Unauthorized("The session has ended.")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: Role):
    """A dependency admitting only the named roles."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"The role '{principal.role}' may not do this.")
        return principal

    return check

