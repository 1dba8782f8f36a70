"""The order CSV of a manual store: one row per line, rows grouped into orders by their order
reference. Rules only (text in, drafts and row errors out).

Columns (headers case-insensitive, spaces or dashes for underscores, in any order):

| column | required | meaning |
|---|---|---|
| order_reference | yes | the client's order reference: rows with the same one are one order |
| recipient_name | yes | first and last name of the recipient |
| address1 | yes | street address; `address2` the second line |
| city | yes | |
| postcode | by country | checked for US, CA, GB, FR, DE, NL, BE, ES, IT, AU |
| state | US, CA, AU | state or province |
| country_code | yes | ISO 3166-1 alpha-2, e.g. FR |
| email, phone | no | the recipient's |
| product_uid | one of the two | a catalog product UID, with design_file_urls |
| sku | one of the two | a SKU mapped in the store (its mapping gives the files) |
| quantity | yes | a whole number from 1 |
| design_file_urls | with product_uid | http(s) URLs, several separated by `|` or spaces (front first) |
| shipping_method | no | |

UTF-8 with or without BOM, comma, semicolon or tab separated, quoted fields (with separators or
line breaks inside). An order with any bad row is not imported; the report names each bad row
by its line in the file and its column."""

import re
from dataclasses import dataclass, field

from order_intake.domain.addresses import Address, check_address
from order_intake.domain.manual import DraftLine, OrderDraft, line_problem
from order_intake.domain.texts import Text, say
from service_runtime.csv_files import CsvRefused, read_table

REQUIRED = ("order_reference", "recipient_name", "address1", "city", "country_code", "quantity")
KNOWN = (
    *REQUIRED,
    "address2",
    "postcode",
    "state",
    "email",
    "phone",
    "product_uid",
    "sku",
    "design_file_urls",
    "shipping_method",
    "company",
)
ALIASES = {
    "design_file_url": "design_file_urls",
    "zip": "postcode",
    "postal_code": "postcode",
    "country": "country_code",
    "reference": "order_reference",
    "order_ref": "order_reference",
    "product": "product_uid",
    "name": "recipient_name",
}
#: Address fields of the checks, as CSV columns.
ADDRESS_COLUMNS = {"name": "recipient_name"}
MAX_ROWS = 50_000


@dataclass(frozen=True)
class RowError:
    """A bad row (or the file itself, line 1) by its line and column, and what is wrong: its
    code and values, and the English sentence made from them (``message``, as the API and the
    import jobs kept before row errors had codes have it: ``code`` None for those)."""

    line: int
    column: str | None
    message: str
    code: str | None = None
    params: dict[str, str] = field(default_factory=dict, hash=False)

    @classmethod
    def of(cls, line: int, column: str | None, text: Text) -> "RowError":
        return cls(line, column, text.english, text.code, dict(text.params))


@dataclass
class ParsedFile:
    drafts: list[OrderDraft] = field(default_factory=list)
    draft_lines: dict[str, list[int]] = field(default_factory=dict)  # reference -> file lines of its rows
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    failed_orders: int = 0  # orders with a bad row: not imported
    refused: bool = False  # the file itself is unusable (no header, missing columns)


_REFUSALS = {
    "csv_empty": "order_csv.no_header",
    "csv_no_header": "order_csv.no_header",
    "csv_not_text": "order_csv.not_text",
}


def _refusal(refused: CsvRefused) -> Text:
    if refused.code == "csv_not_utf8":
        return say("order_csv.not_utf8", position=refused.values["position"])
    return say(_REFUSALS.get(refused.code, "order_csv.unreadable"))


def _header(name: str) -> str:
    key = re.sub(r"[\s\-]+", "_", name.strip().casefold())
    return ALIASES.get(key, key)


def _split_name(name: str) -> tuple[str | None, str | None]:
    parts = name.strip().split(None, 1)
    if not parts:
        return None, None
    return parts[0], parts[1] if len(parts) > 1 else None


def parse_orders_csv(content: bytes) -> ParsedFile:
    parsed = ParsedFile()
    try:
        table = read_table(content, normalise=_header, strict=False)
    except CsvRefused as refused:
        parsed.refused = True
        parsed.errors.append(RowError.of(1, None, _refusal(refused)))
        return parsed
    headers = table.columns
    missing = [
        RowError.of(1, name, say("order_csv.column_missing", column=name)) for name in REQUIRED if name not in headers
    ]
    if "product_uid" not in headers and "sku" not in headers:
        missing.append(RowError.of(1, "product_uid or sku", say("order_csv.product_column_missing")))
    if missing:
        parsed.refused = True
        parsed.errors.extend(missing)
        return parsed
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    order: list[str] = []
    for start, row in table.rows:
        parsed.rows += 1
        if parsed.rows > MAX_ROWS:
            parsed.refused = True
            parsed.errors.append(RowError.of(start, None, say("order_csv.too_many_rows", max=MAX_ROWS)))
            return parsed
        values = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(headers) if name in KNOWN}
        key = values.get("order_reference", "").casefold()
        if not key:
            parsed.errors.append(RowError.of(start, "order_reference", say("order_csv.reference_missing")))
            continue
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append((start, values))
    for key in order:
        rows = groups[key]
        draft, errors = _draft(rows)
        parsed.errors.extend(errors)
        parsed.failed_orders += draft is None
        if draft is not None:
            parsed.drafts.append(draft)
            parsed.draft_lines[draft.reference.casefold()] = [n for n, _ in rows]
    parsed.errors.sort(key=lambda e: e.line)
    return parsed


def _draft(rows: list[tuple[int, dict[str, str]]]) -> tuple[OrderDraft | None, list[RowError]]:
    """One order from its rows (address from the first), or the errors of its bad rows."""
    errors: list[RowError] = []
    first_line, first = rows[0]
    first_name, last_name = _split_name(first.get("recipient_name", ""))
    address = Address(
        first_name=first_name,
        last_name=last_name,
        company=first.get("company") or None,
        address1=first.get("address1") or None,
        address2=first.get("address2") or None,
        city=first.get("city") or None,
        state=first.get("state") or None,
        postcode=first.get("postcode") or None,
        country_code=(first.get("country_code") or "").upper() or None,
        email=first.get("email") or None,
        phone=first.get("phone") or None,
    )
    for problem in check_address(address):
        errors.append(RowError.of(first_line, ADDRESS_COLUMNS.get(problem.field, problem.field), problem.text))
    lines: list[DraftLine] = []
    for number, values in rows:
        quantity_text = values.get("quantity", "")
        quantity = int(quantity_text) if re.fullmatch(r"\d{1,9}", quantity_text) else 0
        urls = tuple(u for u in re.split(r"[|\s]+", values.get("design_file_urls", "")) if u)
        line = DraftLine(
            quantity=quantity,
            product_uid=values.get("product_uid") or None,
            design_file_urls=urls,
            sku=values.get("sku") or None,
        )
        if (wrong := line_problem(line)) is not None:
            column, text = wrong
            if column == "quantity" and quantity_text and quantity == 0:
                text = say("order_csv.quantity_not_whole", quantity=quantity_text[:20])
            errors.append(RowError.of(number, column, text))
        lines.append(line)
    if errors:
        return None, errors
    draft = OrderDraft(
        reference=first["order_reference"],
        address=address,
        lines=tuple(lines),
        shipping_method=first.get("shipping_method") or None,
    )
    return draft, []
