"""Mints access tokens the way the access service does, with a key made for the test."""

import json
import time
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


class TokenMint:
    def __init__(self, *, issuer: str = "storefronts-access", audience: str = "storefronts") -> None:
        self.issuer = issuer
        self.audience = audience
        self.kid = f"test-{uuid.uuid4().hex[:8]}"
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @property
    def jwks(self) -> dict:
        public = json.loads(RSAAlgorithm.to_jwk(self._key.public_key()))
        public.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [public]}

    def token(
        self,
        role: str,
        *,
        client_id: str | None = None,
        store_ids: tuple[str, ...] = (),
        subject: str | None = None,
        ttl: int = 600,
        **claims,
    ) -> str:
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject or str(uuid.uuid4()),
            "iat": now,
            "exp": now + ttl,
            "role": role,
            "store_ids": list(store_ids),
            **claims,
        }
        if client_id is not None:
            payload["client_id"] = client_id
        return jwt.encode(payload, self._key, algorithm="RS256", headers={"kid": self.kid})

    def headers(self, role: str, **kwargs) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, **kwargs)}"}
