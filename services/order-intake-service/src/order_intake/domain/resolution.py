"""Order lines resolved to catalog products from the local read model of mappings. Rules only."""

from collections.abc import Iterable
from dataclasses import dataclass

from order_intake.domain.texts import Text, say


@dataclass(frozen=True, slots=True)
class PrintFile:
    type: str
    url: str


@dataclass(frozen=True, slots=True)
class Mapping:
    """A shop product or variant connected to a catalog product (read model of ProductMapped)."""

    mapping_id: str
    store_id: str
    platform_product_id: str
    platform_variant_id: str | None
    sku: str | None
    product_uid: str
    print_files: tuple[PrintFile, ...]


@dataclass(frozen=True, slots=True)
class LineKey:
    """What a line is matched by: the variant, else the product (mapped for every variant), else the SKU."""

    platform_product_id: str | None
    platform_variant_id: str | None
    sku: str | None


class MappingIndex:
    """The mappings of some stores, looked up by store + variant id, then product id (a mapping
    without variant), then SKU."""

    def __init__(self, mappings: Iterable[Mapping]) -> None:
        self._by_variant: dict[tuple[str, str], Mapping] = {}
        self._by_product: dict[tuple[str, str], Mapping] = {}
        self._by_sku: dict[tuple[str, str], Mapping] = {}
        for mapping in mappings:
            if mapping.platform_variant_id is not None:
                self._by_variant[(mapping.store_id, mapping.platform_variant_id)] = mapping
            else:
                self._by_product[(mapping.store_id, mapping.platform_product_id)] = mapping
            if mapping.sku:
                self._by_sku.setdefault((mapping.store_id, mapping.sku.casefold()), mapping)

    def find(self, store_id: str, key: LineKey) -> Mapping | None:
        if key.platform_variant_id and (found := self._by_variant.get((store_id, key.platform_variant_id))):
            return found
        if key.platform_product_id and (found := self._by_product.get((store_id, key.platform_product_id))):
            return found
        if key.sku:
            return self._by_sku.get((store_id, key.sku.casefold()))
        return None


def unmapped_text(title: str, variant_title: str | None) -> Text:
    if variant_title and variant_title.strip() and variant_title.strip().casefold() != "default title":
        return say("line.variant_unmapped", variant=variant_title, title=title)
    return say("line.product_unmapped", title=title)


def unmapped_message(title: str, variant_title: str | None) -> str:
    return unmapped_text(title, variant_title).english


def missing_file_text(title: str) -> Text:
    return say("line.print_files_missing", title=title)


def missing_file_message(title: str) -> str:
    return missing_file_text(title).english
