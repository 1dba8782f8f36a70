"""Create a product from the catalog and publish it to a shop: checked like a connection, asked
of the connector (ProductPublishRequested); once the shop has it (ProductPublished) its
variants are in the store's products and mapped (ProductMapped, source publish), no second step."""

import uuid
from dataclasses import replace
from datetime import datetime

from mapping.domain.errors import MappingRefused, PublishRequestNotFound
from mapping.domain.mappings import Problem, choice_problems, map_variant
from mapping.domain.publishing import PublishRequest, VariantToPublish, match_published
from mapping.domain.store_products import Store, Viewer
from mapping.handlers.design_checks import look_at_all
from mapping.handlers.mappings import Actor, check_files, mapped_event, may_change_mappings, problem_items
from mapping.handlers.store_products import visible_store
from mapping.ports import Clock, DesignFiles, UnitOfWork
from storefront_events import PrintFile, ProductPublished, ProductPublishFailed, ProductPublishRequested, PublishVariant


async def request_publish(
    store_id: str,
    *,
    title: str,
    description: str | None,
    currency: str,
    tags: list[str],
    image_urls: list[str],
    variants: list[VariantToPublish],
    actor: Actor,
    uow: UnitOfWork,
    design_files: DesignFiles,
    clock: Clock,
    concurrency: int,
) -> PublishRequest:
    async with uow:
        store = await may_change_mappings(store_id, actor, uow)
        catalog = await uow.catalog.get_many({v.product_uid for v in variants})
    problems: list[Problem] = []
    seen: set[str] = set()
    checked = []
    for wanted in variants:
        shop_variant = wanted.as_store_variant(store_id)
        if wanted.sku in seen:
            problems.append(Problem(wanted.sku, "sku_repeated", {"variant": wanted.sku}, field="sku"))
            continue
        seen.add(wanted.sku)
        product = catalog.get(wanted.product_uid)
        found = choice_problems(shop_variant, wanted.choice(wanted.sku), product)
        problems += found
        if product is not None and not any(p.field == "product_uid" for p in found):
            checked.append((shop_variant, wanted, product))
    looked = await look_at_all(
        (f.url for _, wanted, _ in checked for f in wanted.files), design_files, concurrency=concurrency
    )
    for shop_variant, wanted, product in checked:
        problems += check_files(shop_variant, wanted.choice(wanted.sku), product, looked)
    if problems:
        asked = [(v.sku, v.files) for v in variants]
        raise MappingRefused("publish_refused", items=problem_items(problems, {}, asked), product=title)

    request = PublishRequest(
        publish_request_id=str(uuid.uuid4()),
        store_id=store.store_id,
        client_id=store.client_id,
        platform=store.platform,
        title=title,
        variants=tuple(variants),
        status="requested",
        created_by=actor.subject,
        created_at=clock.now(),
    )
    async with uow:
        await uow.publishing.put(request)
        uow.outbox.add(
            ProductPublishRequested(
                publish_request_id=request.publish_request_id,
                store_id=store.store_id,
                client_id=store.client_id,
                platform=store.platform,
                title=title,
                description=description,
                currency=currency,
                variants=[
                    PublishVariant(
                        sku=v.sku,
                        title=v.title,
                        options=v.options,
                        price=v.price,
                        product_uid=v.product_uid,
                        print_files=[PrintFile(type=f.print_file, url=f.url) for f in v.files],
                    )
                    for v in variants
                ],
                image_urls=image_urls,
                tags=tags,
            )
        )
        await uow.commit()
    return request


async def map_published(event: ProductPublished, *, uow: UnitOfWork, clock: Clock) -> None:
    """The published product joins the store's products, each variant mapped as asked. An
    answer to no request of ours, or to one already applied, changes nothing."""
    now: datetime = clock.now()
    async with uow:
        request = await uow.publishing.get(event.publish_request_id, for_update=True)
        if request is None or request.store_id != event.store_id or request.status == "published":
            await uow.commit()
            return
        await uow.stores.ensure(Store(event.store_id, event.client_id, event.platform, event.store_id))
        product_id = event.product.platform_product_id
        await uow.store_products.upsert_variants(
            event.store_id, f"publish:{request.publish_request_id}", [event.product], now=now
        )
        created = await uow.store_products.variants_of(event.store_id, product_id)
        current = await uow.mappings.of_product(event.store_id, product_id, for_update=True)
        for wanted, variant in match_published(request.variants, [v for v in created if not v.removed]):
            before = current.get(variant.platform_variant_id)
            after = map_variant(
                variant,
                wanted.choice(variant.platform_variant_id),
                current=before,
                mapping_id=str(uuid.uuid4()),
                client_id=request.client_id,
                platform=request.platform,
                source="publish",
                actor=request.created_by,
                now=now,
            )
            await uow.mappings.put(after)
            uow.mappings.audit(before=before, after=after, action="mapped", actor=request.created_by, at=now)
            uow.outbox.add(mapped_event(after))
        await uow.publishing.put(
            replace(
                request,
                status="published",
                platform_product_id=product_id,
                product_url=event.product_url,
                published_at=now,
            )
        )
        await uow.commit()


async def record_publish_failed(event: ProductPublishFailed, *, uow: UnitOfWork, clock: Clock) -> None:
    """The shop did not create the product: the request says why (its status ``failed``). An
    answer to no request of ours, or to one already answered, changes nothing."""
    async with uow:
        request = await uow.publishing.get(event.publish_request_id, for_update=True)
        if request is None or request.store_id != event.store_id or request.status != "requested":
            await uow.commit()
            return
        await uow.publishing.put(
            replace(
                request,
                status="failed",
                failure_reason=event.reason,
                failure_detail=event.detail,
                failed_at=clock.now(),
            )
        )
        await uow.commit()


async def get_publish_request(
    store_id: str, publish_request_id: str, viewer: Viewer, *, uow: UnitOfWork
) -> PublishRequest:
    async with uow:
        await visible_store(store_id, viewer, uow=uow)
        found = await uow.publishing.get(publish_request_id)
    if found is None or found.store_id != store_id:
        raise PublishRequestNotFound("publish_request_not_found", publish_request_id=publish_request_id)
    return found
