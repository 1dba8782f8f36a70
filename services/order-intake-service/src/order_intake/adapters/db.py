"""Repositories over the order intake tables, the unit of work and the schema migrations.
Writes of the hot path are set-based: one query to read many, bulk inserts and updates."""

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, fields
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, delete, func, insert, or_, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from order_intake.adapters.bulk import among, insert_rows, is_postgres, json_of, json_value, to_json
from order_intake.adapters.tables import (
    ClientPolicyRow,
    ImportJobRow,
    MappingRow,
    OrderHistoryRow,
    OrderLineRow,
    OrderRow,
    StoreRow,
    utc,
)
from order_intake.domain.addresses import Address
from order_intake.domain.imports import ImportJob
from order_intake.domain.order_csv import RowError
from order_intake.domain.orders import Change, Hold, Line, Order, Shipment, Status
from order_intake.domain.policies import ClientPolicy, HoldRules
from order_intake.domain.resolution import LineKey, Mapping, PrintFile
from order_intake.domain.stores import Store
from order_intake.ports import OrderFilter
from service_runtime.migrations import Migrations
from service_runtime.unit_of_work import SqlUnitOfWork

MIGRATIONS = Migrations(
    Path(__file__).parents[1] / "migrations",
    tables=(StoreRow, MappingRow, OrderRow, OrderLineRow, OrderHistoryRow, ImportJobRow, ClientPolicyRow),
)

_ADDRESS_FIELDS = tuple(f.name for f in fields(Address))


def _table(model: type[SQLModel]) -> Table:
    """The Core table of a model: its bulk inserts are one multi-row INSERT per page of rows
    (the ORM's would go row by row to fetch generated keys)."""
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


def _files(files: Iterable[PrintFile]) -> list[dict[str, str]]:
    return [{"type": f.type, "url": f.url} for f in files]


def _files_of(values: Iterable[dict[str, str]]) -> tuple[PrintFile, ...]:
    return tuple(PrintFile(v.get("type", "default"), v["url"]) for v in values)


def _shipment(shipment: Shipment) -> dict[str, Any]:
    return {
        "tracking_number": shipment.tracking_number,
        "carrier": shipment.carrier,
        "tracking_url": shipment.tracking_url,
        "line_ids": list(shipment.line_ids),
        "shipped_at": shipment.shipped_at.isoformat() if shipment.shipped_at else None,
    }


def _shipment_of(value: dict[str, Any]) -> Shipment:
    shipped_at = value.get("shipped_at")
    return Shipment(
        tracking_number=value["tracking_number"],
        carrier=value.get("carrier"),
        tracking_url=value.get("tracking_url"),
        line_ids=tuple(value.get("line_ids") or ()),
        shipped_at=datetime.fromisoformat(shipped_at) if shipped_at else None,
    )


def _hold_values(hold: Hold) -> dict[str, Any]:
    return {
        "reason": hold.reason,
        "message": hold.message,
        "line_id": hold.line_id,
        "field": hold.field,
        "rule": hold.rule,
        "code": hold.code,
        "params": hold.params,
    }


def _hold_of(value: dict[str, Any]) -> Hold:
    return Hold(
        value["reason"],
        value["message"],
        value.get("line_id"),
        value.get("field"),
        value.get("rule"),
        value.get("code"),  # holds kept before codes existed have none: their English message is shown
        value.get("params") or {},
    )


def _total_of(row: OrderRow) -> str | None:
    """Orders placed or imported by hand were kept with a total of "0" before an order without
    prices had none: theirs is None too."""
    if row.source != "shop" and row.total == "0":
        return None
    return row.total


def _search_key(order: Order) -> str:
    parts = (order.order_number, order.platform_order_id, order.client_reference)
    return " ".join(p.casefold() for p in parts if p)[:500]


