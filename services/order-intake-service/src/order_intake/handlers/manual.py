"""Orders of manual stores: "Place order" and CSV import, both through one set-based path
(one read of the orders already placed, one of the store's mappings, bulk inserts), both
idempotent on (store, client order reference)."""

import asyncio
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import structlog

from order_intake.domain.errors import OrderNotEditable
from order_intake.domain.imports import ImportJob
from order_intake.domain.manual import OrderDraft, check_draft, order_of_draft, refused_lines
from order_intake.domain.order_csv import ParsedFile, RowError, parse_orders_csv
from order_intake.domain.orders import Order, Source
from order_intake.domain.resolution import LineKey, MappingIndex
from order_intake.domain.stores import Store
from order_intake.domain.texts import say
from order_intake.domain.visibility import Viewer
from order_intake.handlers.intake import line_id_for, order_id_for
from order_intake.handlers.orders import OrderView
from order_intake.handlers.policies import policies_for
from order_intake.handlers.publishing import keep_changes
from order_intake.ports import UnitOfWork
from service_runtime.errors import NotFound
from service_runtime.heap import full_collections_deferred

log = structlog.get_logger()

#: Orders placed per transaction while importing a file.
IMPORT_CHUNK = 200
#: An import whose process saved no progress for this long was left by a stopped process (a
#: chunk of IMPORT_CHUNK orders takes well under a second)
IMPORT_SILENT = timedelta(minutes=1)


class StoreNotKnown(NotFound):
    title = "Store not known"


class DuplicateReference(OrderNotEditable):
    title = "Order reference already used"
    type = "/problems/duplicate-order-reference"


Outcome = Literal["created", "existing", "flagged"]


@dataclass(frozen=True)
class Placed:
    outcome: Outcome
    order: Order


async def _manual_store(store_id: str, viewer: Viewer, uow: UnitOfWork) -> Store:
    store = (await uow.stores.get_many([store_id])).get(store_id)
    if store is None or not viewer.sees(store.client_id, store.store_id):
        raise StoreNotKnown(f"No store {store_id} is known here (yet).", field="store_id")
    viewer.check_acts(store.client_id, store.store_id, store_id)
    if not store.manual:
        raise OrderNotEditable(
            f"Orders of a {store.platform} store come from the shop; only manual stores take placed or imported orders."
        )
    if not store.connected:
        raise OrderNotEditable("The store is disconnected.")
    return store


def unmapped_skus(drafts: Sequence[OrderDraft], store_id: str, index: MappingIndex) -> dict[tuple[int, int], str]:
    """{(draft, line): sku} of the lines whose SKU no mapping of the store knows."""
    return {
        (d, n): line.sku
        for d, draft in enumerate(drafts)
        for n, line in enumerate(draft.lines)
        if line.sku and index.find(store_id, LineKey(None, None, line.sku)) is None
    }


async def _index(drafts: Sequence[OrderDraft], store: Store, uow: UnitOfWork) -> MappingIndex:
    keys = [(store.store_id, LineKey(None, None, line.sku)) for draft in drafts for line in draft.lines if line.sku]
    return MappingIndex(await uow.mappings.matching(keys) if keys else [])


async def _place(
    drafts: Sequence[OrderDraft],
    *,
    store: Store,
    source: Source,
    index: MappingIndex,
    uow: UnitOfWork,
    now: datetime,
    actor: str,
    actor_name: str | None,
) -> list[Placed]:
    """Places drafts already checked (their SKUs mapped): each is created, already there
    (same content), or flagged as a possible duplicate (same reference, other content). The
    person placing or importing them is who the orders' history names."""
    keys = [Order.key_of(store.store_id, None, draft.reference) for draft in drafts]
    ids = [order_id_for(store.store_id, key) for key in keys]
    held = await uow.orders.get_many(ids, for_update=True)
    policy = (await policies_for([store.client_id], uow))[store.client_id]
    seen_store = bool(await uow.orders.stores_with_orders([store.store_id]))
    placed: list[Placed] = []
    new: dict[str, tuple[Order, str]] = {}
    again: dict[str, Order] = {}
    for draft, key, order_id in zip(drafts, keys, ids, strict=True):
        known = new[order_id][0] if order_id in new else held.get(order_id)
        if known is not None:
            flagged = known.received_again(draft.content_hash(), at=now, actor=actor, actor_name=actor_name)
            if flagged and order_id not in new:
                again[order_id] = known
            placed.append(Placed("flagged" if flagged else "existing", known))
            continue
        order = order_of_draft(
            draft,
            order_id=order_id,
            line_ids=[line_id_for(order_id, n + 1) for n in range(len(draft.lines))],
            client_id=store.client_id,
            store_id=store.store_id,
            source=source,
            test=draft.test or store.test_mode,
            now=now,
            currency=store.currency,
        )
        order.first_of_store, seen_store = not seen_store, True
        order.receive(index, policy, at=now, actor=actor, actor_name=actor_name)
        new[order_id] = (order, key)
        placed.append(Placed("created", order))
    await uow.orders.add_many(list(new.values()))
    await uow.orders.save_many(list(again.values()))
    await keep_changes([*(order for order, _ in new.values()), *again.values()], uow=uow)
    return placed


