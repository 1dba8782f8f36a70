"""A refused design file is said wholly in the reader's language: the outbound guard's reason
(private address, scheme, unresolvable host) and a failed download are said by their code, never
by the guard's or httpx's English inside a French sentence."""

from mapping.main import create_app
from service_runtime.testing.helpers import running

from .test_connect_products import TEE_M, TEE_S, a_synced_store, choice

ENGLISH = ("resolves", "private or reserved", "cannot be", "All connection attempts", "allowed", "no answer")


async def test_private_address_scheme_and_unreachable_file_are_refused_in_french(
    service_settings, operator, token_mint
):
    from mapping.cli import SAMPLE_CATALOG
    from mapping.settings import MappingSettings

    settings = service_settings(MappingSettings, design_file_timeout_seconds=5)  # private addresses refused
    async with running(create_app(settings)) as api:
        await api.post(
            "/catalog/import", content=SAMPLE_CATALOG.read_bytes(), headers=operator | {"content-type": "text/csv"}
        )
        store_id, client_id = await a_synced_store(api, settings, operator)
        admin = token_mint.headers("admin", client_id=client_id)

        async def refused(*choices, lang):
            answer = await api.put(
                f"/stores/{store_id}/products/p-tee/mapping",
                json={"variants": list(choices)},
                headers=admin | {"Accept-Language": lang},
            )
            assert answer.status_code == 422, answer.text
            return {e["platform_variant_id"]: e for e in answer.json()["errors"]}

        choices = (
            choice("p-tee-m", TEE_M, ("front", "http://10.20.30.40/front.png")),
            choice("p-tee-s", TEE_S, ("front", "ftp://files.example.com/front.png")),
        )
        french = await refused(*choices, lang="fr")
        assert french["p-tee-m"]["type"] == french["p-tee-s"]["type"] == "design_file_url_refused"
        assert french["p-tee-m"]["message"] == (
            "Variante « M / White », fichier « http://10.20.30.40/front.png » : cette adresse n'est pas autorisée "
            "(l'hôte « 10.20.30.40 » correspond à une adresse privée ou réservée (10.20.30.40))."
        )
        assert "seules les adresses http et https sont acceptées, pas « ftp »" in french["p-tee-s"]["message"]
        for error in french.values():
            assert not any(word in error["message"] for word in ENGLISH), error["message"]

        english = await refused(*choices, lang="en")
        assert (
            "the host '10.20.30.40' resolves to a private or reserved address (10.20.30.40)"
            in (english["p-tee-m"]["message"])
        )


async def test_an_unreachable_file_is_said_in_french(api, mapping_settings, operator, token_mint, catalog):
    store_id, client_id = await a_synced_store(api, mapping_settings, operator)
    admin = token_mint.headers("admin", client_id=client_id)
    unreachable = "http://127.0.0.1:9/front.png"  # nothing listens on the discard port
    answer = await api.put(
        f"/stores/{store_id}/products/p-tee/mapping",
        json={"variants": [choice("p-tee-m", TEE_M, ("front", unreachable))]},
        headers=admin | {"Accept-Language": "fr"},
    )
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["errors"]
    assert error["type"] == "design_file_unreachable"
    assert error["message"] == (
        f"Variante « M / White », fichier « {unreachable} » : le fichier ne peut pas être téléchargé "
        "(le serveur est injoignable)."
    )
