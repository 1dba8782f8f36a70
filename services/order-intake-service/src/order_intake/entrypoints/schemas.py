"""Request and response bodies of the orders API."""

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from order_intake.domain.addresses import Address
from order_intake.domain.imports import ImportJob
from order_intake.domain.manual import DraftLine, OrderDraft
from order_intake.domain.order_csv import RowError
from order_intake.domain.orders import Change, Line, Order
from order_intake.domain.policies import Approval, ClientPolicy, HoldRules

SettableStatus = Literal[
    "in_production", "printed", "packaged", "shipped", "in_transit", "delivered", "cancelled", "returned", "failed"
]


class AddressBody(BaseModel):
    first_name: str | None = Field(default=None, max_length=200)
    last_name: str | None = Field(default=None, max_length=200)
    company: str | None = Field(default=None, max_length=200)
    address1: str | None = Field(default=None, max_length=300)
    address2: str | None = Field(default=None, max_length=300)
    city: str | None = Field(default=None, max_length=200)
    state: str | None = Field(default=None, max_length=100)
    postcode: str | None = Field(default=None, max_length=20)
    country_code: str | None = Field(
        default=None, max_length=100, description="ISO 3166-1 alpha-2; anything but two letters is refused, field named"
    )
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=50)

    def to_domain(self) -> Address:
        values = {name: (value.strip() or None) if isinstance(value, str) else value for name, value in self}
        if values["country_code"] and len(values["country_code"]) == 2:
            values["country_code"] = values["country_code"].upper()  # ISO codes are upper case in events
        # anything else stays as typed: its refusal quotes what the person wrote
        return Address(**values)


class StatusChange(BaseModel):
    status: SettableStatus
    reason: str | None = Field(default=None, max_length=1000, description="Why (kept in the order's history)")


class ShipmentBody(BaseModel):
    carrier: str | None = Field(default=None, max_length=100)
    tracking_number: str = Field(min_length=1, max_length=100)
    tracking_url: str | None = Field(default=None, max_length=1000)
    line_ids: list[str] = Field(default=[], max_length=500, description="Lines in the parcel; empty = every line")


class LineCancellation(BaseModel):
    quantity: int | None = Field(default=None, ge=1, description="None: all that is left of the line")
    reason: str | None = Field(default=None, max_length=1000)


class LinePublic(BaseModel):
    line_id: str
    position: int
    title: str
    variant_title: str | None
    sku: str | None
    platform_product_id: str | None
    platform_variant_id: str | None
    quantity: int
    cancelled_quantity: int
    resolved: bool
    product_uid: str | None
    print_files: list[dict[str, str]]
    problem: str | None
    problem_message: str | None

    @classmethod
    def of(cls, line: Line) -> "LinePublic":
        return cls(
            line_id=line.line_id,
            position=line.position,
            title=line.title,
            variant_title=line.variant_title,
            sku=line.sku,
            platform_product_id=line.platform_product_id,
            platform_variant_id=line.platform_variant_id,
            quantity=line.quantity,
            cancelled_quantity=line.cancelled_quantity,
            resolved=line.resolved,
            product_uid=line.product_uid,
            print_files=[{"type": f.type, "url": f.url} for f in line.print_files],
            problem=line.problem,
            problem_message=line.problem_message,
        )


class HistoryEntry(BaseModel):
    sequence: int
    at: datetime
    actor: str = Field(description="Who: a user's id, or 'shop', 'system'")
    actor_name: str | None = Field(
        description="The user's name (or e-mail) when they made the change; null for the shop, the system, "
        "and entries kept before names were"
    )
    from_status: str | None
    to_status: str
    reason: str | None = Field(description="Why, in English (or in the words a person gave)")
    code: str | None = Field(
        description="The reason's code, to say it in the reader's language with params; null: show reason as it is"
    )
    params: dict[str, str] = Field(description="The values of the reason's sentence")
    holds: list[dict[str, Any]] = Field(
        description="The holds the reason lists (code history.held, history.approved_waiting), each with its code"
    )
    line_id: str | None
    cancelled_quantity: int | None
    shipment: dict[str, Any] | None

    @classmethod
    def of(cls, change: Change) -> "HistoryEntry":
        return cls(
            sequence=change.sequence,
            at=change.at,
            actor=change.actor,
            actor_name=change.actor_name,
            from_status=change.from_status,
            to_status=change.to_status,
            reason=change.reason,
            code=change.code,
            params=change.params,
            holds=[asdict(h) for h in change.holds],
            line_id=change.line_id,
            cancelled_quantity=change.cancelled_quantity,
            shipment=asdict(change.shipment) if change.shipment else None,
        )


