"""Bulk mapping by CSV: the export of a store's variants, and the rows of the file a person
filled in. Columns:

``platform_product_id, platform_variant_id, product_title, variant_title, options, sku,
product_uid, design_file_url`` and, for catalog products with several print files,
``design_file_url_<print file>`` (``design_file_url_back``). ``design_file_url`` is the catalog
product's first print file (front, default, wrap, outside...). Only the ids, ``product_uid``
and ``design_file_url`` are required; the other columns (and any extra one) are read for
nothing. A row whose ``product_uid`` is empty is left as it is."""

from dataclasses import dataclass

from mapping.domain.csv_files import CsvRow, write_csv
from mapping.domain.mappings import Mapping
from mapping.domain.store_products import StoreVariant

REQUIRED = ("platform_product_id", "platform_variant_id", "product_uid", "design_file_url")
FILE_COLUMN = "design_file_url"
EXPORT_COLUMNS = [
    "platform_product_id",
    "platform_variant_id",
    "product_title",
    "variant_title",
    "options",
    "sku",
    "product_uid",
    FILE_COLUMN,
]


@dataclass(frozen=True)
class MappingRow:
    """One row asking to map a variant: its files by column (``design_file_url`` or ``design_file_url_<name>``)."""

    line: int
    platform_product_id: str
    platform_variant_id: str
    product_uid: str
    files: dict[str, str]


def file_columns(header: list[str]) -> list[str]:
    return [name for name in header if name == FILE_COLUMN or name.startswith(FILE_COLUMN + "_")]


def mapping_rows(rows: list[CsvRow]) -> list[MappingRow]:
    """The rows that name a catalog UID (cells come stripped from ``read_csv``)."""
    wanted = []
    columns = file_columns(list(rows[0].values)) if rows else []  # every row has the header's columns
    for row in rows:
        values = row.values
        uid = values.get("product_uid", "")
        if not uid:
            continue
        wanted.append(
            MappingRow(
                line=row.line,
                platform_product_id=values.get("platform_product_id", ""),
                platform_variant_id=values.get("platform_variant_id", ""),
                product_uid=uid,
                files={column: values[column] for column in columns if values.get(column)},
            )
        )
    return wanted


def print_file_of(column: str, print_files: tuple[str, ...]) -> str:
    """The print file a column fills: ``design_file_url`` the first, ``design_file_url_back`` back."""
    return print_files[0] if column == FILE_COLUMN else column[len(FILE_COLUMN) + 1 :]


def column_of(print_file: str, print_files: tuple[str, ...]) -> str:
    return FILE_COLUMN if print_files and print_file == print_files[0] else f"{FILE_COLUMN}_{print_file}"


def export_csv(variants: list[tuple[StoreVariant, Mapping | None]], first_files: dict[str, str]) -> str:
    """Every variant with its mapping filled in where there is one; ``first_files`` gives each
    mapped catalog UID's first print file (the one ``design_file_url`` holds)."""
    extra = sorted(
        {
            f.print_file
            for _, m in variants
            if m is not None
            for f in m.files
            if f.print_file != first_files.get(m.product_uid)
        }
    )
    header = EXPORT_COLUMNS + [f"{FILE_COLUMN}_{name}" for name in extra]
    lines = []
    for v, m in variants:
        files = {f.print_file: f.url for f in m.files} if m else {}
        first = first_files.get(m.product_uid, "") if m else ""
        lines.append(
            [
                v.platform_product_id,
                v.platform_variant_id,
                v.product_title,
                v.variant_title or "",
                "|".join(f"{name}={value}" for name, value in v.options.items()),
                v.sku or "",
                m.product_uid if m else "",
                files.get(first, ""),
                *[files.get(name, "") for name in extra],
            ]
        )
    return write_csv(header, lines)
