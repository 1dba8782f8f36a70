"""The print provider's catalog: what can be produced, and what a design file must be for it.

A product UID is structured: the product type, then the base product, then the attribute
values in a fixed order, lower case, joined by ``_`` (``apparel_tshirt-gildan-5000_m_white``,
``poster_a3_matte-200gsm``). Words inside one part are joined by ``-``. The UID is the
catalog's key and travels in ProductMapped to order intake and production."""

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache

from mapping.domain.errors import InvalidCatalogProduct
from service_runtime.text import refused_character

PRODUCT_TYPES = ("apparel", "poster", "mug", "card", "canvas", "sticker")
DESIGN_FORMATS = ("png", "jpeg", "pdf", "tiff", "svg")
FORMAT_ALIASES = {"jpg": "jpeg", "tif": "tiff"}
UID_MAX = 200
TITLE_MAX = 200
UID_PART = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ATTRIBUTE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
PRINT_FILE_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


@dataclass(frozen=True)
class PrintSpec:
    """What the design files of one catalog product must be."""

    formats: tuple[str, ...]
    min_dpi: int
    width_mm: float
    height_mm: float
    bleed_mm: float = 0.0
    print_files: tuple[str, ...] = ("default",)

    def required_pixels(self) -> tuple[int, int]:
        """Pixels a raster design needs to cover the print area (bleed included) at the minimum DPI."""
        width = (self.width_mm + 2 * self.bleed_mm) / 25.4 * self.min_dpi
        height = (self.height_mm + 2 * self.bleed_mm) / 25.4 * self.min_dpi
        return round(width), round(height)

    def effective_dpi(self, width_px: int, height_px: int) -> float:
        """The DPI a design of that many pixels prints at, scaled to fit the print area."""
        width_in = (self.width_mm + 2 * self.bleed_mm) / 25.4
        height_in = (self.height_mm + 2 * self.bleed_mm) / 25.4
        return max(width_px / width_in, height_px / height_in)


@dataclass(frozen=True)
class CatalogProduct:
    uid: str
    product_type: str
    title: str
    attributes: dict[str, str]
    spec: PrintSpec
    active: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1
    extra: dict[str, str] = field(default_factory=dict)

    def option_values(self) -> set[str]:
        """Every attribute value, in a comparable form (see ``comparable``)."""
        return {comparable(value) for value in self.attributes.values()}


@lru_cache(maxsize=4096)  # a bulk import compares the same few sizes and colours tens of thousands of times
def comparable(value: str) -> str:
    """``Heather Grey``, ``heather-grey`` and ``heather_grey`` compare equal."""
    return re.sub(r"[\s_\-]+", "-", value.strip().casefold())


def clean_uid(uid: str) -> str:
    uid = uid.strip()
    if not uid:
        raise InvalidCatalogProduct("uid_required", field="product_uid")
    if len(uid) > UID_MAX:
        raise InvalidCatalogProduct("uid_too_long", field="product_uid", maximum=UID_MAX)
    parts = uid.split("_")
    if len(parts) < 2 or not all(UID_PART.match(part) for part in parts):
        raise InvalidCatalogProduct("uid_malformed", field="product_uid", uid=uid)
    if parts[0] not in PRODUCT_TYPES:
        raise InvalidCatalogProduct("uid_type_unknown", field="product_uid", uid=uid, types=", ".join(PRODUCT_TYPES))
    return uid


def clean_title(title: str) -> str:
    if refused := refused_character(title):
        raise InvalidCatalogProduct("title_character_refused", field="title", character=refused)
    title = " ".join(title.split())
    if not title:
        raise InvalidCatalogProduct("title_required", field="title")
    if len(title) > TITLE_MAX:
        raise InvalidCatalogProduct("title_too_long", field="title", maximum=TITLE_MAX)
    return title


def clean_attributes(attributes: dict[str, str]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for name, value in attributes.items():
        key = name.strip().lower()
        if not ATTRIBUTE_NAME.match(key):
            raise InvalidCatalogProduct("attribute_name_invalid", field="attributes", name=name)
        text = " ".join(str(value).split())
        if not text or len(text) > 100 or refused_character(text):
            raise InvalidCatalogProduct("attribute_value_invalid", field="attributes", name=key)
        cleaned[key] = text
    return cleaned


def clean_spec(spec: PrintSpec) -> PrintSpec:
    formats = tuple(dict.fromkeys(FORMAT_ALIASES.get(f.strip().lower(), f.strip().lower()) for f in spec.formats))
    if not formats:
        raise InvalidCatalogProduct("formats_required", field="formats")
    if unknown := [f for f in formats if f not in DESIGN_FORMATS]:
        raise InvalidCatalogProduct(
            "format_unknown", field="formats", format=unknown[0], formats=", ".join(DESIGN_FORMATS)
        )
    if not 1 <= spec.min_dpi <= 2400:
        raise InvalidCatalogProduct("min_dpi_out_of_range", field="min_dpi")
    for name, value in (("width_mm", spec.width_mm), ("height_mm", spec.height_mm)):
        if not 0 < value <= 10000:
            raise InvalidCatalogProduct("dimension_out_of_range", field=name)
    if not 0 <= spec.bleed_mm <= 100:
        raise InvalidCatalogProduct("bleed_out_of_range", field="bleed_mm")
    files = tuple(dict.fromkeys(name.strip().lower() for name in spec.print_files))
    if not files:
        raise InvalidCatalogProduct("print_files_required", field="print_files")
    if bad := [name for name in files if not PRINT_FILE_NAME.match(name)]:
        raise InvalidCatalogProduct("print_file_name_invalid", field="print_files", name=bad[0])
    return replace(spec, formats=formats, print_files=files)


def new_catalog_product(
    uid: str, *, title: str, attributes: dict[str, str], spec: PrintSpec, active: bool = True, now: datetime
) -> CatalogProduct:
    uid = clean_uid(uid)
    return CatalogProduct(
        uid=uid,
        product_type=uid.split("_")[0],
        title=clean_title(title),
        attributes=clean_attributes(attributes),
        spec=clean_spec(spec),
        active=active,
        created_at=now,
        updated_at=now,
    )


def update_catalog_product(
    product: CatalogProduct,
    *,
    title: str | None = None,
    attributes: dict[str, str] | None = None,
    spec: PrintSpec | None = None,
    active: bool | None = None,
    now: datetime,
) -> CatalogProduct:
    """The fields given change; an unchanged product stays as it is (same version)."""
    updated = product
    if title is not None:
        updated = replace(updated, title=clean_title(title))
    if attributes is not None:
        updated = replace(updated, attributes=clean_attributes(attributes))
    if spec is not None:
        updated = replace(updated, spec=clean_spec(spec))
    if active is not None:
        updated = replace(updated, active=active)
    if updated == product:
        return product
    return replace(updated, updated_at=now, version=product.version + 1)


def same_content(a: CatalogProduct, b: CatalogProduct) -> bool:
    """Equal in everything an operator sets (not times nor version): a re-import changes nothing."""
    return (a.title, a.attributes, a.spec, a.active) == (b.title, b.attributes, b.spec, b.active)