class OrderSummary(BaseModel):
    id: str
    client_id: str
    store_id: str
    platform: str
    source: str
    platform_order_id: str | None
    client_reference: str | None
    order_number: str | None
    status: str
    test: bool = Field(description="A test order: never produced")
    currency: str
    total: str | None = Field(description="None: the order has no prices (placed or imported by hand)")
    placed_at: datetime
    received_at: datetime
    updated_at: datetime | None
    sequence: int
    possible_duplicate: bool
    attention: str | None = Field(description="Something the operator must look at, e.g. cancelled after production")
    holds: list[dict[str, Any]]
    first_of_store: bool
    approved_at: datetime | None
    release_at: datetime | None = Field(description="While a delay window holds it: when it goes to production")

    @classmethod
    def fields_of(cls, order: Order) -> dict[str, Any]:
        return {
            "id": order.id,
            "client_id": order.client_id,
            "store_id": order.store_id,
            "platform": order.platform,
            "source": order.source,
            "platform_order_id": order.platform_order_id,
            "client_reference": order.client_reference,
            "order_number": order.order_number,
            "status": order.status,
            "test": order.test,
            "currency": order.currency,
            "total": order.total,
            "placed_at": order.placed_at,
            "received_at": order.received_at,
            "updated_at": order.updated_at,
            "sequence": order.sequence,
            "possible_duplicate": order.possible_duplicate,
            "attention": order.attention,
            "holds": [asdict(h) for h in order.holds],
            "first_of_store": order.first_of_store,
            "approved_at": order.approved_at,
            "release_at": order.release_at,
        }

    @classmethod
    def of(cls, order: Order) -> "OrderSummary":
        return cls(**cls.fields_of(order))


class OrderDetail(OrderSummary):
    shipping_address: dict[str, Any]
    shipping_method: str | None
    customer_email: str | None
    lines: list[LinePublic]
    shipments: list[dict[str, Any]]
    history: list[HistoryEntry]

    @classmethod
    def of_view(cls, order: Order, history: list[Change]) -> "OrderDetail":
        return cls(
            **cls.fields_of(order),
            shipping_address=asdict(order.shipping_address),
            shipping_method=order.shipping_method,
            customer_email=order.customer_email,
            lines=[LinePublic.of(line) for line in order.lines],
            shipments=[asdict(s) for s in order.shipments],
            history=[HistoryEntry.of(c) for c in history],
        )


class OrderPage(BaseModel):
    items: list[OrderSummary]
    next_cursor: str | None


class PlaceOrderLine(BaseModel):
    product_uid: str | None = Field(default=None, max_length=300, description="Catalog product UID (with design files)")
    design_file_urls: list[str] = Field(
        default=[], description="Front first, then back, ... (at most 10; more is refused with its line's code)"
    )
    sku: str | None = Field(default=None, max_length=200, description="A SKU mapped in the store (instead of a UID)")
    quantity: int = Field(description="1 to 100,000 (out of range: refused with its line's code, domain/manual.py)")
    title: str | None = Field(default=None, max_length=500)


