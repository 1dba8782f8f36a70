import pytest

from service_runtime.auth import JwtVerifier
from service_runtime.problems import Unauthorized
from service_runtime.testing.tokens import TokenMint


@pytest.fixture
def mint():
    return TokenMint()


@pytest.fixture
def verifier(mint):
    return JwtVerifier(issuer=mint.issuer, audience=mint.audience, jwks=mint.jwks)


async def test_reads_role_client_and_store_scope(mint, verifier):
    principal = await verifier.verify(mint.token("store_manager", client_id="c1", store_ids=("s1", "s2"), subject="u1"))
    assert (principal.subject, principal.role, principal.client_id, principal.store_ids) == (
        "u1",
        "store_manager",
        "c1",
        ("s1", "s2"),
    )
    assert principal.can_see_client("c1") and not principal.can_see_client("c2")
    assert (principal.name, principal.email) == (None, None)  # a token from before names were


async def test_reads_who_the_user_is_as_people_read_it(mint, verifier):
    principal = await verifier.verify(mint.token("operator", name=" Olive Oyl ", email="olive@provider.example"))
    assert (principal.name, principal.email) == ("Olive Oyl", "olive@provider.example")
    odd = await verifier.verify(mint.token("operator", name=["not", "a", "name"], email="   "))
    assert (odd.name, odd.email) == (None, None)  # never a refusal: the token is the user's all the same


@pytest.mark.parametrize("claims", [{"ttl": -5}, {"aud": "someone-else"}, {"iss": "forger"}, {"role": "superuser"}])
async def test_refuses_expired_foreign_or_roleless_tokens(mint, verifier, claims):
    role = claims.pop("role", "admin")
    with pytest.raises(Unauthorized):
        await verifier.verify(mint.token(role, client_id="c1", **claims))


async def test_refuses_tokens_signed_by_another_key(verifier):
    with pytest.raises(Unauthorized):
        await verifier.verify(TokenMint().token("operator"))


async def test_refuses_garbage(verifier):
    with pytest.raises(Unauthorized):
        await verifier.verify("not.a.jwt")
