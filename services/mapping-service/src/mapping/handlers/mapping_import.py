"""Bulk mapping by CSV: export a store's variants, and import the filled file as a job.

The import is set-based: the store's variants, the catalog products named and the store's
mappings are each read in one query, the design files are looked at concurrently and once
per URL, and the valid rows are written in one transaction with bulk statements. A row
naming the same choice as the mapping held changes nothing, so importing the same file again
changes nothing."""

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace

import structlog

from mapping.domain.catalog import CatalogProduct
from mapping.domain.csv_files import CsvRow, read_csv
from mapping.domain.errors import ImportNotFound
from mapping.domain.imports import ImportJob
from mapping.domain.mapping_csv import (
    FILE_COLUMN,
    REQUIRED,
    MappingRow,
    column_of,
    export_csv,
    mapping_rows,
    print_file_of,
)
from mapping.domain.mappings import DesignFile, Mapping, Problem, VariantChoice, choice_problems, map_variant
from mapping.domain.store_products import Store, StoreVariant, Viewer
from mapping.handlers.design_checks import Looked, look_at_all
from mapping.handlers.mappings import Actor, check_files, mapped_event, may_change_mappings
from mapping.handlers.store_products import visible_store
from mapping.ports import Clock, DesignFiles, UnitOfWork
from service_runtime.heap import full_collections_deferred

log = structlog.get_logger()
CHECK_CHUNK = 200  # design file URLs looked at between two progress updates


async def export_store_products(store_id: str, viewer: Viewer, *, uow: UnitOfWork) -> str:
    async with uow:
        await visible_store(store_id, viewer, uow=uow)
        variants = await uow.store_products.all_variants(store_id)
        mappings = await uow.mappings.of_store(store_id, for_update=False)
        live = [(variants[key], mappings.get(key)) for key in sorted(variants)]
        catalog = await uow.catalog.get_many({m.product_uid for _, m in live if m is not None})
    return export_csv(live, {uid: p.spec.print_files[0] for uid, p in catalog.items()})


@dataclass(frozen=True)
class StartedImport:
    job: ImportJob
    store: Store
    rows: list[MappingRow]


async def start_import(
    store_id: str, content: bytes, *, actor: Actor, all_or_nothing: bool, uow: UnitOfWork, clock: Clock
) -> StartedImport:
    """Refuses at once (nothing changed, no job) a file that is not a CSV or lacks a required
    column; else records the job, to be run by ``run_import``."""
    async with uow:
        store = await may_change_mappings(store_id, actor, uow)
    with full_collections_deferred():  # the rows live on in the job (service_runtime.heap)
        rows: list[CsvRow] = read_csv(content, required=REQUIRED, known=_all_columns(content))
        wanted = mapping_rows(rows)
    job = ImportJob(
        job_id=str(uuid.uuid4()),
        store_id=store_id,
        status="checking",
        all_or_nothing=all_or_nothing,
        total_rows=len(wanted),
        created_by=actor.subject,
        created_at=clock.now(),
    )
    async with uow:
        await uow.imports.put(job)
        await uow.commit()
    return StartedImport(job, store, wanted)


def _all_columns(content: bytes) -> tuple[str, ...]:
    """The design_file_url_<print file> columns of the header (read again by read_csv)."""
    first = content.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", errors="ignore")
    separator = ";" if first.count(";") > first.count(",") else ","
    names = [name.strip().strip('"').lower() for name in first.split(separator)]
    return tuple(name for name in names if name.startswith(FILE_COLUMN + "_"))


async def get_import(store_id: str, job_id: str, viewer: Viewer, *, uow: UnitOfWork) -> ImportJob:
    async with uow:
        await visible_store(store_id, viewer, uow=uow)
        job = await uow.imports.get(job_id)
    if job is None or job.store_id != store_id:
        raise ImportNotFound("import_not_found", job_id=job_id)
    return job


@dataclass(frozen=True)
class _Checked:
    row: MappingRow
    variant: StoreVariant
    choice: VariantChoice
    product: CatalogProduct
    columns: dict[str, str]  # url -> the column it came from


async def run_import(
    started: StartedImport,
    *,
    actor: Actor,
    uow_factory: Callable[[], UnitOfWork],
    design_files: DesignFiles,
    clock: Clock,
    concurrency: int,
) -> ImportJob:
    job, store = started.job, started.store
    try:
        with full_collections_deferred():  # tens of thousands of rows, checks and events (service_runtime.heap)
            return await _run(
                started,
                actor=actor,
                uow_factory=uow_factory,
                design_files=design_files,
                clock=clock,
                concurrency=concurrency,
            )
    except Exception as error:  # the job says it failed, and why; nothing was applied (one transaction)
        log.exception("mapping_import.failed", job_id=job.job_id, store_id=store.store_id)
        failed = replace(
            job, status="failed", failure=f"{type(error).__name__}: {error}"[:500], finished_at=clock.now()
        )
        async with uow_factory() as uow:
            await uow.imports.put(failed)
            await uow.commit()
        return failed


