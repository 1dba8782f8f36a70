"""What the connector asks of Shopify to create a product, and how a publish request is keyed."""

from decimal import Decimal

import pytest

from connector.adapters.shopify.product_set import created_node, product_set_variables
from connector.domain.errors import PlatformError
from connector.domain.publishing import product_handle
from connector.publishing_ports import DraftVariant, ProductDraft


def test_the_handle_is_the_title_made_unique_by_the_request_and_always_the_same_for_it():
    first = product_handle("City poster — Paris!", "5F2A9C1E-0000-4000-8000-000000000000")
    assert first == "city-poster-paris-5f2a9c1e0000"
    assert product_handle("City poster — Paris!", "5F2A9C1E-0000-4000-8000-000000000000") == first
    assert product_handle("★★★", "abc") == "product-abc"


def test_product_set_declares_each_option_once_and_keys_the_product_by_its_handle():
    draft = ProductDraft(
        handle="tee-1",
        title="Tee",
        currency="EUR",
        description="<p>Soft</p>",
        tags=("summer",),
        variants=[
            DraftVariant("TEE-S-W", "S / White", {"Size": "S", "Colour": "White"}, Decimal("19.90")),
            DraftVariant("TEE-M-W", "M / White", {"Size": "M", "Colour": "White"}, Decimal("19.90")),
        ],
    )
    variables = product_set_variables(draft)
    assert variables["identifier"] == {"handle": "tee-1"}
    product = variables["input"]
    assert product["productOptions"] == [
        {"name": "Size", "values": [{"name": "S"}, {"name": "M"}]},
        {"name": "Colour", "values": [{"name": "White"}]},
    ]
    assert product["variants"][1] == {
        "optionValues": [{"optionName": "Size", "name": "M"}, {"optionName": "Colour", "name": "White"}],
        "price": "19.90",
        "inventoryItem": {"sku": "TEE-M-W"},
    }
    assert (product["descriptionHtml"], product["tags"]) == ("<p>Soft</p>", ["summer"])


def test_user_errors_of_the_shop_are_a_refusal_in_its_words():
    with pytest.raises(PlatformError) as refused:
        created_node({"productSet": {"product": None, "userErrors": [{"field": ["title"], "message": "Title is bad"}]}})
    assert refused.value.key == "platform_refused" and "Title is bad" in refused.value.detail
