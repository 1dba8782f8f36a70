"""The catalog as a CSV file, one catalog product a line (the sample catalog is one):

``product_uid,title,attributes,formats,min_dpi,width_mm,height_mm,bleed_mm,print_files,active``

Lists inside a cell are separated by ``|``: ``attributes`` is ``size=M|colour=White``,
``formats`` ``png|pdf``, ``print_files`` ``front|back``. ``attributes``, ``bleed_mm`` (0) and
``active`` (true) may be left out."""

from datetime import datetime

from mapping.domain.catalog import CatalogProduct, PrintSpec, new_catalog_product
from mapping.domain.csv_files import CsvRow, RowProblem, split_list, split_pairs, write_csv
from mapping.domain.errors import MappingError

REQUIRED = ("product_uid", "title", "formats", "min_dpi", "width_mm", "height_mm", "print_files")
OPTIONAL = ("attributes", "bleed_mm", "active")
COLUMNS = (
    "product_uid",
    "title",
    "attributes",
    "formats",
    "min_dpi",
    "width_mm",
    "height_mm",
    "bleed_mm",
    "print_files",
    "active",
)
TRUE = {"true", "yes", "1", "active", "oui", "vrai"}
FALSE = {"false", "no", "0", "retired", "non", "faux"}


class _Cell(Exception):
    def __init__(self, column: str, code: str, **values: object) -> None:
        self.column, self.code, self.values = column, code, values


def _number(row: CsvRow, column: str, default: str | None = None) -> float:
    text = row.values.get(column, "") or (default or "")
    if not text:
        raise _Cell(column, "value_required")
    try:
        return float(text.replace(",", "."))
    except ValueError as error:
        raise _Cell(column, "number_invalid", value=text) from error


def _active(row: CsvRow) -> bool:
    text = (row.values.get("active") or "true").lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise _Cell("active", "boolean_invalid", value=text)


def parse_row(row: CsvRow, *, now: datetime) -> CatalogProduct:
    """The catalog product of one line; raises _Cell or a domain error naming the field."""
    try:
        attributes = split_pairs(row.values.get("attributes", ""))
    except ValueError as error:
        raise _Cell("attributes", "attributes_malformed") from error
    min_dpi = _number(row, "min_dpi")
    if min_dpi != int(min_dpi):
        raise _Cell("min_dpi", "number_invalid", value=row.values.get("min_dpi", ""))
    spec = PrintSpec(
        formats=tuple(split_list(row.values.get("formats", ""))),
        min_dpi=int(min_dpi),
        width_mm=_number(row, "width_mm"),
        height_mm=_number(row, "height_mm"),
        bleed_mm=_number(row, "bleed_mm", "0"),
        print_files=tuple(split_list(row.values.get("print_files", ""))),
    )
    return new_catalog_product(
        row.values.get("product_uid", ""),
        title=row.values.get("title", ""),
        attributes=attributes,
        spec=spec,
        active=_active(row),
        now=now,
    )


def parse_catalog(rows: list[CsvRow], *, now: datetime) -> tuple[list[CatalogProduct], list[RowProblem]]:
    """Every line's catalog product, or the problems naming each bad line and column."""
    products: list[CatalogProduct] = []
    problems: list[RowProblem] = []
    first_line: dict[str, int] = {}
    for row in rows:
        try:
            product = parse_row(row, now=now)
        except _Cell as cell:
            problems.append(RowProblem(row.line, cell.column, cell.code, dict(cell.values)))
            continue
        except MappingError as error:
            column = str(error.extensions.get("field") or "")
            problems.append(RowProblem(row.line, column or "product_uid", error.key, dict(error.values)))
            continue
        if product.uid in first_line:
            problems.append(
                RowProblem(
                    row.line, "product_uid", "uid_repeated", {"uid": product.uid, "first_line": first_line[product.uid]}
                )
            )
            continue
        first_line[product.uid] = row.line
        products.append(product)
    return products, problems


def catalog_csv(products: list[CatalogProduct]) -> str:
    return write_csv(
        list(COLUMNS),
        [
            [
                p.uid,
                p.title,
                "|".join(f"{name}={value}" for name, value in p.attributes.items()),
                "|".join(p.spec.formats),
                str(p.spec.min_dpi),
                f"{p.spec.width_mm:g}",
                f"{p.spec.height_mm:g}",
                f"{p.spec.bleed_mm:g}",
                "|".join(p.spec.print_files),
                "true" if p.active else "false",
            ]
            for p in products
        ],
    )
