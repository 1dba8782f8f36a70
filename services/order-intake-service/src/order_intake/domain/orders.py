"""An order and its lines: intake, resolution, holds, release, status lifecycle. Rules only: no I/O.

Every change raises the order's sequence by one and is recorded as a ``Change`` (who, when,
from, to, why), which the handlers keep in the order's history and publish. Who: a user's id
with the name (or e-mail) their token gave at the time, or "shop", "system". Why: the English
sentence, with the code and values it was said from (domain/texts.py) so that a reader's
console says it in its own language; a person's own words (a cancellation's reason) as given."""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, get_args

from order_intake.domain.addresses import Address, check_address, refuse_impossible_country
from order_intake.domain.errors import IllegalTransition, InvalidOrderInput, OrderNotEditable
from order_intake.domain.policies import ClientPolicy
from order_intake.domain.resolution import LineKey, MappingIndex, PrintFile, missing_file_text, unmapped_text
from order_intake.domain.texts import Text, say

Status = Literal[
    "received",
    "on_hold",
    "accepted",
    "in_production",
    "printed",
    "packaged",
    "shipped",
    "in_transit",
    "delivered",
    "cancelled",
    "returned",
    "failed",
]
STATUSES: tuple[Status, ...] = get_args(Status)

#: The production path, in order: an order only moves forward along it.
FORWARD: tuple[Status, ...] = ("accepted", "in_production", "printed", "packaged", "shipped", "in_transit", "delivered")

#: Allowed changes (besides moving forward along FORWARD from accepted on).
ALLOWED: dict[Status, frozenset[Status]] = {
    "received": frozenset({"on_hold", "accepted", "cancelled"}),
    "on_hold": frozenset({"accepted", "cancelled"}),
    "accepted": frozenset({"on_hold", "cancelled", "failed"}),
    "in_production": frozenset({"cancelled", "failed"}),
    "printed": frozenset({"failed"}),
    "packaged": frozenset({"failed"}),
    "shipped": frozenset({"returned", "failed"}),
    "in_transit": frozenset({"returned", "failed"}),
    "delivered": frozenset({"returned"}),
    "cancelled": frozenset(),
    "returned": frozenset(),
    "failed": frozenset(),
}

#: Before production started: a cancellation in the shop cancels the order.
BEFORE_PRODUCTION: frozenset[Status] = frozenset({"received", "on_hold", "accepted"})

#: Statuses an operator may set over HTTP (on_hold and accepted follow from resolution).
SETTABLE: frozenset[Status] = frozenset(FORWARD[1:]) | {"cancelled", "returned", "failed"}

Source = Literal["shop", "manual", "csv_import"]

#: The reasons of every order's first entries, said once (the hot path records them for each order).
RECEIVED, RESOLVED = say("history.received"), say("history.resolved")


def can_move(current: Status, to: Status) -> bool:
    if to in ALLOWED[current]:
        return True
    return current in FORWARD and to in FORWARD and FORWARD.index(to) > FORWARD.index(current)


@dataclass(slots=True)
class Line:
    line_id: str
    position: int
    title: str
    quantity: int
    platform_line_id: str | None = None
    platform_product_id: str | None = None
    platform_variant_id: str | None = None
    sku: str | None = None
    variant_title: str | None = None
    unit_price: str | None = None
    attributes: tuple[tuple[str, str], ...] = ()
    product_uid: str | None = None
    print_files: tuple[PrintFile, ...] = ()
    problem: str | None = None
    problem_message: str | None = None
    cancelled_quantity: int = 0
    given: bool = False  # product and files given on placement (manual order by catalog UID)

    @property
    def key(self) -> LineKey:
        return LineKey(self.platform_product_id, self.platform_variant_id, self.sku)

    @property
    def resolved(self) -> bool:
        return self.problem is None and self.product_uid is not None

    @property
    def open_quantity(self) -> int:
        return self.quantity - self.cancelled_quantity


HoldReason = Literal[
    "unmapped_products",
    "missing_print_files",
    "invalid_address",
    "held_by_rule",
    "awaiting_approval",
    "approval_delay",
]


@dataclass(frozen=True, slots=True)
class Hold:
    """Why an order waits: a code, the words a client understands, and the line or field."""

    reason: HoldReason
    message: str
    line_id: str | None = None
    field: str | None = None
    rule: str | None = None
    code: str | None = None  # the message's code and values, for a reader's language (domain/texts.py)
    params: dict[str, str] = dataclasses.field(default_factory=dict, hash=False)

    @classmethod
    def said(
        cls,
        reason: HoldReason,
        text: Text,
        *,
        line_id: str | None = None,
        field: str | None = None,
        rule: str | None = None,
    ) -> "Hold":
        return cls(reason, text.english, line_id, field, rule, text.code, dict(text.params))


