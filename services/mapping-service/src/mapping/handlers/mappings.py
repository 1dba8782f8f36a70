"""Connecting a store product's variants to catalog products, and undoing it. Every check
first (UID, options, each design file by its content), then all variants saved at once or
none; each change audited and published (ProductMapped, ProductUnmapped)."""

import uuid
from dataclasses import dataclass

from mapping.domain.catalog import CatalogProduct
from mapping.domain.errors import MappingNotFound, MappingRefused, MayNotChangeMappings, StoreProductNotFound
from mapping.domain.mappings import (
    DesignFile,
    Mapping,
    Problem,
    Source,
    VariantChoice,
    choice_problems,
    file_problems,
    map_variant,
)
from mapping.domain.store_products import Store, StoreVariant, Viewer
from mapping.handlers.design_checks import Looked, look_at_all
from mapping.handlers.store_products import visible_store
from mapping.ports import Clock, DesignFileProblem, DesignFiles, UnitOfWork
from storefront_events import PrintFile, ProductMapped, ProductUnmapped


@dataclass(frozen=True)
class Actor:
    """Who changes mappings: what they may see, and the name the audit keeps."""

    viewer: Viewer
    subject: str


def problem_items(
    problems: list[Problem], variants: dict[str, StoreVariant], asked: list[tuple[str, tuple[DesignFile, ...]]]
) -> list[dict[str, object]]:
    """Each problem as an entry of the refusal's ``errors``: where it is in the request's body
    (``asked``: each variant's id and files, in the body's order), the variant and the file it names."""
    position: dict[str, int] = {}
    files: dict[tuple[str, str], int] = {}
    for index, (variant_id, designs) in enumerate(asked):
        position.setdefault(variant_id, index)
        for number, design in enumerate(designs):
            files.setdefault((variant_id, design.url), number)
    items: list[dict[str, object]] = []
    for p in problems:
        variant = variants.get(p.platform_variant_id)
        location: list[str] = ["body", "variants", str(position.get(p.platform_variant_id, 0))]
        if p.url and (p.platform_variant_id, p.url) in files:
            location += ["print_files", str(files[(p.platform_variant_id, p.url)]), "url"]
        elif p.field:
            location.append(p.field)
        item: dict[str, object] = {
            "location": location,
            "code": p.code,
            "values": p.values,
            "platform_variant_id": p.platform_variant_id,
            "variant": variant.label if variant else p.platform_variant_id,
        }
        if p.url:
            item["url"] = p.url
        items.append(item)
    return items


def check_files(
    variant: StoreVariant, choice: VariantChoice, product: CatalogProduct, looked: dict[str, Looked]
) -> list[Problem]:
    problems: list[Problem] = []
    for design in choice.files:
        result = looked[design.url]
        said: dict[str, object] = {"variant": variant.label, "url": design.url}
        if isinstance(result, DesignFileProblem):
            problems.append(
                Problem(
                    variant.platform_variant_id, result.code, said | result.values, url=design.url, field="print_files"
                )
            )
        elif result is None:
            problems.append(
                Problem(
                    variant.platform_variant_id, "design_file_format_unknown", said, url=design.url, field="print_files"
                )
            )
        else:
            problems += file_problems(variant, design, result, product)
    return problems


def mapped_event(mapping: Mapping) -> ProductMapped:
    return ProductMapped(
        mapping_id=mapping.mapping_id,
        store_id=mapping.store_id,
        client_id=mapping.client_id,
        platform=mapping.platform,
        platform_product_id=mapping.platform_product_id,
        platform_variant_id=mapping.platform_variant_id,
        sku=mapping.sku,
        product_uid=mapping.product_uid,
        print_files=[PrintFile(type=f.print_file, url=f.url) for f in mapping.files],
        print_options=mapping.print_options,
        source=mapping.source,
        aggregate_version=mapping.version,
    )


def unmapped_event(mapping: Mapping, *, reason: str) -> ProductUnmapped:
    return ProductUnmapped(
        mapping_id=mapping.mapping_id,
        store_id=mapping.store_id,
        client_id=mapping.client_id,
        platform_product_id=mapping.platform_product_id,
        platform_variant_id=mapping.platform_variant_id,
        sku=mapping.sku,
        reason=reason,
        aggregate_version=mapping.version + 1,
    )