async def place_order(store_id: str, draft: OrderDraft, *, viewer: Viewer, uow: UnitOfWork) -> tuple[bool, OrderView]:
    """ "Place order": (created?, the order). The same reference again with the same content
    is the same order; with other content the order is flagged and the request refused (409)."""
    check_draft(draft)
    async with uow:
        store = await _manual_store(store_id, viewer, uow)
        await uow.store_guard.hold([store.store_id], exclusive=False)
        index = await _index([draft], store, uow)
        unknown = unmapped_skus([draft], store.store_id, index)
        if unknown:
            raise refused_lines([(n, "sku", say("order_csv.sku_unmapped", sku=sku)) for (_, n), sku in unknown.items()])
        [placed] = await _place(
            [draft],
            store=store,
            source="manual",
            index=index,
            uow=uow,
            now=datetime.now(UTC),
            actor=viewer.subject,
            actor_name=viewer.name,
        )
        history = await uow.orders.history(placed.order.id)
        await uow.commit()
    if placed.outcome == "flagged":
        raise DuplicateReference(
            f"The reference '{draft.reference}' is already used by another order of this store with other content; "
            "that order is flagged as a possible duplicate.",
            order_id=placed.order.id,
        )
    return placed.outcome == "created", OrderView(placed.order, history)


async def start_import(
    store_id: str, content: bytes, *, viewer: Viewer, uow: UnitOfWork
) -> tuple[ImportJob, ParsedFile]:
    """Reads the file and records the job (refused at once when the file itself is unusable);
    its orders are then placed by ``run_import``."""
    with full_collections_deferred():  # the orders read live on until the job ends (service_runtime.heap)
        parsed = parse_orders_csv(content)
    now = datetime.now(UTC)
    async with uow:
        store = await _manual_store(store_id, viewer, uow)
        job = ImportJob(
            id=str(uuid.uuid4()),
            client_id=store.client_id,
            store_id=store.store_id,
            created_by=viewer.subject,
            created_at=now,
            rows=parsed.rows,
            orders_total=len(parsed.drafts) + parsed.failed_orders,
            orders_done=parsed.failed_orders,
            orders_failed=parsed.failed_orders,
            errors=list(parsed.errors),
        )
        if parsed.refused:
            job.status = "refused"
            job.finished_at = now
        elif not parsed.drafts:
            job.finish(now)
        await uow.import_jobs.add(job)
        await uow.commit()
    return job, parsed


async def run_import(
    job_id: str, parsed: ParsedFile, *, new_uow: Callable[[], UnitOfWork], actor_name: str | None = None
) -> None:
    """Places the file's good orders a chunk per transaction, the job's progress with each.
    An order whose SKU is not mapped is reported by its row and not imported. The orders'
    history names the job's creator (``actor_name``: their name when they started it)."""
    with full_collections_deferred():  # the file's orders live until the last chunk (service_runtime.heap)
        await _run_import(job_id, parsed, new_uow=new_uow, actor_name=actor_name)
    log.info("order_import.done", job_id=job_id)


async def _run_import(
    job_id: str, parsed: ParsedFile, *, new_uow: Callable[[], UnitOfWork], actor_name: str | None
) -> None:
    for start in range(0, len(parsed.drafts), IMPORT_CHUNK):
        chunk = parsed.drafts[start : start + IMPORT_CHUNK]
        now = datetime.now(UTC)
        uow = new_uow()
        async with uow:
            job = await uow.import_jobs.get(job_id, for_update=True)
            if job is None:
                return
            store = (await uow.stores.get_many([job.store_id]))[job.store_id]
            await uow.store_guard.hold([store.store_id], exclusive=False)
            index = await _index(chunk, store, uow)
            unknown = unmapped_skus(chunk, store.store_id, index)
            errors = [
                RowError.of(
                    parsed.draft_lines[chunk[d].reference.casefold()][n], "sku", say("order_csv.sku_unmapped", sku=sku)
                )
                for (d, n), sku in unknown.items()
            ]
            bad = {d for d, _ in unknown}
            good = [draft for d, draft in enumerate(chunk) if d not in bad]
            placed = await _place(
                good,
                store=store,
                source="csv_import",
                index=index,
                uow=uow,
                now=now,
                actor=job.created_by,
                actor_name=actor_name,
            )
            job.progress(
                created=sum(p.outcome == "created" for p in placed),
                existing=sum(p.outcome == "existing" for p in placed),
                flagged=sum(p.outcome == "flagged" for p in placed),
                failed=len(bad),
                errors=errors,
            )
            if start + IMPORT_CHUNK >= len(parsed.drafts):
                job.finish(now)
            await uow.import_jobs.save(job)
            await uow.commit()
        await asyncio.sleep(0)  # let the requests in between chunks


async def get_import(job_id: str, *, viewer: Viewer, uow: UnitOfWork) -> ImportJob:
    async with uow:
        job = await uow.import_jobs.get(job_id)
    if job is None or not viewer.sees(job.client_id, job.store_id):
        raise NotFound(f"No import {job_id}.")
    return job


async def interrupt_left_imports(*, uow: UnitOfWork) -> int:
    """Imports a stopped process left running (no progress saved for ``IMPORT_SILENT``) are
    marked interrupted (re-importing the file finishes them: what was imported is not imported
    twice). Those another process of the service is running save progress every chunk."""
    now = datetime.now(UTC)
    async with uow:
        count = await uow.import_jobs.interrupt_running(now, silent_since=now - IMPORT_SILENT)
        await uow.commit()
    if count:
        log.warning("order_import.interrupted", jobs=count)
    return count