#: The columns of an order's row, in the order ``_order_row`` gives their values.
ORDER_COLUMNS = (
    "id",
    "client_id",
    "store_id",
    "platform",
    "source",
    "platform_order_id",
    "client_reference",
    "order_number",
    "search_key",
    "status",
    "test",
    "currency",
    "total",
    "shipping_address",
    "shipping_method",
    "customer_email",
    "placed_at",
    "received_at",
    "updated_at",
    "content_hash",
    "sequence",
    "holds",
    "shipments",
    "possible_duplicate",
    "attention",
    "first_of_store",
    "approved_at",
    "release_at",
)
_NEW_ORDER_COLUMNS = (*ORDER_COLUMNS, "order_key")


def _order_row(order: Order, js: Callable[[Any], Any]) -> tuple[Any, ...]:
    """``js``: how the database takes a JSON column's value (adapters/bulk.py ``json_of``)."""
    address = order.shipping_address
    return (
        order.id,
        order.client_id,
        order.store_id,
        order.platform,
        order.source,
        order.platform_order_id,
        order.client_reference,
        order.order_number,
        _search_key(order),
        order.status,
        order.test,
        order.currency,
        order.total,
        js({name: getattr(address, name) for name in _ADDRESS_FIELDS}),
        order.shipping_method,
        order.customer_email,
        order.placed_at,
        order.received_at,
        order.updated_at or order.received_at,
        order.content_hash,
        order.sequence,
        js([_hold_values(h) for h in order.holds]),
        js([_shipment(s) for s in order.shipments]),
        order.possible_duplicate,
        order.attention,
        order.first_of_store,
        order.approved_at,
        order.release_at,
    )


def order_values(order: Order) -> dict[str, Any]:
    return dict(zip(ORDER_COLUMNS, _order_row(order, json_value), strict=True))


#: The columns of a line's row, in the order ``_line_row`` gives their values.
LINE_COLUMNS = (
    "line_id",
    "order_id",
    "store_id",
    "position",
    "title",
    "quantity",
    "cancelled_quantity",
    "platform_line_id",
    "platform_product_id",
    "platform_variant_id",
    "sku",
    "variant_title",
    "unit_price",
    "attributes",
    "product_uid",
    "print_files",
    "problem",
    "problem_message",
    "given",
    "waiting",
)


def _line_row(order: Order, line: Line, js: Callable[[Any], Any]) -> tuple[Any, ...]:
    return (
        line.line_id,
        order.id,
        order.store_id,
        line.position,
        line.title,
        line.quantity,
        line.cancelled_quantity,
        line.platform_line_id,
        line.platform_product_id,
        line.platform_variant_id,
        line.sku,
        line.variant_title,
        line.unit_price,
        js([list(a) for a in line.attributes]),
        line.product_uid,
        js(_files(line.print_files)),
        line.problem,
        line.problem_message,
        line.given,
        order.status == "on_hold" and not line.resolved and line.open_quantity > 0,  # waiting
    )


def line_values(order: Order, line: Line) -> dict[str, Any]:
    return dict(zip(LINE_COLUMNS, _line_row(order, line, json_value), strict=True))


def _line_of(row: OrderLineRow) -> Line:
    return Line(
        line_id=row.line_id,
        position=row.position,
        title=row.title,
        quantity=row.quantity,
        platform_line_id=row.platform_line_id,
        platform_product_id=row.platform_product_id,
        platform_variant_id=row.platform_variant_id,
        sku=row.sku,
        variant_title=row.variant_title,
        unit_price=row.unit_price,
        attributes=tuple((a[0], a[1]) for a in row.attributes),
        product_uid=row.product_uid,
        print_files=_files_of(row.print_files),
        problem=row.problem,
        problem_message=row.problem_message,
        cancelled_quantity=row.cancelled_quantity,
        given=row.given,
    )


