"""When a variant matches a catalog product, and when a mapping breaks."""

from dataclasses import replace
from datetime import UTC, datetime

from mapping.domain.catalog import PrintSpec, new_catalog_product
from mapping.domain.mappings import DesignFile, VariantChoice, map_variant, option_problems, why_broken
from mapping.domain.store_products import StoreVariant

NOW = datetime(2026, 11, 30, tzinfo=UTC)
TEE = new_catalog_product(
    "apparel_tshirt-gildan-5000_m_heather-grey",
    title="Tee",
    attributes={"size": "M", "colour": "Heather Grey"},
    spec=PrintSpec(formats=("png",), min_dpi=150, width_mm=300, height_mm=400, print_files=("front",)),
    now=NOW,
)


def variant(**options: str) -> StoreVariant:
    return StoreVariant("s", "p", "v", "Tee", "active", None, "SKU-1", options)


def test_shop_spellings_of_sizes_and_colours_match():
    assert option_problems(variant(Size="Medium", Color="Heather Gray"), TEE) == []
    assert option_problems(variant(Taille="m", Couleur="heather-grey", Style="Relaxed"), TEE) == []


def test_a_size_or_colour_mismatch_is_named():
    problems = option_problems(variant(Size="XL", Color="Black"), TEE)
    assert [(p.code, p.values["option"], p.values["value"]) for p in problems] == [
        ("option_mismatch", "Size", "XL"),
        ("option_mismatch", "Color", "Black"),
    ]


def test_a_mapping_breaks_on_deleted_variant_unpublished_product_new_sku_or_options():
    shop = variant(Size="M")
    choice = VariantChoice("v", TEE.uid, (DesignFile("front", "https://x/y.png"),))
    mapping = map_variant(
        shop,
        choice,
        current=None,
        mapping_id="m",
        client_id="c",
        platform="shopify",
        source="manual",
        actor="a",
        now=NOW,
    )
    assert why_broken(mapping, shop) is None
    assert why_broken(mapping, None) == "variant_deleted"
    assert why_broken(mapping, replace(shop, removed=True)) == "variant_deleted"
    assert why_broken(mapping, replace(shop, product_status="draft")) == "product_unpublished"
    assert why_broken(mapping, replace(shop, sku="SKU-2")) == "sku_changed"
    assert why_broken(mapping, replace(shop, options={"Size": "L"})) == "options_changed"


def test_resolution_is_judged_at_print_size():
    spec = TEE.spec
    assert spec.required_pixels() == (1772, 2362)
    assert spec.effective_dpi(1772, 2362) >= 150 > spec.effective_dpi(600, 800)
