"""Bearer JWT verification against the access service's JWKS, and role checks.

Tokens carry ``sub``, ``role``, ``client_id`` (absent for operators) and ``store_ids``
(the stores a store manager may touch); ``name`` and ``email`` say who the user is, so a
service can record who made a change as a person reads it (absent from older tokens)."""

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import httpx
import jwt
import structlog
from fastapi import Depends, Request
from pydantic import BaseModel

from service_runtime.problems import Forbidden, Unauthorized

Role = Literal["operator", "admin", "store_manager", "order_manager", "read_only"]
log = structlog.get_logger()


class Principal(BaseModel):
    subject: str
    role: Role
    client_id: str | None = None
    store_ids: tuple[str, ...] = ()
    session_id: str | None = None
    issued_at: datetime | None = None
    name: str | None = None  # the user's name when the token was issued
    email: str | None = None

    @property
    def is_operator(self) -> bool:
        return self.role == "operator"

    def can_see_client(self, client_id: str) -> bool:
        return self.is_operator or self.client_id == client_id


class JwtVerifier:
    """Verifies tokens with the keys of a JWKS document, fetched from ``jwks_url`` or given as
    a static set. The fetched set is fetched again once it is ``ttl`` seconds old (a key the
    access service removed stops working within that time), and early, at most every
    ``refetch_after`` seconds, when a token names a key id it does not know (keys rotate).
    A key verifies only the algorithm of its own type: a token whose header names another
    algorithm is refused (401), never handed to a key that cannot check it."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        jwks_url: str = "",
        jwks: dict[str, Any] | None = None,
        ttl: float = 300,
        refetch_after: float = 30,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.jwks_url = jwks_url
        self.ttl = ttl
        self.refetch_after = refetch_after
        self._transport = transport
        self._clock = clock
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()
        if jwks:
            self.use_jwks(jwks)

    def use_jwks(self, jwks: dict[str, Any]) -> None:
        keys: dict[str, jwt.PyJWK] = {}
        for entry in jwks.get("keys", []):
            if "kid" not in entry:
                continue
            try:
                keys[entry["kid"]] = jwt.PyJWK.from_dict(entry)
            except jwt.PyJWTError:
                log.warning("jwks.key_ignored", kid=entry.get("kid"))
        self._keys = keys

    def _age(self) -> float:
        return float("inf") if self._fetched_at is None else self._clock() - self._fetched_at

    async def _refresh(self, *, older_than: float) -> None:
        if not self.jwks_url:
            return
        async with self._lock:
            if self._age() < older_than:
                return  # another request fetched it meanwhile
            async with httpx.AsyncClient(timeout=5, transport=self._transport) as client:
                response = await client.get(self.jwks_url)
                response.raise_for_status()
            self.use_jwks(response.json())
            self._fetched_at = self._clock()

    async def _key(self, kid: object) -> jwt.PyJWK | None:
        if not isinstance(kid, str):
            return None  # no key id, or not a string: no key of the set is named by it
        if not self.jwks_url:
            return self._keys.get(kid)
        try:
            if self._age() >= self.ttl:
                await self._refresh(older_than=self.ttl)
            elif kid not in self._keys:
                await self._refresh(older_than=self.refetch_after)
        except (httpx.HTTPError, json.JSONDecodeError) as error:
            if self._fetched_at is None or self._age() >= 2 * self.ttl:
                raise Unauthorized("The token's signing keys cannot be fetched right now.") from error
            log.warning("jwks.refresh_failed", error=str(error))  # keep the set a little longer
        return self._keys.get(kid)

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise Unauthorized("The bearer token is malformed.") from error
        key = await self._key(header.get("kid"))
        if key is None:
            raise Unauthorized("The token is signed by an unknown key.")
        if header.get("alg") != key.algorithm_name:
            raise Unauthorized("The token is not signed with its key's algorithm.")
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=[key.algorithm_name],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise Unauthorized("The token has expired.") from error
        except jwt.PyJWTError as error:
            raise Unauthorized("The token is invalid.") from error
        try:
            return Principal(
                subject=claims["sub"],
                role=claims.get("role"),
                client_id=claims.get("client_id"),
                store_ids=tuple(claims.get("store_ids") or ()),
                session_id=claims.get("sid"),
                name=_text_claim(claims, "name"),
                email=_text_claim(claims, "email"),
                issued_at=datetime.fromtimestamp(claims["iat"], UTC) if "iat" in claims else None,
            )
        except (ValueError, TypeError) as error:
            raise Unauthorized("The token carries no valid role.") from error


def _text_claim(claims: dict[str, Any], name: str) -> str | None:
    """A claim that says something to a person: a non-blank string (at most 320 characters), else None."""
    value = claims.get(name)
    return value.strip()[:320] or None if isinstance(value, str) else None


async def current_principal(request: Request) -> Principal:
    authorization = request.headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("A bearer token is required.")
    verifier: JwtVerifier = request.app.state.verifier
    principal = await verifier.verify(token.strip())
    revocations = getattr(request.app.state, "revocations", None)
    if revocations is not None and await revocations.is_revoked(principal):
        raise Unauthorized("The session has ended.")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency admitting only the named roles."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"The role '{principal.role}' may not do this.")
        return principal

    return check