def _order_of(row: OrderRow, lines: list[Line]) -> Order:
    status: Status = row.status  # type: ignore[assignment]  # written from the domain's Status only
    return Order(
        id=row.id,
        client_id=row.client_id,
        store_id=row.store_id,
        platform=row.platform,
        source=row.source,  # type: ignore[arg-type]
        currency=row.currency,
        total=_total_of(row),
        shipping_address=Address(**{k: row.shipping_address.get(k) for k in _ADDRESS_FIELDS}),
        lines=sorted(lines, key=lambda line: line.position),
        placed_at=utc(row.placed_at),
        received_at=utc(row.received_at),
        platform_order_id=row.platform_order_id,
        client_reference=row.client_reference,
        order_number=row.order_number,
        shipping_method=row.shipping_method,
        customer_email=row.customer_email,
        test=row.test,
        content_hash=row.content_hash,
        status=status,
        sequence=row.sequence,
        updated_at=utc(row.updated_at),
        holds=[_hold_of(h) for h in row.holds],
        shipments=[_shipment_of(s) for s in row.shipments],
        possible_duplicate=row.possible_duplicate,
        attention=row.attention,
        first_of_store=row.first_of_store,
        approved_at=utc(row.approved_at) if row.approved_at else None,
        release_at=utc(row.release_at) if row.release_at else None,
    )


#: The columns of a history entry's row, in the order ``_change_row`` gives their values.
CHANGE_COLUMNS = (
    "order_id",
    "sequence",
    "at",
    "actor",
    "actor_name",
    "from_status",
    "to_status",
    "reason",
    "code",
    "params",
    "holds",
    "line_id",
    "cancelled_quantity",
    "shipment",
)


def _change_row(change: Change, js: Callable[[Any], Any]) -> tuple[Any, ...]:
    return (
        change.order_id,
        change.sequence,
        change.at,
        change.actor,
        change.actor_name[:320] if change.actor_name else None,
        change.from_status,
        change.to_status,
        change.reason,
        change.code,
        js(change.params) if change.params else None,
        js([_hold_values(h) for h in change.holds]) if change.holds else None,
        change.line_id,
        change.cancelled_quantity,
        js(_shipment(change.shipment)) if change.shipment else None,
    )


def _change_of(row: OrderHistoryRow) -> Change:
    return Change(
        order_id=row.order_id,
        sequence=row.sequence,
        at=utc(row.at),
        actor=row.actor,
        from_status=row.from_status,  # type: ignore[arg-type]
        to_status=row.to_status,  # type: ignore[arg-type]
        reason=row.reason,
        line_id=row.line_id,
        cancelled_quantity=row.cancelled_quantity,
        shipment=_shipment_of(row.shipment) if row.shipment else None,
        actor_name=row.actor_name,  # entries kept before names were: None (the console shows the id)
        code=row.code,  # entries kept before codes were: None (their English reason is shown)
        params=row.params or {},
        holds=tuple(_hold_of(h) for h in row.holds or ()),
    )


class SqlStores:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get_many(self, store_ids: Iterable[str]) -> dict[str, Store]:
        wanted = sorted(set(store_ids))
        if not wanted:
            return {}
        rows = await self._session.execute(select(StoreRow).where(col(StoreRow.store_id).in_(wanted)))
        return {
            row.store_id: Store(
                row.store_id,
                row.client_id,
                row.platform,
                row.name,
                row.connected,
                row.test_mode,
                utc(row.changed_at),
                row.currency,
            )
            for row in rows.scalars()
        }

    async def put(self, store: Store) -> None:
        await self._session.merge(
            StoreRow(
                store_id=store.store_id,
                client_id=store.client_id,
                platform=store.platform,
                name=store.name,
                connected=store.connected,
                test_mode=store.test_mode,
                changed_at=store.changed_at,
                currency=store.currency,
            )
        )


_MAPPING_COLUMNS = (
    "mapping_id",
    "store_id",
    "platform_product_id",
    "platform_variant_id",
    "sku_key",
    "product_uid",
    "print_files",
)


def _matching_ids(column: str, name: str) -> str:
    unmapped_variant = " AND m.platform_variant_id IS NULL" if column == "platform_product_id" else ""
    return (
        f"SELECT m.mapping_id FROM {MappingRow.__tablename__} AS m"
        f" JOIN json_array_elements(CAST(:{name} AS json)) AS k(pair)"
        f" ON m.store_id = k.pair->>0 AND m.{column} = k.pair->>1{unmapped_variant}"
    )


