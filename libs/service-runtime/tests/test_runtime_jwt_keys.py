"""Tokens whose header names another algorithm than their key's, and keys removed from the JWKS."""

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from service_runtime.auth import JwtVerifier
from service_runtime.problems import Unauthorized
from service_runtime.testing.tokens import TokenMint


async def test_a_token_signed_es256_under_the_real_key_id_is_refused_as_unauthorized():
    mint = TokenMint()
    verifier = JwtVerifier(issuer=mint.issuer, audience=mint.audience, jwks=mint.jwks)
    claims = jwt.decode(mint.token("admin", client_id="c1"), options={"verify_signature": False})
    forged = jwt.encode(
        {**claims, "role": "operator"},
        ec.generate_private_key(ec.SECP256R1()),
        algorithm="ES256",
        headers={"kid": mint.kid},
    )
    with pytest.raises(Unauthorized):
        await verifier.verify(forged)


class Jwks:
    """A JWKS endpoint whose key set the test changes, and a clock the test moves."""

    def __init__(self, *mints: TokenMint) -> None:
        self.keys = [key for mint in mints for key in mint.jwks["keys"]]
        self.fetches = 0
        self.now = 1000.0

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.fetches += 1
        return httpx.Response(200, json={"keys": self.keys})

    def verifier(self, mint: TokenMint, **kwargs) -> JwtVerifier:
        return JwtVerifier(
            issuer=mint.issuer,
            audience=mint.audience,
            jwks_url="http://access/.well-known/jwks.json",
            transport=httpx.MockTransport(self.handler),
            clock=lambda: self.now,
            **kwargs,
        )


async def test_a_key_removed_from_the_jwks_stops_verifying_once_the_set_is_older_than_its_ttl():
    old, new = TokenMint(), TokenMint()
    endpoint = Jwks(old, new)
    verifier = endpoint.verifier(old, ttl=300, refetch_after=30)
    token = old.token("operator")
    assert (await verifier.verify(token)).role == "operator"

    endpoint.keys = new.jwks["keys"]  # the access service dropped the old key
    endpoint.now += 299
    assert (await verifier.verify(token)).role == "operator"  # still within the TTL
    endpoint.now += 2
    with pytest.raises(Unauthorized):
        await verifier.verify(token)
    assert (await verifier.verify(new.token("operator"))).role == "operator"


async def test_unknown_key_ids_fetch_the_set_at_most_once_per_refetch_interval():
    known = TokenMint()
    endpoint = Jwks(known)
    verifier = endpoint.verifier(known, ttl=300, refetch_after=30)
    await verifier.verify(known.token("operator"))
    strangers = [TokenMint().token("operator") for _ in range(3)]
    endpoint.now += 31
    for token in strangers:
        with pytest.raises(Unauthorized):
            await verifier.verify(token)
    assert endpoint.fetches == 2

    rotated = TokenMint()
    endpoint.keys = [*endpoint.keys, *rotated.jwks["keys"]]
    endpoint.now += 31
    assert (await verifier.verify(rotated.token("operator"))).role == "operator"
    assert endpoint.fetches == 3