async def _run(
    started: StartedImport,
    *,
    actor: Actor,
    uow_factory: Callable[[], UnitOfWork],
    design_files: DesignFiles,
    clock: Clock,
    concurrency: int,
) -> ImportJob:
    job, store, rows = started.job, started.store, started.rows
    began = time.perf_counter()
    async with uow_factory() as uow:
        variants = await uow.store_products.all_variants(store.store_id)
        catalog = await uow.catalog.get_many({row.product_uid for row in rows})

    errors: list[dict[str, object]] = []

    def refuse(line: int, column: str, code: str, values: dict[str, object]) -> None:
        errors.append({"line": line, "column": column, "code": code, "values": values})

    checked: list[_Checked] = []
    first_line: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row.platform_product_id, row.platform_variant_id)
        variant = variants.get(key)
        if variant is None:
            refuse(
                row.line,
                "platform_variant_id",
                "variant_unknown",
                {"product": row.platform_product_id, "variant": row.platform_variant_id},
            )
            continue
        if key in first_line:
            refuse(
                row.line,
                "platform_variant_id",
                "variant_repeated",
                {"variant": variant.label, "first_line": first_line[key]},
            )
            continue
        first_line[key] = row.line
        product = catalog.get(row.product_uid)
        print_files = product.spec.print_files if product else ("default",)
        columns = {url: column for column, url in row.files.items()}
        files = tuple(DesignFile(print_file_of(column, print_files), url) for column, url in row.files.items())
        choice = VariantChoice(variant.platform_variant_id, row.product_uid, files)
        found = choice_problems(variant, choice, product)
        for problem in found:
            refuse(row.line, _column(problem, columns, print_files), problem.code, problem.values)
        if product is not None and not any(p.field == "product_uid" for p in found):
            checked.append(_Checked(row, variant, choice, product, columns))

    rows_checked = time.perf_counter()
    urls = list(dict.fromkeys(f.url for c in checked for f in c.choice.files))
    looked: dict[str, Looked] = {}
    for start in range(0, len(urls), CHECK_CHUNK):
        looked |= await look_at_all(urls[start : start + CHECK_CHUNK], design_files, concurrency=concurrency)
        job = replace(job, checked_rows=_rows_checked(checked, looked, job.total_rows))
        async with uow_factory() as uow:
            await uow.imports.put(job)
            await uow.commit()

    bad_lines = {int(str(e["line"])) for e in errors}
    for c in checked:
        for problem in check_files(c.variant, c.choice, c.product, looked):
            refuse(c.row.line, c.columns.get(problem.url or "", FILE_COLUMN), problem.code, problem.values)
            bad_lines.add(c.row.line)
    errors.sort(key=lambda e: (int(str(e["line"])), str(e["column"])))
    apply = [] if (job.all_or_nothing and errors) else [c for c in checked if c.row.line not in bad_lines]

    files_checked = time.perf_counter()
    now = clock.now()
    async with uow_factory() as uow:
        current = await uow.mappings.of_store(store.store_id)
        changed: list[tuple[Mapping | None, Mapping]] = []
        unchanged = 0
        for c in apply:
            before = current.get((c.variant.platform_product_id, c.variant.platform_variant_id))
            if before is not None and before.same_choice(c.choice, c.variant):
                unchanged += 1
                continue
            after = map_variant(
                c.variant,
                c.choice,
                current=before,
                mapping_id=str(uuid.uuid4()),
                client_id=store.client_id,
                platform=store.platform,
                source="csv_import",
                actor=actor.subject,
                now=now,
            )
            changed.append((before, after))
        await uow.mappings.put_many([after for _, after in changed])
        await uow.mappings.audit_many(changed, actor=actor.subject, at=now)
        await uow.outbox.add_many([mapped_event(after) for _, after in changed])
        job = replace(
            job,
            status="done",
            checked_rows=job.total_rows,
            applied=len(changed),
            unchanged=unchanged,
            refused=len({int(str(e["line"])) for e in errors}),
            errors=errors,
            finished_at=clock.now(),
        )
        await uow.imports.put(job)
        await uow.commit()
    log.info(
        "mapping_import.done",
        job_id=job.job_id,
        store_id=store.store_id,
        rows=job.total_rows,
        applied=job.applied,
        unchanged=job.unchanged,
        refused=job.refused,
        design_files=len(urls),
        rows_seconds=round(rows_checked - began, 2),
        files_seconds=round(files_checked - rows_checked, 2),
        apply_seconds=round(time.perf_counter() - files_checked, 2),
    )
    return job


def _column(problem: Problem, columns: dict[str, str], print_files: tuple[str, ...]) -> str:
    if problem.url:
        return columns.get(problem.url, FILE_COLUMN)
    if problem.field == "print_files":
        return column_of(str(problem.values.get("print_file", "")), print_files)
    return problem.field or "product_uid"


def _rows_checked(checked: list[_Checked], looked: dict[str, Looked], total: int) -> int:
    waiting = sum(1 for c in checked if any(f.url not in looked for f in c.choice.files))
    return total - waiting
