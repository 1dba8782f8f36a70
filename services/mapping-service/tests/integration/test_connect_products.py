"""Sync → unmapped list → connect → ProductMapped on the real Kafka; every refused choice says
which variant and which file, and why; unmap and remap; every change audited."""

import uuid

from mapping.main import create_app
from service_runtime.testing.helpers import eventually, read_topic, running
from storefront_events import MAPPINGS_V1, MappingBroken, ProductMapped, ProductUnmapped

from .shop import connected, publish, synced, tee

TEE_M = "apparel_tshirt-gildan-5000_m_white"
TEE_S = "apparel_tshirt-gildan-5000_s_white"


async def a_synced_store(api, settings, operator, product=None):
    store_id, client_id = f"store-{uuid.uuid4().hex[:8]}", f"client-{uuid.uuid4().hex[:8]}"
    await publish(settings, connected(store_id, client_id), synced(store_id, client_id, [product or tee()]))

    async def listed():
        answer = await api.get(f"/stores/{store_id}/products", params={"state": "unmapped"}, headers=operator)
        return answer.status_code == 200 and len(answer.json()["items"]) == len((product or tee()).variants)

    await eventually(listed)
    return store_id, client_id


def choice(variant, uid, *files):
    return {
        "platform_variant_id": variant,
        "product_uid": uid,
        "print_files": [{"type": t, "url": u} for t, u in files],
    }


async def mapping_events(settings, count):
    records = await read_topic(settings.kafka_bootstrap, settings.topic(MAPPINGS_V1.name), count=count)
    return [event for _, event, _ in records]


async def test_sync_then_connect_publishes_product_mapped_and_lists_the_variant_mapped(
    api, mapping_settings, operator, token_mint, catalog, files
):
    base, requested = files
    store_id, client_id = await a_synced_store(api, mapping_settings, operator)
    admin = token_mint.headers("admin", client_id=client_id, subject="admin-ada")
    body = {
        "variants": [
            choice("p-tee-m", TEE_M, ("front", f"{base}/front.png"), ("back", f"{base}/back.png")),
            choice("p-tee-s", TEE_S, ("front", f"{base}/front.png")),
        ]
    }
    connected_ = await api.put(f"/stores/{store_id}/products/p-tee/mapping", json=body, headers=admin)
    assert connected_.status_code == 200, connected_.text
    assert [v["mapping_state"] for v in connected_.json()["variants"]] == ["mapped", "mapped"]
    assert sorted(requested) == ["/back.png", "/front.png"]  # each URL fetched once

    events = await mapping_events(mapping_settings, 2)
    mapped = {e.platform_variant_id: e for e in events if isinstance(e, ProductMapped)}
    assert mapped["p-tee-m"].product_uid == TEE_M
    assert mapped["p-tee-m"].sku == "TEE-WHITE-M"
    assert mapped["p-tee-m"].client_id == client_id and mapped["p-tee-m"].platform == "shopify"
    assert [(f.type, f.url) for f in mapped["p-tee-m"].print_files] == [
        ("front", f"{base}/front.png"),
        ("back", f"{base}/back.png"),
    ]
    listed = await api.get(f"/stores/{store_id}/products", params={"state": "mapped"}, headers=admin)
    assert [v["platform_variant_id"] for v in listed.json()["items"]] == ["p-tee-m", "p-tee-s"]

    # the same again changes nothing; a remap publishes the new mapping; an unmap removes it
    again = await api.put(f"/stores/{store_id}/products/p-tee/mapping", json=body, headers=admin)
    assert again.status_code == 200
    remap = {"variants": [choice("p-tee-s", TEE_S, ("front", f"{base}/back.png"))]}
    assert (await api.put(f"/stores/{store_id}/products/p-tee/mapping", json=remap, headers=admin)).status_code == 200
    gone = await api.delete(
        f"/stores/{store_id}/products/p-tee/mapping", params={"variant_id": "p-tee-m"}, headers=admin
    )
    assert gone.status_code == 204
    events = await mapping_events(mapping_settings, 4)
    assert [type(e).__name__ for e in events] == ["ProductMapped", "ProductMapped", "ProductMapped", "ProductUnmapped"]
    assert events[2].aggregate_version == 2 and events[2].print_files[0].url == f"{base}/back.png"
    assert events[3].platform_variant_id == "p-tee-m" and events[3].reason == "by_hand"

    history = (await api.get(f"/stores/{store_id}/products/p-tee/mapping-history", headers=admin)).json()
    assert [(h["platform_variant_id"], h["action"], h["actor"]) for h in history] == [
        ("p-tee-m", "mapped", "admin-ada"),
        ("p-tee-s", "mapped", "admin-ada"),
        ("p-tee-s", "remapped", "admin-ada"),
        ("p-tee-m", "unmapped", "admin-ada"),
    ]
    assert history[2]["before"]["print_files"] == [{"type": "front", "url": f"{base}/front.png"}]


