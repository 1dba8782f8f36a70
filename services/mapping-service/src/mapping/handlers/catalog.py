"""Use cases of the catalog: operators manage it over HTTP and by CSV."""

from dataclasses import dataclass

from mapping.domain import catalog as rules
from mapping.domain.catalog import CatalogProduct, PrintSpec
from mapping.domain.catalog_csv import OPTIONAL, REQUIRED, parse_catalog
from mapping.domain.csv_files import read_csv
from mapping.domain.errors import CatalogProductExists, CatalogProductNotFound, CsvRowsRefused
from mapping.handlers.breakage import break_all
from mapping.ports import Clock, UnitOfWork
from service_runtime.errors import UniqueViolation


@dataclass(frozen=True)
class CatalogImported:
    rows: int
    added: int
    changed: int


async def create_product(
    uid: str, *, title: str, attributes: dict[str, str], spec: PrintSpec, uow: UnitOfWork, clock: Clock
) -> CatalogProduct:
    product = rules.new_catalog_product(uid, title=title, attributes=attributes, spec=spec, now=clock.now())
    async with uow:
        if await uow.catalog.get(product.uid) is not None:
            raise CatalogProductExists("catalog_product_exists", field="product_uid", uid=product.uid)
        uow.catalog.add(product)
        try:
            await uow.commit()
        except UniqueViolation as error:
            raise CatalogProductExists("catalog_product_exists", field="product_uid", uid=product.uid) from error
    return product


async def update_product(
    uid: str,
    *,
    title: str | None,
    attributes: dict[str, str] | None,
    spec: PrintSpec | None,
    active: bool | None,
    uow: UnitOfWork,
    clock: Clock,
) -> CatalogProduct:
    async with uow:
        product = await _load(uow, uid, for_update=True)
        updated = rules.update_catalog_product(
            product, title=title, attributes=attributes, spec=spec, active=active, now=clock.now()
        )
        if updated != product:
            await uow.catalog.save(updated)
            if product.active and not updated.active:
                found = await uow.mappings.mapped_to(uid)
                await break_all(
                    uow, [(m, v, "catalog_product_retired") for m, v in found], now=updated.updated_at or clock.now()
                )
            await uow.commit()
    return updated


async def retire_product(uid: str, *, uow: UnitOfWork, clock: Clock) -> CatalogProduct:
    """A retired product stays readable (mappings and orders name it) but cannot be chosen again;
    the mappings to it break, and their clients are told (breakage.py)."""
    return await update_product(uid, title=None, attributes=None, spec=None, active=False, uow=uow, clock=clock)


async def get_product(uid: str, *, uow: UnitOfWork) -> CatalogProduct:
    async with uow:
        return await _load(uow, uid)


async def list_products(
    *, uow: UnitOfWork, text: str | None, product_type: str | None, status: str, after: str | None, limit: int
) -> list[CatalogProduct]:
    async with uow:
        return await uow.catalog.search(text=text, product_type=product_type, status=status, after=after, limit=limit)


async def import_catalog(content: bytes, *, uow: UnitOfWork, clock: Clock) -> CatalogImported:
    """Adds or changes every product of the file, or nothing when one line is wrong (the
    report names each bad line and column). Importing the same file again changes nothing."""
    rows = read_csv(content, required=REQUIRED, known=OPTIONAL)
    products, problems = parse_catalog(rows, now=clock.now())
    if problems:
        raise CsvRowsRefused(
            "csv_rows_refused",
            items=[
                {
                    "location": ["body", str(p.line), p.column],
                    "line": p.line,
                    "column": p.column,
                    "code": p.code,
                    "values": p.values,
                }
                for p in problems
            ],
        )
    async with uow:
        added, changed = await uow.catalog.upsert_many(products)
        await uow.commit()
    return CatalogImported(rows=len(products), added=added, changed=changed)


async def _load(uow: UnitOfWork, uid: str, *, for_update: bool = False) -> CatalogProduct:
    product = await uow.catalog.get(uid.strip(), for_update=for_update)
    if product is None:
        raise CatalogProductNotFound("catalog_product_not_found", uid=uid)
    return product