async def may_change_mappings(store_id: str, actor: Actor, uow: UnitOfWork) -> Store:
    store = await visible_store(store_id, actor.viewer, uow=uow)
    if not actor.viewer.may_change_mappings:
        raise MayNotChangeMappings("role_may_not_map")
    return store


async def connect_product(
    store_id: str,
    product_id: str,
    choices: list[VariantChoice],
    *,
    actor: Actor,
    uow: UnitOfWork,
    design_files: DesignFiles,
    clock: Clock,
    concurrency: int,
    source: Source = "manual",
) -> list[tuple[StoreVariant, Mapping | None]]:
    """Maps the chosen variants of one store product. Nothing is saved unless every choice
    passes; the same choice again changes nothing (no event, no audit line)."""
    async with uow:
        store = await may_change_mappings(store_id, actor, uow)
        variants = {v.platform_variant_id: v for v in await uow.store_products.variants_of(store_id, product_id)}
        live = {vid: v for vid, v in variants.items() if not v.removed}
        if not live:
            raise StoreProductNotFound("store_product_not_found", product_id=product_id)
        catalog = await uow.catalog.get_many({c.product_uid for c in choices})
    title = next(iter(live.values())).product_title

    problems: list[Problem] = []
    checked: list[tuple[StoreVariant, VariantChoice, CatalogProduct]] = []
    for choice in choices:
        variant = live.get(choice.platform_variant_id)
        if variant is None:
            problems.append(
                Problem(
                    choice.platform_variant_id,
                    "variant_unknown",
                    {"product": title, "variant": choice.platform_variant_id},
                    field="platform_variant_id",
                )
            )
            continue
        product = catalog.get(choice.product_uid)
        found = choice_problems(variant, choice, product)
        problems += found
        if product is not None and not any(p.field == "product_uid" for p in found):
            checked.append((variant, choice, product))
    looked = await look_at_all(
        (f.url for _, choice, _ in checked for f in choice.files), design_files, concurrency=concurrency
    )
    for variant, choice, product in checked:
        problems += check_files(variant, choice, product, looked)
    if problems:
        asked = [(c.platform_variant_id, c.files) for c in choices]
        raise MappingRefused("mapping_refused", items=problem_items(problems, variants, asked), product=title)

    now = clock.now()
    async with uow:
        current = await uow.mappings.of_product(store_id, product_id, for_update=True)
        for variant, choice, _ in checked:
            before = current.get(variant.platform_variant_id)
            if before is not None and before.same_choice(choice, variant):
                continue
            after = map_variant(
                variant,
                choice,
                current=before,
                mapping_id=str(uuid.uuid4()),
                client_id=store.client_id,
                platform=store.platform,
                source=source,
                actor=actor.subject,
                now=now,
            )
            await uow.mappings.put(after)
            uow.mappings.audit(
                before=before, after=after, action="remapped" if before else "mapped", actor=actor.subject, at=now
            )
            uow.outbox.add(mapped_event(after))
        await uow.commit()
        return await uow.store_products.listing(
            store_id, state=None, text=None, product_id=product_id, after=None, products=1
        )


async def unmap(
    store_id: str, product_id: str, variant_ids: list[str] | None, *, actor: Actor, uow: UnitOfWork, clock: Clock
) -> int:
    """Removes the mappings of the named variants (all the product's: None); how many were removed."""
    now = clock.now()
    async with uow:
        await may_change_mappings(store_id, actor, uow)
        current = await uow.mappings.of_product(store_id, product_id, for_update=True)
        chosen = list(current.values()) if variant_ids is None else [current[v] for v in variant_ids if v in current]
        if not chosen:
            raise MappingNotFound(
                "mapping_not_found", product=product_id, variant=", ".join(variant_ids or []) or product_id
            )
        for mapping in chosen:
            await uow.mappings.delete(mapping)
            uow.mappings.audit(before=mapping, after=None, action="unmapped", actor=actor.subject, at=now)
            uow.outbox.add(unmapped_event(mapping, reason="by_hand"))
        await uow.commit()
    return len(chosen)


async def mapping_history(
    store_id: str, product_id: str, *, viewer: Viewer, uow: UnitOfWork
) -> list[dict[str, object]]:
    async with uow:
        await visible_store(store_id, viewer, uow=uow)
        return await uow.mappings.history(store_id, product_id)