async def test_each_bad_choice_is_refused_naming_the_variant_the_file_and_why(
    api, mapping_settings, operator, token_mint, catalog, files
):
    base, _ = files
    store_id, client_id = await a_synced_store(api, mapping_settings, operator, tee(sizes=("S", "M", "L", "XL")))
    admin = token_mint.headers("admin", client_id=client_id)

    async def refused(*choices, lang="en"):
        answer = await api.put(
            f"/stores/{store_id}/products/p-tee/mapping",
            json={"variants": list(choices)},
            headers=admin | {"Accept-Language": lang},
        )
        assert answer.status_code == 422, answer.text
        return answer.json()["errors"]

    unreachable = f"http://127.0.0.1:9/{uuid.uuid4().hex}.png"  # nothing listens on the discard port
    errors = await refused(
        choice("p-tee-s", TEE_S, ("front", unreachable)),
        choice("p-tee-m", TEE_M, ("front", f"{base}/design.png")),
        choice("p-tee-l", "apparel_tshirt-nothing_l_white", ("front", f"{base}/front.png")),
        choice("p-tee-xl", TEE_M, ("front", f"{base}/front.png")),
    )
    by_variant = {e["platform_variant_id"]: e for e in errors}
    assert {v: e["type"] for v, e in by_variant.items()} == {
        "p-tee-s": "design_file_unreachable",
        "p-tee-m": "design_file_format_unknown",
        "p-tee-l": "uid_unknown",
        "p-tee-xl": "option_mismatch",
    }
    assert by_variant["p-tee-s"]["url"] == unreachable
    # where in the body, as every service names a request's invalid fields (location, message, type)
    assert by_variant["p-tee-s"]["location"] == ["body", "variants", "0", "print_files", "0", "url"]
    assert by_variant["p-tee-l"]["location"] == ["body", "variants", "2", "product_uid"]
    assert "Variant 'S / White'" in by_variant["p-tee-s"]["message"] and unreachable in by_variant["p-tee-s"]["message"]
    assert "whatever its name says" in by_variant["p-tee-m"]["message"]
    assert "no catalog product with UID 'apparel_tshirt-nothing_l_white'" in by_variant["p-tee-l"]["message"]
    assert "Size 'XL'" in by_variant["p-tee-xl"]["message"]

    errors = await refused(
        choice("p-tee-m", TEE_M, ("front", f"{base}/tiny.png")),
        choice("p-tee-s", TEE_S, ("front", f"{base}/missing.png")),
        lang="fr",
    )
    assert [e["type"] for e in errors] == ["design_file_resolution_low", "design_file_missing"]
    assert "sous les 150 DPI exigés" in errors[0]["message"]
    assert "le serveur a répondu 404" in errors[1]["message"]

    listed = await api.get(f"/stores/{store_id}/products", params={"state": "mapped"}, headers=admin)
    assert listed.json()["items"] == []  # nothing changed


async def test_a_private_address_is_refused_without_being_fetched(service_settings, operator, token_mint):
    from mapping.settings import MappingSettings

    settings = service_settings(MappingSettings)  # production config: private addresses refused
    async with running(create_app(settings)) as api:
        from mapping.cli import SAMPLE_CATALOG

        await api.post(
            "/catalog/import", content=SAMPLE_CATALOG.read_bytes(), headers=operator | {"content-type": "text/csv"}
        )
        store_id, client_id = await a_synced_store(api, settings, operator)
        admin = token_mint.headers("admin", client_id=client_id)
        answer = await api.put(
            f"/stores/{store_id}/products/p-tee/mapping",
            json={
                "variants": [choice("p-tee-m", TEE_M, ("front", "http://169.254.169.254/latest/meta-data/design.png"))]
            },
            headers=admin,
        )
        assert answer.status_code == 422
        [error] = answer.json()["errors"]
        assert error["type"] == "design_file_url_refused"
        assert "private or reserved address" in error["message"]


