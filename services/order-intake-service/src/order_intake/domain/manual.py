"""Manual orders on a manual store: "Place order" and CSV import. Rules only: no I/O.

A line is given by catalog product UID with its design file URL(s), or by a SKU mapped in the
store. An order is identified in its store by the client's order reference."""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from urllib.parse import urlsplit

from order_intake.domain.addresses import Address, refuse_impossible_country
from order_intake.domain.errors import InvalidOrderInput
from order_intake.domain.orders import Line, Order, Source
from order_intake.domain.resolution import PrintFile
from order_intake.domain.texts import Text, say

REFERENCE_MAX = 200
MAX_LINES = 500
MAX_QUANTITY = 100_000

#: Print areas of a line's design files, in the order the URLs are given.
PRINT_AREAS = ("default", "back")


@dataclass(frozen=True)
class DraftLine:
    quantity: int
    product_uid: str | None = None
    design_file_urls: tuple[str, ...] = ()
    sku: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class OrderDraft:
    reference: str
    address: Address
    lines: tuple[DraftLine, ...]
    shipping_method: str | None = None
    test: bool = False

    def content_hash(self) -> str:
        payload = {
            "reference": self.reference,
            "address": asdict(self.address),
            "lines": [asdict(line) for line in self.lines],
            "shipping_method": self.shipping_method,
            "test": self.test,
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def is_file_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not parts.username and not parts.password


def line_problem(line: DraftLine) -> tuple[str, Text] | None:
    """(field, what is wrong) of a line, or None."""
    if line.quantity < 1 or line.quantity > MAX_QUANTITY:
        return "quantity", say("order_line.quantity_range", max=MAX_QUANTITY)
    if line.product_uid and line.sku:
        return "product_uid", say("order_line.product_and_sku")
    if not line.product_uid and not line.sku:
        return "product_uid", say("order_line.product_or_sku_required")
    if line.product_uid:
        if not line.design_file_urls:
            return "design_file_urls", say("order_line.design_files_required")
        if len(line.design_file_urls) > len(PRINT_AREAS) + 8:
            return "design_file_urls", say("order_line.too_many_design_files")
        bad = next((url for url in line.design_file_urls if not is_file_url(url)), None)
        if bad is not None:
            return "design_file_urls", say("order_line.design_file_not_url", url=bad[:100])
    elif line.design_file_urls:
        return "design_file_urls", say("order_line.design_files_with_sku")
    return None


def _sentence(text: Text) -> str:
    return text.english[:1].upper() + text.english[1:] + "."


def refused_lines(problems: Sequence[tuple[int, str, Text]]) -> InvalidOrderInput:
    """The refusal of an order's bad lines, each given as (its index, its field, what is wrong):
    ``detail`` and ``field`` say the first (in the reader's language: ``key``), ``errors`` every
    one with its line (from 1), field, code and values, as a 422's ``errors`` name their fields."""
    index, name, text = problems[0]
    return InvalidOrderInput(
        f"Line {index + 1}: {text.english}.",
        key=text.code,
        values={"line": str(index + 1), **text.params},
        field=f"lines[{index}].{name}",
        code=text.code,
        params=text.params,
        errors=[
            {
                "location": ["body", "lines", str(index), name],
                "message": _sentence(text),
                "type": text.code,
                "code": text.code,
                "params": text.params,
                "line": index + 1,
            }
            for index, name, text in problems
        ],
    )


def check_draft(draft: OrderDraft) -> None:
    """What a person placing an order must fix before anything is stored (422): every bad line is
    named, with its field and what is wrong by code and values (the reader's language)."""
    reference = draft.reference.strip()
    if not reference or len(reference) > REFERENCE_MAX:
        text = say("order.reference_length", max=REFERENCE_MAX)
        raise InvalidOrderInput(
            _sentence(text), key=text.code, values=text.params, field="reference", code=text.code, params=text.params
        )
    if not draft.lines or len(draft.lines) > MAX_LINES:
        text = say("order.lines_count", max=MAX_LINES)
        raise InvalidOrderInput(
            _sentence(text), key=text.code, values=text.params, field="lines", code=text.code, params=text.params
        )
    problems = [
        (index, *problem) for index, line in enumerate(draft.lines) if (problem := line_problem(line)) is not None
    ]
    if problems:
        raise refused_lines(problems)
    refuse_impossible_country(draft.address, field="shipping_address.country_code")


def print_files(urls: tuple[str, ...]) -> tuple[PrintFile, ...]:
    return tuple(
        PrintFile(PRINT_AREAS[n] if n < len(PRINT_AREAS) else f"area_{n + 1}", url) for n, url in enumerate(urls)
    )


def order_of_draft(
    draft: OrderDraft,
    *,
    order_id: str,
    line_ids: list[str],
    client_id: str,
    store_id: str,
    source: Source,
    test: bool,
    now: datetime,
    currency: str | None = None,
) -> Order:
    """A placed or imported order. Its lines come without prices, so it has no total (None, never
    a made-up 0); its currency is the store's, else EUR."""
    lines = [
        Line(
            line_id=line_ids[n],
            position=n + 1,
            title=line.title or line.product_uid or line.sku or "",
            quantity=line.quantity,
            sku=line.sku,
            product_uid=line.product_uid,
            print_files=print_files(line.design_file_urls) if line.product_uid else (),
            given=line.product_uid is not None,
        )
        for n, line in enumerate(draft.lines)
    ]
    return Order(
        id=order_id,
        client_id=client_id,
        store_id=store_id,
        platform="manual",
        source=source,
        currency=currency or "EUR",
        total=None,
        shipping_address=draft.address,
        lines=lines,
        placed_at=now,
        received_at=now,
        client_reference=draft.reference.strip(),
        order_number=draft.reference.strip(),
        shipping_method=draft.shipping_method,
        customer_email=draft.address.email,
        test=test,
        content_hash=draft.content_hash(),
    )
