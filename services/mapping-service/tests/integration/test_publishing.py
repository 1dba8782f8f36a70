"""Create a product from the catalog and publish it: ProductPublishRequested goes to the
connector; its ProductPublished answer lists the product and maps it, without a second step."""

import uuid

from service_runtime.testing.helpers import eventually, read_topic
from storefront_events import (
    MAPPINGS_V1,
    ProductMapped,
    ProductPublished,
    ProductPublishRequested,
    StoreProduct,
    StoreVariant,
)

from .shop import connected, publish

POSTER_A3 = "poster_a3_matte-200gsm"
POSTER_A2 = "poster_a2_matte-200gsm"


def variant(sku, size, uid, url):
    return {
        "sku": sku,
        "title": size,
        "options": {"Size": size},
        "price": "24.90",
        "product_uid": uid,
        "print_files": [{"type": "default", "url": url}],
    }


async def test_publishing_asks_the_connector_then_maps_the_created_product(
    api, mapping_settings, operator, token_mint, catalog, files
):
    base, _ = files
    store_id, client_id = f"store-{uuid.uuid4().hex[:8]}", f"client-{uuid.uuid4().hex[:8]}"
    await publish(mapping_settings, connected(store_id, client_id))
    admin = token_mint.headers("admin", client_id=client_id, subject="admin-ada")
    body = {
        "title": "City poster",
        "currency": "EUR",
        "variants": [
            variant("CITY-A3", "A3", POSTER_A3, f"{base}/poster.pdf"),
            variant("CITY-A2", "A2", POSTER_A2, f"{base}/poster.pdf"),
        ],
    }

    async def store_known():
        answer = await api.post(f"/stores/{store_id}/publish-requests", json=body, headers=admin)
        return answer if answer.status_code == 202 else None

    asked = await eventually(store_known)
    request_id = asked.json()["publish_request_id"]
    [(_, requested, _)] = await read_topic(
        mapping_settings.kafka_bootstrap, mapping_settings.topic(MAPPINGS_V1.name), count=1
    )
    assert isinstance(requested, ProductPublishRequested)
    assert requested.publish_request_id == request_id
    assert [(v.sku, v.product_uid, str(v.price)) for v in requested.variants] == [
        ("CITY-A3", POSTER_A3, "24.90"),
        ("CITY-A2", POSTER_A2, "24.90"),
    ]

    # the connector created it in the shop (ids of the shop's, variants in another order)
    product = StoreProduct(
        platform_product_id="gid-7001",
        title="City poster",
        status="active",
        variants=[
            StoreVariant(platform_variant_id="v-2", sku="CITY-A2", title="A2", options={"Size": "A2"}),
            StoreVariant(platform_variant_id="v-1", sku="CITY-A3", title="A3", options={"Size": "A3"}),
        ],
    )
    await publish(
        mapping_settings,
        ProductPublished(
            store_id=store_id, client_id=client_id, platform="shopify", publish_request_id=request_id, product=product
        ),
    )

    async def mapped():
        answer = await api.get(f"/stores/{store_id}/products", params={"state": "mapped"}, headers=admin)
        return {v["platform_variant_id"]: v["mapping"]["product_uid"] for v in answer.json()["items"]}

    await eventually(lambda: _equals(mapped(), {"v-1": POSTER_A3, "v-2": POSTER_A2}))
    records = await read_topic(mapping_settings.kafka_bootstrap, mapping_settings.topic(MAPPINGS_V1.name), count=3)
    events = [e for _, e, _ in records if isinstance(e, ProductMapped)]
    assert {(e.platform_variant_id, e.sku, e.source) for e in events} == {
        ("v-1", "CITY-A3", "publish"),
        ("v-2", "CITY-A2", "publish"),
    }
    state = await api.get(f"/stores/{store_id}/publish-requests/{request_id}", headers=admin)
    assert state.json()["status"] == "published" and state.json()["platform_product_id"] == "gid-7001"


async def test_a_product_to_publish_is_checked_like_a_connection(
    api, mapping_settings, operator, token_mint, catalog, files
):
    base, _ = files
    store_id, client_id = f"store-{uuid.uuid4().hex[:8]}", f"client-{uuid.uuid4().hex[:8]}"
    await publish(mapping_settings, connected(store_id, client_id))
    admin = token_mint.headers("admin", client_id=client_id)
    body = {
        "title": "City poster",
        "currency": "EUR",
        "variants": [
            variant("CITY-A3", "A2", POSTER_A3, f"{base}/poster.pdf"),
            variant("CITY-A3", "A3", POSTER_A3, f"{base}/poster.pdf"),
            variant("CITY-A1", "A1", "poster_a1_matte-200gsm", f"{base}/front.png"),
        ],
    }

    async def answered():
        answer = await api.post(f"/stores/{store_id}/publish-requests", json=body, headers=admin)
        return answer if answer.status_code != 404 else None

    refused = await eventually(answered)
    assert refused.status_code == 422
    assert [e["type"] for e in refused.json()["errors"]] == [
        "option_mismatch",
        "sku_repeated",
        "design_file_resolution_low",
    ]
    assert [e["location"] for e in refused.json()["errors"]] == [
        ["body", "variants", "0", "product_uid"],
        ["body", "variants", "0", "sku"],
        ["body", "variants", "2", "print_files", "0", "url"],
    ]


async def _equals(awaitable, expected):
    return await awaitable == expected


async def test_a_saved_template_creates_products_for_its_client_only(
    api, mapping_settings, operator, token_mint, catalog, files
):
    base, _ = files
    store_id, client_id = f"store-{uuid.uuid4().hex[:8]}", f"client-{uuid.uuid4().hex[:8]}"
    await publish(mapping_settings, connected(store_id, client_id))
    admin = token_mint.headers("admin", client_id=client_id)
    product = {
        "title": "City poster",
        "currency": "EUR",
        "variants": [variant("CITY-A3", "A3", POSTER_A3, f"{base}/poster.pdf")],
    }
    saved = await api.post("/product-templates", json={"name": "Posters A3", "product": product}, headers=admin)
    assert saved.status_code == 201, saved.text
    template_id = saved.json()["template_id"]
    listed = await api.get("/product-templates", headers=admin)
    assert [t["name"] for t in listed.json()] == ["Posters A3"]

    stranger = token_mint.headers("admin", client_id="client-other")
    assert (await api.get(f"/product-templates/{template_id}", headers=stranger)).status_code == 404
    assert (await api.get("/product-templates", headers=stranger)).json() == []
    read_only = token_mint.headers("read_only", client_id=client_id)
    assert (
        await api.post("/product-templates", json={"name": "x", "product": product}, headers=read_only)
    ).status_code == 403

    async def published():
        answer = await api.post(
            f"/stores/{store_id}/publish-requests/from-template/{template_id}",
            json={"title": "Paris poster"},
            headers=admin,
        )
        return answer if answer.status_code == 202 else None

    asked = await eventually(published)
    assert asked.json()["title"] == "Paris poster"
    [(_, requested, _)] = await read_topic(
        mapping_settings.kafka_bootstrap, mapping_settings.topic(MAPPINGS_V1.name), count=1
    )
    assert requested.title == "Paris poster" and requested.variants[0].product_uid == POSTER_A3
