"""The keys access tokens are signed with.

Each key is an RSA-2048 pair stored in the service database: the private half as PEM
encrypted with a SecretBox, the public half as a JWK published at ``/.well-known/jwks.json``.
The SecretBox is ``runtime.secrets`` (``STOREFRONTS_SECRET_KEYS``) when configured. Without
it, for local development only (the service refuses to start without keys unless
``STOREFRONTS_DEVELOPMENT=true``), a Fernet key is generated once into ``settings.dev_key_file``
(``var/keys/access-dev.key``) and used instead: anyone who can read that file and the database
can sign tokens, so production must set ``STOREFRONTS_SECRET_KEYS``.

The newest key signs. ``rotate`` adds a key and retires the previous one; a retired key stays in
the JWKS until every token it signed has expired (access token lifetime + a minute of clock skew).
"""

import json
import os
import time
import uuid
from datetime import timedelta
from pathlib import Path

import jwt
import structlog
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from access.adapters.tables import SigningKeyRow, utc
from access.domain import User
from access.ports import Clock
from service_runtime.secrets import SecretBox, SecretDecryptionError

log = structlog.get_logger()
RELOAD_SECONDS = 60
SKEW = timedelta(minutes=1)


def dev_secret_box(path: str) -> SecretBox:
    """The local development key, created once (atomically: parallel starts agree on one key)."""
    file = Path(path)
    if not file.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
        draft = file.with_name(f"{file.name}.{uuid.uuid4().hex}")
        draft.write_text(SecretBox.generate_key())
        os.chmod(draft, 0o600)
        try:
            os.link(draft, file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return SecretBox([file.read_text().strip()])


class SigningKeys:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        box: SecretBox,
        clock: Clock,
        issuer: str,
        audience: str,
        token_seconds: int,
        rotation_days: int,
    ) -> None:
        self._sessions = sessions
        self._box = box
        self._clock = clock
        self._issuer = issuer
        self._audience = audience
        self.token_seconds = token_seconds
        self._rotation = timedelta(days=rotation_days)
        self._signing: tuple[str, object] | None = None
        self._jwks: dict = {"keys": []}
        self._loaded_at = 0.0
        self.on_change = lambda jwks: None

    async def ensure_current(self) -> None:
        """At startup: a first key, or a new one when the newest is older than the rotation period."""
        await self.load()
        async with self._sessions() as db:
            newest = (
                await db.execute(select(SigningKeyRow).order_by(SigningKeyRow.created_at.desc()).limit(1))
            ).scalar_one_or_none()  # type: ignore[attr-defined]
        if self._signing is None or newest is None or utc(newest.created_at) < self._clock.now() - self._rotation:
            await self.rotate()

    async def rotate(self) -> str:
        now = self._clock.now()
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        kid = f"{now:%Y%m%d}-{uuid.uuid4().hex[:8]}"
        public = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
        public.update({"kid": kid, "use": "sig", "alg": "RS256"})
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        async with self._sessions() as db:
            await db.execute(update(SigningKeyRow).where(SigningKeyRow.retired_at.is_(None)).values(retired_at=now))  # type: ignore[union-attr]
            db.add(
                SigningKeyRow(
                    kid=kid, private_key=self._box.encrypt(pem), public_jwk=json.dumps(public), created_at=now
                )
            )
            await db.commit()
        log.info("signing_key.rotated", kid=kid)
        await self.load()
        return kid

    async def load(self) -> None:
        now = self._clock.now()
        async with self._sessions() as db:
            rows = (await db.execute(select(SigningKeyRow).order_by(SigningKeyRow.created_at.desc()))).scalars().all()  # type: ignore[attr-defined]
        published = [
            r
            for r in rows
            if r.retired_at is None or utc(r.retired_at) + timedelta(seconds=self.token_seconds) + SKEW > now
        ]
        self._jwks = {"keys": [json.loads(r.public_jwk) for r in published]}
        self._signing = None
        for row in rows:
            if row.retired_at is not None:
                continue
            try:
                pem = self._box.decrypt(row.private_key)
            except SecretDecryptionError:
                log.warning("signing_key.undecryptable", kid=row.kid)
                continue
            self._signing = (row.kid, serialization.load_pem_private_key(pem.encode(), password=None))
            break
        self._loaded_at = time.monotonic()
        self.on_change(self._jwks)

    async def _fresh(self) -> None:
        # another process (``python -m access rotate-key``) may have rotated
        if time.monotonic() - self._loaded_at > RELOAD_SECONDS:
            await self.load()
        if self._signing is None:
            await self.rotate()

    async def jwks(self) -> dict:
        await self._fresh()
        return self._jwks

    async def issue(self, user: User, *, session_id: str) -> tuple[str, int]:
        await self._fresh()
        kid, key = self._signing  # type: ignore[misc]
        # iat to the millisecond (a NumericDate may have fractions, RFC 7519 §2): the other services
        # compare it with the moment a user's role changed, often within the same second.
        now = round(self._clock.now().timestamp(), 3)
        claims = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": user.id,
            "iat": now,
            "exp": int(now) + self.token_seconds,
            "jti": uuid.uuid4().hex,
            "role": user.role,
            "store_ids": list(user.store_ids),
            "sid": session_id,
            # who the user is, as people read it: services keep it with the changes the user makes
            "name": f"{user.first_name} {user.last_name}".strip() or user.email,
            "email": user.email,
        }
        if user.client_id:
            claims["client_id"] = user.client_id
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid}), self.token_seconds
