"""Connecting a shop variant to a catalog product: what is checked, what a mapping holds,
and when it breaks."""

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from typing import Literal

from mapping.domain.catalog import CatalogProduct, comparable
from mapping.domain.design_files import FileFacts
from mapping.domain.store_products import StoreVariant, is_unpublished

Source = Literal["manual", "csv_import", "publish"]
BrokenReason = Literal[
    "variant_deleted", "sku_changed", "options_changed", "product_unpublished", "catalog_product_retired"
]


@dataclass(frozen=True)
class DesignFile:
    print_file: str  # the catalog's print file name: front, back, default, ...
    url: str


@dataclass(frozen=True)
class VariantChoice:
    """What a person chose for one variant."""

    platform_variant_id: str
    product_uid: str
    files: tuple[DesignFile, ...]
    print_options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Mapping:
    mapping_id: str
    store_id: str
    client_id: str
    platform: str
    platform_product_id: str
    platform_variant_id: str
    product_uid: str
    files: tuple[DesignFile, ...]
    print_options: dict[str, str]
    sku: str | None  # the variant's SKU and options when it was mapped: a change breaks the mapping
    options: dict[str, str]
    state: Literal["mapped", "broken"]
    broken_reason: str | None
    source: Source
    version: int
    updated_at: datetime
    updated_by: str

    def same_choice(self, choice: VariantChoice, variant: StoreVariant) -> bool:
        """Mapping again to exactly this changes nothing (a re-import, a repeated request)."""
        return (
            self.state == "mapped"
            and self.product_uid == choice.product_uid
            and self.files == choice.files
            and self.print_options == choice.print_options
            and self.sku == variant.sku
            and self.options == variant.options
        )

    def snapshot(self) -> dict[str, object]:
        """What the audit keeps of it."""
        return {
            "mapping_id": self.mapping_id,
            "product_uid": self.product_uid,
            "print_files": [{"type": f.print_file, "url": f.url} for f in self.files],
            "print_options": self.print_options,
            "sku": self.sku,
            "options": self.options,
            "state": self.state,
            "broken_reason": self.broken_reason,
            "source": self.source,
            "version": self.version,
        }


@dataclass(frozen=True)
class Problem:
    """One reason a choice is refused, naming the variant (and the file when it is about one)."""

    platform_variant_id: str
    code: str
    values: dict[str, object]
    url: str | None = None
    field: str | None = None


def map_variant(
    variant: StoreVariant,
    choice: VariantChoice,
    *,
    current: Mapping | None,
    mapping_id: str,
    client_id: str,
    platform: str,
    source: Source,
    actor: str,
    now: datetime,
) -> Mapping:
    """The new state of the variant's mapping (a new one, or the current one replaced)."""
    return Mapping(
        mapping_id=current.mapping_id if current else mapping_id,
        store_id=variant.store_id,
        client_id=client_id,
        platform=platform,
        platform_product_id=variant.platform_product_id,
        platform_variant_id=variant.platform_variant_id,
        product_uid=choice.product_uid,
        files=choice.files,
        print_options=choice.print_options,
        sku=variant.sku,
        options=variant.options,
        state="mapped",
        broken_reason=None,
        source=source,
        version=current.version + 1 if current else 1,
        updated_at=now,
        updated_by=actor,
    )


def break_mapping(mapping: Mapping, reason: str, *, now: datetime) -> Mapping:
    return replace(
        mapping, state="broken", broken_reason=reason, version=mapping.version + 1, updated_at=now, updated_by="sync"
    )


def why_broken(mapping: Mapping, variant: StoreVariant | None) -> str | None:
    """Why the shop's variant no longer matches what was mapped, or None while it still does."""
    if variant is None or variant.removed:
        return "variant_deleted"
    if is_unpublished(variant.product_status):
        return "product_unpublished"
    if (variant.sku or None) != (mapping.sku or None):
        return "sku_changed"
    if variant.options != mapping.options:
        return "options_changed"
    return None


# -- checks --------------------------------------------------------------------------------

