"""Store products arrive as StoreProductsSynced on the real Kafka and are listed with their
mapping state, to those who may see the store only."""

import uuid

from service_runtime.testing.helpers import eventually
from storefront_events import StoreProduct, StoreVariant

from .shop import connected, publish, synced, tee


def ids():
    return f"store-{uuid.uuid4().hex[:8]}", f"client-{uuid.uuid4().hex[:8]}"


async def products(api, store_id, headers, **params):
    answer = await api.get(f"/stores/{store_id}/products", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_a_sync_lists_new_changed_and_removed_variants_as_unmapped(api, mapping_settings, operator, token_mint):
    store_id, client_id = ids()
    await publish(
        mapping_settings,
        connected(store_id, client_id),
        synced(store_id, client_id, [tee(), tee("p-mug", title="Mug", sizes=("11oz",))]),
    )

    async def listed():
        return len((await products(api, store_id, operator))["items"]) == 3

    await eventually(listed)
    page = await products(api, store_id, operator, state="unmapped")
    assert [(v["platform_variant_id"], v["sku"], v["mapping_state"]) for v in page["items"]] == [
        ("p-mug-11oz", "TEE-WHITE-11oz", "unmapped"),
        ("p-tee-m", "TEE-WHITE-M", "unmapped"),
        ("p-tee-s", "TEE-WHITE-S", "unmapped"),
    ]

    # the next full sync: the mug is gone, the tee has an L and a new SKU for M
    changed = tee(sizes=("M", "L"), skus={"M": "TEE-W-M"})
    await publish(mapping_settings, synced(store_id, client_id, [changed]))

    async def resynced():
        items = (await products(api, store_id, operator))["items"]
        return [(v["platform_variant_id"], v["sku"]) for v in items] == [
            ("p-tee-l", "TEE-WHITE-L"),
            ("p-tee-m", "TEE-W-M"),
        ]

    await eventually(resynced)
    found = await products(api, store_id, operator, search="tee-w-m")
    assert [v["platform_variant_id"] for v in found["items"]] == ["p-tee-m"]


async def test_ten_thousand_variants_in_batches_of_one_sync(api, mapping_settings, operator):
    store_id, client_id = ids()
    sync_id = uuid.uuid4().hex

    def product(n: int) -> StoreProduct:
        return StoreProduct(
            platform_product_id=f"p{n:05d}",
            title=f"Poster {n}",
            variants=[
                StoreVariant(platform_variant_id=f"p{n:05d}-{size}", sku=f"P{n}-{size}", options={"Size": size})
                for size in ("A4", "A3", "A2", "A1")
            ],
        )

    old = synced(store_id, client_id, [product(99999)])
    batches = [
        synced(
            store_id,
            client_id,
            [product(n) for n in range(b * 500, (b + 1) * 500)],
            sync_id=sync_id,
            batch=b + 1,
            batches=5,
        )
        for b in range(5)
    ]
    await publish(mapping_settings, connected(store_id, client_id), old, *batches)

    async def all_listed():
        seen, cursor = 0, None
        while True:
            page = await products(api, store_id, operator, limit=500, **({"cursor": cursor} if cursor else {}))
            seen += len(page["items"])
            if not (cursor := page["next_cursor"]):
                return seen == 10_000

    await eventually(all_listed, timeout=60)  # the old sync's poster is gone once the fifth batch arrived
    assert (await products(api, store_id, operator, product_id="p99999"))["items"] == []


async def test_a_client_never_sees_another_clients_store_products(api, mapping_settings, operator, token_mint):
    mine, client_id = ids()
    theirs, other_client = ids()
    await publish(
        mapping_settings,
        connected(mine, client_id),
        connected(theirs, other_client),
        synced(mine, client_id, [tee()]),
        synced(theirs, other_client, [tee("p-secret", title="Their secret tee")]),
    )

    async def both_synced():
        return all([(await products(api, s, operator))["items"] for s in (mine, theirs)])

    await eventually(both_synced)
    admin = token_mint.headers("admin", client_id=client_id)
    assert len((await products(api, mine, admin))["items"]) == 2
    refused = await api.get(f"/stores/{theirs}/products", headers=admin)
    assert refused.status_code == 404
    unknown = await api.get("/stores/store-unknown/products", headers=admin)
    assert refused.json()["code"] == unknown.json()["code"] == "store_not_found"  # the same answer as no store at all
    assert "secret" not in refused.text.lower()

    manager_of_other = token_mint.headers("store_manager", client_id=client_id, store_ids=("store-else",))
    assert (await api.get(f"/stores/{mine}/products", headers=manager_of_other)).status_code == 404
    manager = token_mint.headers("store_manager", client_id=client_id, store_ids=(mine,))
    assert len((await products(api, mine, manager))["items"]) == 2
    assert (await api.get(f"/stores/{mine}/products")).status_code == 401


async def test_a_page_holds_whole_products_never_half_of_one(api, mapping_settings, operator):
    store_id, client_id = ids()
    await publish(
        mapping_settings,
        connected(store_id, client_id),
        synced(store_id, client_id, [tee("p-a", sizes=("S", "M", "L")), tee("p-b", sizes=("S", "M")), tee("p-c")]),
    )

    async def listed():
        return len((await products(api, store_id, operator))["items"]) == 7

    await eventually(listed)
    pages, cursor = [], None
    while True:
        page = await products(api, store_id, operator, limit=2, **({"cursor": cursor} if cursor else {}))
        pages.append([v["platform_variant_id"] for v in page["items"]])
        if not (cursor := page["next_cursor"]):
            break
    assert pages == [
        ["p-a-l", "p-a-m", "p-a-s", "p-b-m", "p-b-s"],  # two products, all five of their variants
        ["p-c-m", "p-c-s"],
    ]
    # one product a page, however many variants it has
    first = await products(api, store_id, operator, limit=1)
    assert [v["platform_variant_id"] for v in first["items"]] == ["p-a-l", "p-a-m", "p-a-s"]
    assert first["next_cursor"]
