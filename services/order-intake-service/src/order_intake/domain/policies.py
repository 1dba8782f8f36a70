"""Per-client rules before production: approval (at once, after a delay window, or by hand)
and hold rules (first order of a new store, above a value or quantity, listed countries),
tried with a dry run over recent orders before they are switched on. Rules only."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Literal

from order_intake.domain.addresses import ISO_COUNTRIES
from order_intake.domain.errors import InvalidOrderInput
from order_intake.domain.texts import say

if TYPE_CHECKING:
    from order_intake.domain.orders import Hold, Order

Approval = Literal["immediate", "delay", "manual"]
MAX_DELAY_MINUTES = 7 * 24 * 60


@dataclass(frozen=True)
class HoldRules:
    first_order_of_new_store: bool = False
    max_total: Decimal | None = None
    max_quantity: int | None = None
    countries: frozenset[str] = frozenset()

    def check(self) -> None:
        if self.max_total is not None and self.max_total <= 0:
            raise InvalidOrderInput("The value above which orders are held must be positive.", field="max_total")
        if self.max_quantity is not None and self.max_quantity < 1:
            raise InvalidOrderInput(
                "The quantity above which orders are held must be at least 1.", field="max_quantity"
            )
        unknown = sorted(c for c in self.countries if c not in ISO_COUNTRIES)
        if unknown:
            raise InvalidOrderInput(f"Not ISO country codes: {', '.join(unknown)}.", field="countries")

    def holds(self, order: "Order") -> list["Hold"]:
        """The rules this order trips, each said so the client understands which rule held it."""
        from order_intake.domain.orders import Hold

        holds: list[Hold] = []
        if self.first_order_of_new_store and order.first_of_store:
            holds.append(
                Hold.said("held_by_rule", say("rule.first_order_of_new_store"), rule="first_order_of_new_store")
            )
        if self.max_total is not None and order.total is not None:  # an order without prices has no total to hold
            try:
                total = Decimal(order.total)
            except InvalidOperation:
                total = Decimal(0)
            if total > self.max_total:
                holds.append(
                    Hold.said(
                        "held_by_rule",
                        say("rule.max_total", total=total, currency=order.currency, limit=self.max_total),
                        rule="max_total",
                    )
                )
        if self.max_quantity is not None:
            quantity = sum(line.open_quantity for line in order.lines)
            if quantity > self.max_quantity:
                holds.append(
                    Hold.said(
                        "held_by_rule",
                        say("rule.max_quantity", quantity=quantity, limit=self.max_quantity),
                        rule="max_quantity",
                    )
                )
        country = (order.shipping_address.country_code or "").upper()
        if country and country in self.countries:
            holds.append(Hold.said("held_by_rule", say("rule.countries", country=country), rule="countries"))
        return holds


@dataclass(frozen=True)
class ClientPolicy:
    client_id: str
    approval: Approval = "immediate"
    delay_minutes: int = 0
    rules: HoldRules = field(default_factory=HoldRules)
    updated_at: datetime | None = None
    updated_by: str | None = None
    updated_by_name: str | None = None  # their name (or e-mail) when they set it

    def check(self) -> None:
        if self.approval == "delay" and not 1 <= self.delay_minutes <= MAX_DELAY_MINUTES:
            raise InvalidOrderInput(f"A delay window is from 1 to {MAX_DELAY_MINUTES} minutes.", field="delay_minutes")
        self.rules.check()


def immediate(client_id: str) -> ClientPolicy:
    """The policy of a client nobody configured: orders that resolve go to production at once."""
    return ClientPolicy(client_id)


@dataclass(frozen=True)
class DryRunHit:
    order: "Order"
    holds: list["Hold"]


def dry_run(rules: HoldRules, orders: Sequence["Order"]) -> list[DryRunHit]:
    """Which of these orders the rules would have held, and by which rule; nothing changes."""
    return [DryRunHit(order, holds) for order in orders if (holds := rules.holds(order))]