#: the names shops give an option, by the catalog attribute they mean
OPTION_NAMES = {
    "size": "size",
    "taille": "size",
    "format": "size",
    "color": "colour",
    "colour": "colour",
    "couleur": "colour",
    "paper": "paper",
    "papier": "paper",
}
SIZE_WORDS = {
    "extra-small": "xs",
    "x-small": "xs",
    "small": "s",
    "medium": "m",
    "large": "l",
    "extra-large": "xl",
    "x-large": "xl",
    "xx-large": "2xl",
    "xxl": "2xl",
    "2x-large": "2xl",
    "xxx-large": "3xl",
    "xxxl": "3xl",
    "3x-large": "3xl",
}


@lru_cache(maxsize=4096)
def _normal(attribute: str, value: str) -> str:
    value = comparable(value)
    if attribute == "size":
        value = SIZE_WORDS.get(value, value)
    if attribute == "colour":
        value = value.replace("gray", "grey")
    return value


@lru_cache(maxsize=1024)
def _attribute_of(option_name: str) -> str | None:
    """The catalog attribute a shop's option name stands for (``Colour``, ``Color`` → colour)."""
    return OPTION_NAMES.get(re.sub(r"\s+", "", option_name.strip().lower()))


def option_problems(variant: StoreVariant, product: CatalogProduct) -> list[Problem]:
    """The guide's "spec mismatches": a variant option (size, colour, paper) that the catalog
    product has as an attribute with another value. Options the catalog does not know are free."""
    problems = []
    for name, value in variant.options.items():
        attribute = _attribute_of(name)
        if attribute is None or attribute not in product.attributes:
            continue
        expected = product.attributes[attribute]
        if _normal(attribute, value) != _normal(attribute, expected):
            problems.append(
                Problem(
                    variant.platform_variant_id,
                    "option_mismatch",
                    {
                        "variant": variant.label,
                        "option": name,
                        "value": value,
                        "uid": product.uid,
                        "expected": f"{attribute} {expected}",
                    },
                    field="product_uid",
                )
            )
    return problems


def choice_problems(variant: StoreVariant, choice: VariantChoice, product: CatalogProduct | None) -> list[Problem]:
    """Everything wrong with a choice that needs no download: the UID, the options, the print files named."""
    said: dict[str, object] = {"variant": variant.label, "uid": choice.product_uid}
    if product is None:
        return [Problem(variant.platform_variant_id, "uid_unknown", said, field="product_uid")]
    if not product.active:
        return [Problem(variant.platform_variant_id, "uid_retired", said, field="product_uid")]
    problems = option_problems(variant, product)
    expected = ", ".join(product.spec.print_files)
    for design in choice.files:
        if design.print_file not in product.spec.print_files:
            problems.append(
                Problem(
                    variant.platform_variant_id,
                    "print_file_unknown",
                    said | {"print_file": design.print_file, "expected": expected},
                    url=design.url,
                    field="print_files",
                )
            )
    if not choice.files:
        first = product.spec.print_files[0]
        problems.append(
            Problem(
                variant.platform_variant_id, "print_file_required", said | {"print_file": first}, field="print_files"
            )
        )
    return problems


def file_problems(
    variant: StoreVariant, design: DesignFile, facts: FileFacts, product: CatalogProduct
) -> list[Problem]:
    """A downloaded design file against the catalog product's print spec: format, then resolution."""
    said: dict[str, object] = {"variant": variant.label, "url": design.url, "uid": product.uid}
    if facts.format not in product.spec.formats:
        formats = ", ".join(f.upper() for f in product.spec.formats)
        return [
            Problem(
                variant.platform_variant_id,
                "design_file_format_refused",
                said | {"format": facts.format.upper(), "formats": formats},
                url=design.url,
                field="print_files",
            )
        ]
    if facts.width_px and facts.height_px:
        dpi = product.spec.effective_dpi(facts.width_px, facts.height_px)
        if dpi < product.spec.min_dpi:
            needed_width, needed_height = product.spec.required_pixels()
            return [
                Problem(
                    variant.platform_variant_id,
                    "design_file_resolution_low",
                    said
                    | {
                        "width": facts.width_px,
                        "height": facts.height_px,
                        "dpi": int(dpi),
                        "min_dpi": product.spec.min_dpi,
                        "needed_width": needed_width,
                        "needed_height": needed_height,
                    },
                    url=design.url,
                    field="print_files",
                )
            ]
    return []