async def test_only_admins_and_store_managers_of_the_store_change_mappings(
    api, mapping_settings, operator, token_mint, catalog, files
):
    base, _ = files
    store_id, client_id = await a_synced_store(api, mapping_settings, operator)
    body = {"variants": [choice("p-tee-m", TEE_M, ("front", f"{base}/front.png"))]}
    url = f"/stores/{store_id}/products/p-tee/mapping"
    read_only = token_mint.headers("read_only", client_id=client_id)
    assert (await api.put(url, json=body, headers=read_only)).status_code == 403
    assert (await api.put(url, json=body, headers=operator)).status_code == 403
    other_client = token_mint.headers("admin", client_id="client-other")
    assert (await api.put(url, json=body, headers=other_client)).status_code == 404
    other_store = token_mint.headers("store_manager", client_id=client_id, store_ids=("store-else",))
    assert (await api.put(url, json=body, headers=other_store)).status_code == 404
    manager = token_mint.headers("store_manager", client_id=client_id, store_ids=(store_id,))
    assert (await api.put(url, json=body, headers=manager)).status_code == 200


async def test_a_mapping_breaks_when_the_shop_changes_the_sku_and_the_admin_is_told(
    api, mapping_settings, operator, token_mint, catalog, files
):
    base, _ = files
    store_id, client_id = await a_synced_store(api, mapping_settings, operator)
    admin = token_mint.headers("admin", client_id=client_id)
    body = {
        "variants": [
            choice("p-tee-m", TEE_M, ("front", f"{base}/front.png")),
            choice("p-tee-s", TEE_S, ("front", f"{base}/front.png")),
        ]
    }
    assert (await api.put(f"/stores/{store_id}/products/p-tee/mapping", json=body, headers=admin)).status_code == 200
    await publish(mapping_settings, synced(store_id, client_id, [tee(sizes=("M",), skus={"M": "TEE-NEW-M"})]))

    async def broken():
        answer = await api.get(f"/stores/{store_id}/products", params={"state": "broken"}, headers=admin)
        return [(v["platform_variant_id"], v["mapping"]["broken_reason"]) for v in answer.json()["items"]]

    await eventually(lambda: _equals(broken(), [("p-tee-m", "sku_changed"), ("p-tee-s", "variant_deleted")]))
    events = await mapping_events(mapping_settings, 6)
    unmapped = {e.platform_variant_id: e.reason for e in events if isinstance(e, ProductUnmapped)}
    told = {e.platform_variant_id: (e.reason, e.product_title) for e in events if isinstance(e, MappingBroken)}
    assert unmapped == {"p-tee-m": "sku_changed", "p-tee-s": "variant_deleted"}
    assert told == {"p-tee-m": ("sku_changed", "Summer tee"), "p-tee-s": ("variant_deleted", "Summer tee")}


async def _equals(awaitable, expected):
    return await awaitable == expected


async def test_retiring_a_catalog_product_breaks_the_mappings_to_it(
    api, mapping_settings, operator, token_mint, catalog, files
):
    base, _ = files
    store_id, client_id = await a_synced_store(api, mapping_settings, operator)
    admin = token_mint.headers("admin", client_id=client_id)
    body = {"variants": [choice("p-tee-m", TEE_M, ("front", f"{base}/front.png"))]}
    assert (await api.put(f"/stores/{store_id}/products/p-tee/mapping", json=body, headers=admin)).status_code == 200

    assert (await api.post(f"/catalog/products/{TEE_M}/retire", headers=operator)).status_code == 200
    broken = await api.get(f"/stores/{store_id}/products", params={"state": "broken"}, headers=admin)
    assert [(v["platform_variant_id"], v["mapping"]["broken_reason"]) for v in broken.json()["items"]] == [
        ("p-tee-m", "catalog_product_retired")
    ]
    events = await mapping_events(mapping_settings, 3)
    assert [type(e).__name__ for e in events] == ["ProductMapped", "ProductUnmapped", "MappingBroken"]
    assert events[1].reason == events[2].reason == "catalog_product_retired"
    again = await api.put(f"/stores/{store_id}/products/p-tee/mapping", json=body, headers=admin)
    assert again.json()["errors"][0]["type"] == "uid_retired"
