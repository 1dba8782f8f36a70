"""What order intake says about a held order and about each change of its history, by code
and values.

A hold keeps its English sentence (``message``, as every reader of the API and of OrderHeld
has it) and also the code and values it was made from, so that a reader's console says it in
its own language (the console's catalogue has a sentence for every code here; an unknown code
is shown in English). A history entry does the same: its English ``reason`` and its ``code``
and ``params``. The English sentences are written here only."""

from dataclasses import dataclass, field

ENGLISH: dict[str, str] = {
    "address.name_missing": "recipient name missing",
    "address.street_missing": "street address missing",
    "address.city_missing": "city missing",
    "address.country_missing": "country code missing",
    "address.country_unknown": "country code '{country}' is not an ISO country code",
    "address.state_missing": "state or province missing (required for {country})",
    "address.postcode_missing": "postcode missing (required for {country})",
    "address.postcode_invalid": "postcode '{postcode}' is not a valid {country} postcode",
    "line.variant_unmapped": "variant '{variant}' of '{title}' is not connected to a catalog product",
    "line.product_unmapped": "product '{title}' is not connected to a catalog product",
    "line.print_files_missing": "'{title}' is connected to a catalog product but has no print file",
    "rule.first_order_of_new_store": "held by rule: first order of a new store",
    "rule.max_total": "held by rule: order total {total} {currency} is above {limit}",
    "rule.max_quantity": "held by rule: {quantity} items is above {limit}",
    "rule.countries": "held by rule: orders to {country} are checked first",
    "approval.awaiting": "waiting for approval before production",
    "approval.delay": "goes to production at {when} unless cancelled or corrected before",
}

#: Why an order's status changed (or an event was kept in its history without a change).
#: ``{holds}`` is the order's holds at that time, each said by its own code (kept with the entry).
HISTORY: dict[str, str] = {
    "history.received": "order received",
    "history.resolved": "every line resolved",
    "history.held": "{holds}",
    "history.approved": "approved",
    "history.approved_waiting": "approved; still waiting: {holds}",
    "history.address_corrected": "shipping address corrected",
    "history.product_mapped": "product mapped",
    "history.delay_passed": "delay window passed",
    "history.parcel": "parcel {tracking_number}",
    "history.every_line_cancelled": "every line cancelled",
    "history.line_cancelled": "{count} of '{title}' cancelled",
    "history.remaining_resolve": "the remaining lines resolve",
    "history.cancelled_in_shop": "cancelled in the shop",
    "history.cancelled_in_shop_because": "cancelled in the shop: {reason}",
    "history.cancelled_late": "cancelled in the shop after production started ({status})",
    "history.cancelled_late_because": "cancelled in the shop: {reason} after production started ({status})",
    "history.received_again": "received again with the same reference but other content",
}

#: What is wrong with a line of an order as a person gives it (placing an order, a row of the CSV).
LINES: dict[str, str] = {
    "order_line.quantity_range": "quantity must be a whole number from 1 to {max}",
    "order_line.product_and_sku": "give a product UID or a SKU, not both",
    "order_line.product_or_sku_required": "a product UID or a SKU is required",
    "order_line.design_files_required": "a line by product UID needs at least one design file URL",
    "order_line.too_many_design_files": "too many design file URLs",
    "order_line.design_file_not_url": "'{url}' is not an http(s) URL",
    "order_line.design_files_with_sku": "a line by SKU takes its design files from the store's mapping",
}

#: What is wrong with an order as a person places it, besides its lines.
ORDERS: dict[str, str] = {
    "order.reference_length": "an order reference of 1 to {max} characters is required",
    "order.lines_count": "an order has 1 to {max} lines",
}

#: What the report of an order CSV import says of a file or a row (its address problems are the
#: ``address.*`` sentences above, its lines' the ``order_line.*`` ones).
ORDER_CSV: dict[str, str] = {
    "order_csv.no_header": "the file has no header row",
    "order_csv.not_text": "the file is not a text (CSV) file",
    "order_csv.not_utf8": "the file is not UTF-8 (byte {position})",
    "order_csv.unreadable": "the file cannot be read as a CSV",
    "order_csv.column_missing": "column '{column}' is missing",
    "order_csv.product_column_missing": "column 'product_uid or sku' is missing",
    "order_csv.too_many_rows": "more than {max} rows: split the file",
    "order_csv.reference_missing": "order reference missing",
    "order_csv.quantity_not_whole": "quantity '{quantity}' is not a whole number from 1",
    "order_csv.sku_unmapped": "SKU '{sku}' is not mapped in this store",
}

_SENTENCES = ENGLISH | HISTORY | LINES | ORDERS | ORDER_CSV


@dataclass(frozen=True, slots=True)
class Text:
    """A sentence by its code and values (strings: each is shown as it is, but ``at``, a time
    in ISO 8601 the console writes in the reader's format, ``status``, an order status the
    console names in the reader's language, and ``holds``, which the console says from the
    holds kept with the history entry)."""

    code: str
    params: dict[str, str] = field(default_factory=dict, hash=False)

    @property
    def english(self) -> str:
        return _SENTENCES[self.code].format(**self.params)


def say(code: str, **params: object) -> Text:
    if code not in _SENTENCES:
        raise KeyError(f"no sentence for {code!r}")
    return Text(code, {name: str(value) for name, value in params.items()})