class PlaceOrder(BaseModel):
    store_id: str = Field(max_length=64, description="A manual store")
    reference: str = Field(max_length=200, description="The client's order reference (unique per store; not blank)")
    shipping_address: AddressBody
    shipping_method: str | None = Field(default=None, max_length=200)
    test: bool = Field(default=False, description="A test order: goes through every step, never produced")
    lines: list[PlaceOrderLine] = Field(max_length=500, description="1 to 500 (none: refused with its code)")

    def to_draft(self) -> OrderDraft:
        return OrderDraft(
            reference=self.reference.strip(),
            address=self.shipping_address.to_domain(),
            lines=tuple(
                DraftLine(
                    quantity=line.quantity,
                    product_uid=line.product_uid or None,
                    design_file_urls=tuple(line.design_file_urls),
                    sku=line.sku or None,
                    title=line.title,
                )
                for line in self.lines
            ),
            shipping_method=self.shipping_method,
            test=self.test,
        )


class RowErrorPublic(BaseModel):
    line: int = Field(description="Line of the file (the header is line 1)")
    column: str | None
    message: str = Field(description="What is wrong, in English (made from code and params)")
    code: str | None = Field(
        default=None,
        description="What is wrong, by code (e.g. order_csv.quantity_not_whole, address.country_unknown), "
        "to say it in the reader's language; absent from reports kept before row errors had codes",
    )
    params: dict[str, str] | None = Field(default=None, description="The values the code's sentence names")

    @classmethod
    def of(cls, error: RowError) -> "RowErrorPublic":
        params = error.params if error.code else None
        return cls(line=error.line, column=error.column, message=error.message, code=error.code, params=params)


class ImportJobPublic(BaseModel):
    id: str
    store_id: str
    status: str = Field(
        description="running, done, refused (the file itself is unusable), or interrupted (the service stopped: import the file again, nothing is imported twice)"
    )
    rows: int
    orders_total: int
    orders_done: int
    orders_created: int
    orders_existing: int = Field(description="Already imported with the same content: nothing new")
    orders_flagged: int = Field(description="Reference already used with other content: flagged as possible duplicates")
    orders_failed: int = Field(description="Not imported: a bad row (see errors)")
    errors: list[RowErrorPublic]
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, job: ImportJob) -> "ImportJobPublic":
        values = {name: getattr(job, name) for name in cls.model_fields if name != "errors"}
        return cls(**values, errors=[RowErrorPublic.of(e) for e in job.errors])


class HoldRulesBody(BaseModel):
    first_order_of_new_store: bool = False
    max_total: Decimal | None = Field(default=None, gt=0, max_digits=14, decimal_places=2)
    max_quantity: int | None = Field(default=None, ge=1, le=1_000_000)
    countries: list[str] = Field(default=[], max_length=250, description="ISO country codes whose orders are held")

    def to_domain(self) -> HoldRules:
        return HoldRules(
            self.first_order_of_new_store,
            self.max_total,
            self.max_quantity,
            frozenset(c.strip().upper() for c in self.countries),
        )

    @classmethod
    def of(cls, rules: HoldRules) -> "HoldRulesBody":
        return cls(
            first_order_of_new_store=rules.first_order_of_new_store,
            max_total=rules.max_total,
            max_quantity=rules.max_quantity,
            countries=sorted(rules.countries),
        )


class PolicyBody(BaseModel):
    approval: Approval = Field(description="immediate, delay (a window to cancel or fix), or manual")
    delay_minutes: int = Field(default=0, ge=0, le=7 * 24 * 60)
    rules: HoldRulesBody = HoldRulesBody()


class PolicyPublic(PolicyBody):
    client_id: str
    updated_at: datetime | None
    updated_by: str | None
    updated_by_name: str | None = Field(description="Who set it, by name (or e-mail) when they did")

    @classmethod
    def of(cls, policy: ClientPolicy) -> "PolicyPublic":
        return cls(
            client_id=policy.client_id,
            approval=policy.approval,
            delay_minutes=policy.delay_minutes,
            rules=HoldRulesBody.of(policy.rules),
            updated_at=policy.updated_at,
            updated_by=policy.updated_by,
            updated_by_name=policy.updated_by_name,
        )


class DryRunOrder(BaseModel):
    order_id: str
    order_number: str | None
    store_id: str
    received_at: datetime
    holds: list[dict[str, Any]]


class DryRunResult(BaseModel):
    orders_tried: int
    would_hold: list[DryRunOrder]