#: The mappings of (store, variant), (store, product) without variant, (store, SKU) pairs, each
#: once (a line's variant and SKU often find the same mapping). The pairs go in as JSON arrays
#: and the rows come back as one JSON array: one parse each way instead of a driver call per
#: array element and per row.
_MATCHING_PG = text(
    f"SELECT json_agg(json_build_array({', '.join(_MAPPING_COLUMNS)})) FROM {MappingRow.__tablename__}"
    " WHERE mapping_id IN ("
    + " UNION ".join(
        (
            _matching_ids("platform_variant_id", "variants"),
            _matching_ids("platform_product_id", "products"),
            _matching_ids("sku_key", "skus"),
        )
    )
    + ")"
)


def _matching_query(
    variants: set[tuple[str, str]], products: set[tuple[str, str]], skus: set[tuple[str, str]]
) -> Select[Any]:
    """The mappings of these stores with one of these variants, products (without variant) or SKUs."""
    stores = sorted({store_id for pairs in (variants, products, skus) for store_id, _ in pairs})
    matches: list[ColumnElement[bool]] = []
    if variants:
        matches.append(col(MappingRow.platform_variant_id).in_(sorted({v for _, v in variants})))
    if products:
        matches.append(
            col(MappingRow.platform_variant_id).is_(None)
            & col(MappingRow.platform_product_id).in_(sorted({p for _, p in products}))
        )
    if skus:
        matches.append(col(MappingRow.sku_key).in_(sorted({s for _, s in skus})))
    table = _table(MappingRow)
    return select(*(table.c[name] for name in _MAPPING_COLUMNS)).where(
        col(MappingRow.store_id).in_(stores), or_(*matches)
    )


class SqlMappings:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def matching(self, lines: Iterable[tuple[str, LineKey]]) -> list[Mapping]:
        """Every mapping that could match one of these lines (store, key): one query. On
        PostgreSQL keyed by (store, variant), (store, product) and (store, SKU) pairs;
        elsewhere by the stores and the variants, products and SKUs."""
        variants, products, skus = set(), set(), set()
        for store_id, key in lines:
            if key.platform_variant_id:
                variants.add((store_id, key.platform_variant_id))
            if key.platform_product_id:
                products.add((store_id, key.platform_product_id))
            if key.sku:
                skus.add((store_id, key.sku.casefold()))
        if not (variants or products or skus):
            return []
        rows: Iterable[Sequence[Any]]
        if is_postgres(self._session):
            params = {
                "variants": to_json(list(variants)),
                "products": to_json(list(products)),
                "skus": to_json(list(skus)),
            }
            rows = (await self._session.execute(_MATCHING_PG, params)).scalar_one() or []
        else:
            rows = (await self._session.execute(_matching_query(variants, products, skus))).all()
        # Plain rows, not ORM objects: a batch reads a thousand mappings and loading entities
        # cost more than the query.
        return [
            Mapping(mapping_id, store_id, product_id, variant_id, sku_key, product_uid, _files_of(files))
            for mapping_id, store_id, product_id, variant_id, sku_key, product_uid, files in rows
        ]

    async def mapped_at(self, mapping_ids: Iterable[str]) -> dict[str, datetime]:
        wanted = sorted(set(mapping_ids))
        if not wanted:
            return {}
        query = select(col(MappingRow.mapping_id), col(MappingRow.mapped_at)).where(
            col(MappingRow.mapping_id).in_(wanted)
        )
        return {mapping_id: utc(at) for mapping_id, at in (await self._session.execute(query)).all()}

    async def put(self, mapping: Mapping, *, client_id: str, at: datetime) -> None:
        """A mapping replaces any other of the same shop variant (or product, without variant)."""
        same_key = delete(MappingRow).where(
            col(MappingRow.store_id) == mapping.store_id,
            col(MappingRow.platform_product_id) == mapping.platform_product_id,
            col(MappingRow.platform_variant_id).is_(None)
            if mapping.platform_variant_id is None
            else col(MappingRow.platform_variant_id) == mapping.platform_variant_id,
        )
        await self._session.execute(same_key)
        await self._session.execute(delete(MappingRow).where(col(MappingRow.mapping_id) == mapping.mapping_id))
        await self._session.execute(
            insert(MappingRow).values(
                mapping_id=mapping.mapping_id,
                store_id=mapping.store_id,
                client_id=client_id,
                platform_product_id=mapping.platform_product_id,
                platform_variant_id=mapping.platform_variant_id,
                sku_key=mapping.sku.casefold() if mapping.sku else None,
                product_uid=mapping.product_uid,
                print_files=_files(mapping.print_files),
                mapped_at=at,
            )
        )

    async def remove(self, mapping_ids: Iterable[str]) -> None:
        wanted = sorted(set(mapping_ids))
        if wanted:
            await self._session.execute(delete(MappingRow).where(col(MappingRow.mapping_id).in_(wanted)))


