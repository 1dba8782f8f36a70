"""Reading and changing one order over HTTP: every change is checked by the domain, kept in
the order's history and published."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from order_intake.domain.addresses import Address
from order_intake.domain.errors import OrderNotFound
from order_intake.domain.orders import Change, Order, Shipment, Status
from order_intake.domain.policies import ClientPolicy
from order_intake.domain.resolution import MappingIndex
from order_intake.domain.texts import say
from order_intake.domain.visibility import Viewer
from order_intake.handlers.policies import policies_for
from order_intake.handlers.publishing import keep_changes
from order_intake.ports import OrderFilter, UnitOfWork


@dataclass(frozen=True)
class OrderView:
    order: Order
    history: list[Change]


async def _load(order_id: str, viewer: Viewer, uow: UnitOfWork, *, acting: bool) -> Order:
    order = await uow.orders.get(order_id, for_update=acting)
    if order is None:
        raise OrderNotFound(f"No order {order_id}.")
    if acting:
        viewer.check_acts(order.client_id, order.store_id, order_id)
    else:
        viewer.check_sees(order.client_id, order.store_id, order_id)
    return order


async def _keep(order: Order, uow: UnitOfWork) -> OrderView:
    if order.changes:
        await uow.orders.save_many([order])
        await keep_changes([order], uow=uow)
    history = await uow.orders.history(order.id)
    await uow.commit()
    return OrderView(order, history)


async def get_order(order_id: str, *, viewer: Viewer, uow: UnitOfWork) -> OrderView:
    async with uow:
        order = await _load(order_id, viewer, uow, acting=False)
        return OrderView(order, await uow.orders.history(order_id))


async def list_orders(
    where: OrderFilter, *, viewer: Viewer, after: tuple[datetime, str] | None, limit: int, uow: UnitOfWork
) -> Sequence[Order]:
    """The viewer's orders only: its scope narrows whatever filter was asked."""
    clients, stores = viewer.client_scope(), viewer.store_scope()
    if clients is not None:
        where = OrderFilter(
            client_ids=clients if where.client_ids is None else where.client_ids & clients,
            store_ids=where.store_ids,
            statuses=where.statuses,
            received_from=where.received_from,
            received_before=where.received_before,
            text=where.text,
            needs_attention=where.needs_attention,
        )
    if stores is not None:
        where = OrderFilter(
            client_ids=where.client_ids,
            store_ids=stores if where.store_ids is None else where.store_ids & stores,
            statuses=where.statuses,
            received_from=where.received_from,
            received_before=where.received_before,
            text=where.text,
            needs_attention=where.needs_attention,
        )
    async with uow:
        return await uow.orders.search(where, after=after, limit=limit)


async def change_status(
    order_id: str, status: Status, why: str | None, *, viewer: Viewer, uow: UnitOfWork
) -> OrderView:
    async with uow:
        order = await _load(order_id, viewer, uow, acting=True)
        if status != "cancelled":
            viewer.check_operator()
        order.change_status(status, at=datetime.now(UTC), actor=viewer.subject, actor_name=viewer.name, why=why)
        return await _keep(order, uow)


async def add_shipment(order_id: str, shipment: Shipment, *, viewer: Viewer, uow: UnitOfWork) -> OrderView:
    async with uow:
        order = await _load(order_id, viewer, uow, acting=True)
        viewer.check_operator()
        order.add_shipment(shipment, at=datetime.now(UTC), actor=viewer.subject, actor_name=viewer.name)
        return await _keep(order, uow)


async def cancel_line(
    order_id: str, line_id: str, quantity: int | None, why: str | None, *, viewer: Viewer, uow: UnitOfWork
) -> OrderView:
    async with uow:
        order = await _load(order_id, viewer, uow, acting=True)
        index, policy = await _resolution(order, uow)
        order.cancel_line(
            line_id,
            quantity,
            index,
            policy,
            at=datetime.now(UTC),
            actor=viewer.subject,
            actor_name=viewer.name,
            why=why,
        )
        return await _keep(order, uow)


async def correct_address(order_id: str, address: Address, *, viewer: Viewer, uow: UnitOfWork) -> OrderView:
    """A held order's address corrected: checked again, and the order released if all resolves."""
    async with uow:
        order = await _load(order_id, viewer, uow, acting=True)
        index, policy = await _resolution(order, uow)
        order.correct_address(
            address, index, policy, at=datetime.now(UTC), actor=viewer.subject, actor_name=viewer.name
        )
        return await _keep(order, uow)


async def approve(order_id: str, *, viewer: Viewer, uow: UnitOfWork) -> OrderView:
    """An order held by a rule or waiting for approval goes to production (once it resolves)."""
    async with uow:
        order = await _load(order_id, viewer, uow, acting=True)
        index, policy = await _resolution(order, uow)
        order.approve(index, policy, at=datetime.now(UTC), actor=viewer.subject, actor_name=viewer.name)
        return await _keep(order, uow)


async def release_due(*, uow: UnitOfWork, limit: int = 500, now: datetime | None = None) -> int:
    """Held orders whose client's delay window has passed go to production; returns how many were looked at."""
    now = now or datetime.now(UTC)
    async with uow:
        order_ids = await uow.orders.due_for_release(now, limit=limit)
        if not order_ids:
            return 0
        orders = list((await uow.orders.get_many(order_ids, for_update=True)).values())
        await uow.store_guard.hold({o.store_id for o in orders}, exclusive=False)
        index = MappingIndex(await uow.mappings.matching((o.store_id, line.key) for o in orders for line in o.lines))
        policies = await policies_for({o.client_id for o in orders}, uow)
        passed = say("history.delay_passed")
        for order in orders:
            order.resolve(index, policies[order.client_id], at=now, actor="system", why=passed)
        await uow.orders.save_many(orders)
        await keep_changes(orders, uow=uow)
        await uow.commit()
        return len(orders)


async def _resolution(order: Order, uow: UnitOfWork) -> tuple[MappingIndex, ClientPolicy]:
    """What resolving this order again needs: its store's mappings and its client's policy."""
    await uow.store_guard.hold([order.store_id], exclusive=False)
    index = MappingIndex(await uow.mappings.matching((order.store_id, line.key) for line in order.lines))
    return index, (await policies_for([order.client_id], uow))[order.client_id]
