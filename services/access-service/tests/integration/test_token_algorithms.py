"""A token whose header names another algorithm than the signing key's is refused with 401."""

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

from .journey import active_admin, bearer


async def test_a_token_signed_es256_under_the_real_key_id_gets_401(api, operator, access_settings):
    _, tokens = await active_admin(api, access_settings, operator)
    real = tokens["access_token"]
    claims = jwt.decode(real, options={"verify_signature": False})
    forged = jwt.encode(
        {**claims, "role": "operator"},
        ec.generate_private_key(ec.SECP256R1()),
        algorithm="ES256",
        headers={"kid": jwt.get_unverified_header(real)["kid"]},
    )
    response = await api.get("/auth/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert (await api.get("/auth/me", headers=bearer(tokens))).status_code == 200