_STORES_WITH_ORDERS_PG = text(
    "SELECT s FROM unnest(CAST(:stores AS text[])) AS s"
    f" WHERE EXISTS (SELECT 1 FROM {OrderRow.__tablename__} AS o WHERE o.store_id = s)"
)


class SqlOrders:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get_many(self, order_ids: Iterable[str], *, for_update: bool = False) -> dict[str, Order]:
        """Orders with their lines: two queries whatever their number."""
        wanted = sorted(set(order_ids))
        if not wanted:
            return {}
        postgres = is_postgres(self._session)
        query = select(OrderRow).where(among(_table(OrderRow).c.id, wanted, postgres=postgres))
        if for_update:
            query = query.with_for_update()
        rows = list((await self._session.execute(query)).scalars())
        lines: dict[str, list[Line]] = {}
        if rows:
            found = select(OrderLineRow).where(
                among(_table(OrderLineRow).c.order_id, [r.id for r in rows], postgres=postgres)
            )
            for line in (await self._session.execute(found)).scalars():
                lines.setdefault(line.order_id, []).append(_line_of(line))
        return {row.id: _order_of(row, lines.get(row.id, [])) for row in rows}

    async def get(self, order_id: str, *, for_update: bool = False) -> Order | None:
        return (await self.get_many([order_id], for_update=for_update)).get(order_id)

    async def id_by_key(self, store_id: str, key: str) -> str | None:
        query = select(col(OrderRow.id)).where(col(OrderRow.store_id) == store_id, col(OrderRow.order_key) == key)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def add_many(self, orders: Sequence[tuple[Order, str]]) -> None:
        """New orders (with their idempotency key) and their lines: two bulk inserts."""
        js = json_of(self._session)
        rows = [(*_order_row(order, js), key) for order, key in orders]
        await insert_rows(self._session, _table(OrderRow), _NEW_ORDER_COLUMNS, rows)
        lines = [_line_row(order, line, js) for order, _ in orders for line in order.lines]
        await insert_rows(self._session, _table(OrderLineRow), LINE_COLUMNS, lines)

    async def save_many(self, orders: Sequence[Order]) -> None:
        """Changed orders and their lines: bulk updates by primary key."""
        if not orders:
            return
        await self._session.execute(update(OrderRow), [order_values(order) for order in orders])
        lines = [line_values(order, line) for order in orders for line in order.lines]
        if lines:
            await self._session.execute(update(OrderLineRow), lines)

    async def waiting_for(self, store_ids: Iterable[str], keys: Iterable[LineKey]) -> list[str]:
        """Orders on hold in these stores with an unresolved line one of these mappings matches."""
        stores = sorted(set(store_ids))
        keys = list(keys)
        variants = sorted({k.platform_variant_id for k in keys if k.platform_variant_id})
        products = sorted({k.platform_product_id for k in keys if k.platform_product_id and not k.platform_variant_id})
        skus = sorted({k.sku.casefold() for k in keys if k.sku})
        matches = []
        if variants:
            matches.append(col(OrderLineRow.platform_variant_id).in_(variants))
        if products:
            matches.append(col(OrderLineRow.platform_product_id).in_(products))
        if skus:
            matches.append(func.lower(col(OrderLineRow.sku)).in_(skus))  # SKUs match whatever their case
        if not stores or not matches:
            return []
        query = (
            select(col(OrderLineRow.order_id))
            .where(col(OrderLineRow.store_id).in_(stores), col(OrderLineRow.waiting).is_(True), or_(*matches))
            .distinct()
        )
        return list((await self._session.execute(query)).scalars())

    async def stores_with_orders(self, store_ids: Iterable[str]) -> set[str]:
        """Which of these stores already have an order (one query)."""
        wanted = sorted(set(store_ids))
        if not wanted:
            return set()
        if is_postgres(self._session):  # a probe of the index per store, not every order of the stores
            return set((await self._session.execute(_STORES_WITH_ORDERS_PG, {"stores": wanted})).scalars())
        query = select(col(OrderRow.store_id)).where(col(OrderRow.store_id).in_(wanted)).distinct()
        return set((await self._session.execute(query)).scalars())

    async def due_for_release(self, now: datetime, *, limit: int) -> list[str]:
        """Held orders whose client's delay window has passed."""
        query = (
            select(col(OrderRow.id))
            .where(col(OrderRow.status) == "on_hold", col(OrderRow.release_at) <= now)
            .order_by(col(OrderRow.release_at))
            .limit(limit)
        )
        return list((await self._session.execute(query)).scalars())

    async def keep_history(self, changes: Sequence[Change]) -> None:
        js = json_of(self._session)
        await insert_rows(self._session, _table(OrderHistoryRow), CHANGE_COLUMNS, [_change_row(c, js) for c in changes])

    async def history(self, order_id: str) -> list[Change]:
        query = (
            select(OrderHistoryRow)
            .where(col(OrderHistoryRow.order_id) == order_id)
            .order_by(col(OrderHistoryRow.sequence))
        )
        return [_change_of(row) for row in (await self._session.execute(query)).scalars()]

    async def search(self, where: OrderFilter, *, after: tuple[datetime, str] | None, limit: int) -> list[Order]:
        """Orders newest first (without their lines), filtered; a page after a (received_at, id) cursor."""
        query = select(OrderRow)
        if where.client_ids is not None:
            query = query.where(col(OrderRow.client_id).in_(sorted(where.client_ids)))
        if where.store_ids is not None:
            query = query.where(col(OrderRow.store_id).in_(sorted(where.store_ids)))
        if where.statuses:
            query = query.where(col(OrderRow.status).in_(sorted(where.statuses)))
        if where.received_from is not None:
            query = query.where(col(OrderRow.received_at) >= where.received_from)
        if where.received_before is not None:
            query = query.where(col(OrderRow.received_at) < where.received_before)
        if where.needs_attention:
            query = query.where(or_(col(OrderRow.possible_duplicate).is_(True), col(OrderRow.attention).is_not(None)))
        if where.text:
            pattern = "%" + where.text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            query = query.where(col(OrderRow.search_key).like(pattern, escape="\\"))
        if after is not None:
            query = query.where(tuple_(col(OrderRow.received_at), col(OrderRow.id)) < tuple_(*after))
        query = query.order_by(col(OrderRow.received_at).desc(), col(OrderRow.id).desc()).limit(limit)
        return [_order_of(row, []) for row in (await self._session.execute(query)).scalars()]