@dataclass(frozen=True, slots=True)
class Shipment:
    tracking_number: str
    carrier: str | None = None
    tracking_url: str | None = None
    line_ids: tuple[str, ...] = ()
    shipped_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of an order's history."""

    order_id: str
    sequence: int
    at: datetime
    actor: str
    from_status: Status | None
    to_status: Status
    reason: str | None = None  # in English (or a person's own words)
    line_id: str | None = None
    cancelled_quantity: int | None = None
    shipment: Shipment | None = None
    actor_name: str | None = None  # the user's name or e-mail at the time (None: shop, system, or kept before)
    code: str | None = None  # the reason's code and values (domain/texts.py); None: a person's words, or kept before
    params: dict[str, str] = field(default_factory=dict, hash=False)
    holds: tuple[Hold, ...] = ()  # the holds the reason lists ({holds}), each with its own code


@dataclass(slots=True)
class Order:
    id: str
    client_id: str
    store_id: str
    platform: str
    source: Source
    currency: str
    total: str | None  # None: the order has no prices (placed or imported by hand)
    shipping_address: Address
    lines: list[Line]
    placed_at: datetime
    received_at: datetime
    platform_order_id: str | None = None
    client_reference: str | None = None
    order_number: str | None = None
    shipping_method: str | None = None
    customer_email: str | None = None
    test: bool = False
    content_hash: str = ""
    status: Status = "received"
    sequence: int = 0
    updated_at: datetime | None = None
    holds: list[Hold] = field(default_factory=list)
    shipments: list[Shipment] = field(default_factory=list)
    possible_duplicate: bool = False
    attention: str | None = None
    first_of_store: bool = False  # the first order of its store (a hold rule may hold it)
    approved_at: datetime | None = None  # approved by hand or its delay passed: no rule or approval holds it
    release_at: datetime | None = None  # end of the client's delay window, while it holds the order
    changes: list[Change] = field(default_factory=list)  # this unit of work's, not yet kept

    # --- intake and resolution -------------------------------------------------------------

    @staticmethod
    def key_of(store_id: str, platform_order_id: str | None, client_reference: str | None) -> str:
        """The idempotency key inside a store: the platform's order id, else the client's reference."""
        if platform_order_id:
            return f"platform:{platform_order_id}"
        if client_reference:
            return f"reference:{client_reference.strip().casefold()}"
        raise InvalidOrderInput("An order needs a platform order id or a client order reference.")

    def receive(
        self, mappings: MappingIndex, policy: ClientPolicy, *, at: datetime, actor: str, actor_name: str | None = None
    ) -> None:
        """A new order: recorded as received, then resolved to accepted or on_hold."""
        if not self.lines:
            raise InvalidOrderInput("An order needs at least one line.")
        self._record(at, actor, None, "received", RECEIVED, actor_name=actor_name)
        self.resolve(mappings, policy, at=at, actor=actor, actor_name=actor_name)

    def resolve(
        self,
        mappings: MappingIndex,
        policy: ClientPolicy,
        *,
        at: datetime,
        actor: str,
        actor_name: str | None = None,
        why: Text | None = None,
    ) -> bool:
        """Resolves every line and checks the address; then the client's hold rules and approval.
        Accepted when all is well, else on hold with the reasons. Returns whether the status changed."""
        if self.status not in ("received", "on_hold"):
            return False
        holds: list[Hold] = []
        for line in self.lines:
            if line.given:
                continue
            mapping = mappings.find(self.store_id, line.key)
            if mapping is None:
                line.product_uid, line.print_files = None, ()
                line.problem, problem_text = "unmapped", unmapped_text(line.title, line.variant_title)
            elif not mapping.print_files:
                line.product_uid, line.print_files = mapping.product_uid, ()
                line.problem, problem_text = "missing_print_file", missing_file_text(line.title)
            else:
                line.product_uid, line.print_files = mapping.product_uid, mapping.print_files
                line.problem, problem_text = None, None
            line.problem_message = problem_text.english if problem_text else None
            if line.problem == "unmapped" and line.open_quantity > 0 and problem_text:
                holds.append(Hold.said("unmapped_products", problem_text, line_id=line.line_id))
            elif line.problem == "missing_print_file" and line.open_quantity > 0 and problem_text:
                holds.append(Hold.said("missing_print_files", problem_text, line_id=line.line_id))
        for problem in check_address(self.shipping_address):
            holds.append(Hold.said("invalid_address", problem.text, field=problem.field))
        if not holds and self.approved_at is None:
            holds = self._policy_holds(policy, at)
        if not any(h.reason == "approval_delay" for h in holds):
            self.release_at = None  # only a running delay window is waited for
        self.holds = holds
        target: Status = "on_hold" if holds else "accepted"
        if target == self.status:
            return False
        if why is None:
            why = say("history.held", holds=_listed(holds)) if holds else RESOLVED
        self._record(at, actor, self.status, target, why, actor_name=actor_name, holds=holds)
        return True

    def _policy_holds(self, policy: ClientPolicy, at: datetime) -> list[Hold]:
        if rule_holds := policy.rules.holds(self):
            return rule_holds
        if policy.approval == "manual":
            return [Hold.said("awaiting_approval", say("approval.awaiting"))]
        if policy.approval == "delay":
            self.release_at = self.release_at or self.received_at + timedelta(minutes=policy.delay_minutes)
            if at < self.release_at:
                when = f"{self.release_at:%Y-%m-%d %H:%M} UTC"
                text = say("approval.delay", when=when, at=self.release_at.isoformat())
                return [Hold.said("approval_delay", text)]
        return []

    def approve(
        self, mappings: MappingIndex, policy: ClientPolicy, *, at: datetime, actor: str, actor_name: str | None = None
    ) -> None:
        """Approved by hand: no hold rule or approval holds it any more; it goes to production
        once its lines and address resolve."""
        if self.status != "on_hold":
            raise IllegalTransition(f"Only an order on hold is approved; this one is {self.status}.")
        self.approved_at = at
        self.release_at = None
        if not self.resolve(mappings, policy, at=at, actor=actor, actor_name=actor_name, why=say("history.approved")):
            self._record(
                at,
                actor,
                self.status,
                self.status,
                say("history.approved_waiting", holds=_listed(self.holds)),
                actor_name=actor_name,
                holds=self.holds,
            )

    @property
    def unresolved_lines(self) -> list[Line]:
        return [line for line in self.lines if not line.resolved and line.open_quantity > 0]

    # --- changes after intake ------------------------------------------------------------

    def correct_address(
        self,
        address: Address,
        mappings: MappingIndex,
        policy: ClientPolicy,
        *,
        at: datetime,
        actor: str,
        actor_name: str | None = None,
    ) -> None:
        """A held order's shipping address corrected: checked again, released when all resolves.
        A country code that cannot be one is refused (422) and changes nothing."""
        if self.status not in ("received", "on_hold"):
            raise OrderNotEditable(f"The address of a {self.status} order cannot be changed.")
        refuse_impossible_country(address, field="country_code")
        self.shipping_address = address
        corrected = say("history.address_corrected")
        if not self.resolve(mappings, policy, at=at, actor=actor, actor_name=actor_name, why=corrected):
            self._record(at, actor, self.status, self.status, corrected, actor_name=actor_name)

    def change_status(
        self, to: Status, *, at: datetime, actor: str, actor_name: str | None = None, why: str | None = None
    ) -> bool:
        """An operator's (or the production system's) status update. The same status again
        changes nothing (returns False); an illegal or backward one is refused with 409."""
        if to == self.status:
            return False
        if to not in SETTABLE:
            raise IllegalTransition(f"'{to}' follows from resolution; it cannot be set by hand.")
        if not can_move(self.status, to):
            raise IllegalTransition(
                f"An order {self.status} cannot become {to}.", current_status=self.status, requested_status=to
            )
        if self.test and to in FORWARD[1:]:  # not by skipping in_production either
            raise IllegalTransition("A test order is never released to production.", current_status=self.status)
        self._record(at, actor, self.status, to, why, actor_name=actor_name)
        return True

    def add_shipment(self, shipment: Shipment, *, at: datetime, actor: str, actor_name: str | None = None) -> bool:
        """A parcel sent with its carrier and tracking number; the order becomes shipped (if not
        further on already). The parcel is shipped when it is recorded, unless it says when. The
        same tracking number twice changes nothing; tracking is never erased."""
        if any(s.tracking_number == shipment.tracking_number for s in self.shipments):
            return False
        unknown = set(shipment.line_ids) - {line.line_id for line in self.lines}
        if unknown:
            raise InvalidOrderInput(f"Unknown line(s) in the shipment: {', '.join(sorted(unknown))}.")
        if self.status not in ("in_production", "printed", "packaged", "shipped", "in_transit", "delivered"):
            raise IllegalTransition(f"An order {self.status} cannot be shipped.", current_status=self.status)
        if shipment.shipped_at is None:
            shipment = dataclasses.replace(shipment, shipped_at=at)
        self.shipments.append(shipment)
        to: Status = "shipped" if FORWARD.index(self.status) < FORWARD.index("shipped") else self.status
        parcel = say("history.parcel", tracking_number=shipment.tracking_number)
        self._record(at, actor, self.status, to, parcel, actor_name=actor_name, shipment=shipment)
        return True

    def cancel_line(
        self,
        line_id: str,
        quantity: int | None,
        mappings: MappingIndex,
        policy: ClientPolicy,
        *,
        at: datetime,
        actor: str,
        why: str | None,
        actor_name: str | None = None,
    ) -> None:
        """Cancels some (or all) of a line's quantity; the order is cancelled when nothing is
        left; a held order is resolved again (its cancelled line may have been what held it)."""
        line = next((line for line in self.lines if line.line_id == line_id), None)
        if line is None:
            raise InvalidOrderInput(f"The order has no line {line_id}.")
        if self.status not in ("received", "on_hold", "accepted", "in_production"):
            raise IllegalTransition(f"Lines of an order {self.status} cannot be cancelled.", current_status=self.status)
        count = line.open_quantity if quantity is None else quantity
        if count <= 0 or count > line.open_quantity:
            raise InvalidOrderInput(f"Line {line_id} has {line.open_quantity} left to cancel, not {count}.")
        line.cancelled_quantity += count
        if all(line.open_quantity == 0 for line in self.lines):
            self._record(
                at,
                actor,
                self.status,
                "cancelled",
                why or say("history.every_line_cancelled"),
                actor_name=actor_name,
                line_id=line_id,
                cancelled_quantity=count,
            )
            return
        if self.status == "on_hold":
            self.holds = [h for h in self.holds if h.line_id is None or h.line_id != line_id or line.open_quantity > 0]
        self._record(
            at,
            actor,
            self.status,
            self.status,
            why or say("history.line_cancelled", count=count, title=line.title),
            actor_name=actor_name,
            line_id=line_id,
            cancelled_quantity=count,
        )
        if self.status == "on_hold" and not self.holds:
            self._record(at, actor, "on_hold", "accepted", say("history.remaining_resolve"), actor_name=actor_name)

    def cancel_in_store(self, reason: str | None, *, at: datetime) -> None:
        """Cancelled in the shop: before production the order is cancelled; after, the
        cancellation is recorded and flagged for the operator."""
        if self.status in BEFORE_PRODUCTION:
            why = (
                say("history.cancelled_in_shop_because", reason=reason) if reason else say("history.cancelled_in_shop")
            )
            self._record(at, "shop", self.status, "cancelled", why)
        elif self.status != "cancelled":
            late = (
                say("history.cancelled_late_because", reason=reason, status=self.status)
                if reason
                else say("history.cancelled_late", status=self.status)
            )
            self.attention = late.english
            self._record(at, "shop", self.status, self.status, late)

    def received_again(self, content_hash: str, *, at: datetime, actor: str, actor_name: str | None = None) -> bool:
        """The same reference arrives again: the same content is the same order (nothing
        changes); other content is flagged as a possible duplicate, never dropped silently."""
        if content_hash == self.content_hash:
            return False
        self.possible_duplicate = True
        self._record(at, actor, self.status, self.status, say("history.received_again"), actor_name=actor_name)
        return True

    def _record(
        self,
        at: datetime,
        actor: str,
        from_status: Status | None,
        to_status: Status,
        why: Text | str | None,
        *,
        actor_name: str | None = None,
        holds: Sequence[Hold] = (),
        line_id: str | None = None,
        cancelled_quantity: int | None = None,
        shipment: Shipment | None = None,
    ) -> None:
        """``why``: a sentence of ours (kept in English with its code and values), or a person's own words."""
        self.sequence += 1
        self.status = to_status
        self.updated_at = at
        reason: str | None = why.english if isinstance(why, Text) else why
        code = why.code if isinstance(why, Text) else None
        params = dict(why.params) if isinstance(why, Text) else {}
        self.changes.append(
            Change(
                self.id,
                self.sequence,
                at,
                actor,
                from_status,
                to_status,
                reason,
                line_id,
                cancelled_quantity,
                shipment,
                actor_name,
                code,
                params,
                tuple(holds),
            )
        )


def _listed(holds: Sequence[Hold]) -> str:
    """The holds' English sentences as one reason (each is also kept with its code)."""
    return "; ".join(h.message for h in holds)