def _job_values(job: ImportJob) -> dict[str, Any]:
    values = {f.name: getattr(job, f.name) for f in fields(ImportJob)}
    values["errors"] = [asdict(e) for e in job.errors]
    return values


def _job_of(row: ImportJobRow) -> ImportJob:
    return ImportJob(
        id=row.id,
        client_id=row.client_id,
        store_id=row.store_id,
        created_by=row.created_by,
        created_at=utc(row.created_at),
        rows=row.rows,
        orders_total=row.orders_total,
        status=row.status,  # type: ignore[arg-type]
        orders_done=row.orders_done,
        orders_created=row.orders_created,
        orders_existing=row.orders_existing,
        orders_flagged=row.orders_flagged,
        orders_failed=row.orders_failed,
        errors=[
            RowError(e["line"], e.get("column"), e["message"], e.get("code"), e.get("params") or {}) for e in row.errors
        ],
        finished_at=utc(row.finished_at) if row.finished_at else None,
    )


class SqlImportJobs:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, job: ImportJob) -> None:
        await self._session.execute(insert(ImportJobRow), [_job_values(job)])

    async def get(self, job_id: str, *, for_update: bool = False) -> ImportJob | None:
        row = await self._session.get(ImportJobRow, job_id, with_for_update=for_update)
        return _job_of(row) if row else None

    async def save(self, job: ImportJob) -> None:
        """Its progress, and with it a sign of life of the process running it."""
        await self._session.execute(update(ImportJobRow), [_job_values(job) | {"heartbeat_at": datetime.now(UTC)}])

    async def interrupt_running(self, at: datetime, *, silent_since: datetime) -> int:
        """Jobs left running by a stopped process (no progress since ``silent_since``): their
        file is not here any more. Those another running process is importing are left alone."""
        table = _table(ImportJobRow)
        result = await self._session.execute(
            update(table)
            .where(table.c.status == "running", func.coalesce(table.c.heartbeat_at, table.c.created_at) < silent_since)
            .values(status="interrupted", finished_at=at)
        )
        return int(getattr(result, "rowcount", 0) or 0)


class SqlPolicies:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get_many(self, client_ids: Iterable[str]) -> dict[str, ClientPolicy]:
        wanted = sorted(set(client_ids))
        if not wanted:
            return {}
        rows = await self._session.execute(select(ClientPolicyRow).where(col(ClientPolicyRow.client_id).in_(wanted)))
        return {
            row.client_id: ClientPolicy(
                client_id=row.client_id,
                approval=row.approval,  # type: ignore[arg-type]
                delay_minutes=row.delay_minutes,
                rules=HoldRules(
                    first_order_of_new_store=row.first_order_of_new_store,
                    max_total=Decimal(row.max_total) if row.max_total is not None else None,
                    max_quantity=row.max_quantity,
                    countries=frozenset(row.countries),
                ),
                updated_at=utc(row.updated_at),
                updated_by=row.updated_by,
                updated_by_name=row.updated_by_name,
            )
            for row in rows.scalars()
        }

    async def put(self, policy: ClientPolicy) -> None:
        await self._session.merge(
            ClientPolicyRow(
                client_id=policy.client_id,
                approval=policy.approval,
                delay_minutes=policy.delay_minutes,
                first_order_of_new_store=policy.rules.first_order_of_new_store,
                max_total=str(policy.rules.max_total) if policy.rules.max_total is not None else None,
                max_quantity=policy.rules.max_quantity,
                countries=sorted(policy.rules.countries),
                updated_at=policy.updated_at or datetime.now(UTC),
                updated_by=policy.updated_by or "",
                updated_by_name=policy.updated_by_name[:320] if policy.updated_by_name else None,
            )
        )


def _lock_key(store_id: str) -> int:
    return int.from_bytes(hashlib.sha256(f"order-intake:store:{store_id}".encode()).digest()[:8], "big", signed=True)


class SqlStoreGuard:
    """Orders of a store and its mappings never pass each other unseen: order intake holds a
    shared lock on its stores (intakes do not wait for each other), a mapping change an
    exclusive one, both to the end of the transaction (PostgreSQL advisory locks). So an order
    read the mapping, or the mapping's release sees the order held. SQLite's unit of work
    already holds the database's write lock."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def hold(self, store_ids: Iterable[str], *, exclusive: bool) -> None:
        if self._session.get_bind().dialect.name != "postgresql":
            return
        keys = sorted({_lock_key(store_id) for store_id in store_ids})
        if not keys:
            return
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        statement = text(f"SELECT count({function}(k)) FROM unnest(CAST(:keys AS bigint[])) AS k")
        await self._session.execute(statement, {"keys": keys})


class OrderIntakeUnitOfWork(SqlUnitOfWork):
    store_guard: SqlStoreGuard
    stores: SqlStores
    import_jobs: SqlImportJobs
    policies: SqlPolicies
    mappings: SqlMappings
    orders: SqlOrders

    def open_repositories(self, session: AsyncSession) -> None:
        self.store_guard = SqlStoreGuard(session)
        self.stores = SqlStores(session)
        self.import_jobs = SqlImportJobs(session)
        self.policies = SqlPolicies(session)
        self.mappings = SqlMappings(session)
        self.orders = SqlOrders(session)
