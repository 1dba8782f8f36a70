"""Create in the shop the product a client asked to publish (ProductPublishRequested) and say
so: ProductPublished (the product as the shop made it), or ProductPublishFailed (why: the
platform refused it, the store is disconnected, its platform cannot create products).

Exactly once: the request id is recorded (claimed, its row locked) in the transaction that
publishes the answer, so a request delivered again after its answer changes nothing; and the
shop's product is keyed by a handle derived from the request id, so a delivery whose first try
died between the shop's answer and our commit updates the product made instead of making a
second one."""

from connector.domain.errors import PlatformError, PlatformNotSupported, StoreDisconnectedAlready, StoreNotFound
from connector.domain.publishing import failed, new_publication, product_handle, published
from connector.handlers.credentials import Connections, with_connection
from connector.ports import Clock, ShopConnection
from connector.publishing_ports import (
    CreatedProduct,
    DraftVariant,
    ProductCreatingPlatform,
    ProductDraft,
    UnitOfWork,
)
from storefront_events import ProductPublished, ProductPublishFailed, ProductPublishRequested


async def publish_product(
    event: ProductPublishRequested, *, uow: UnitOfWork, connections: Connections, clock: Clock
) -> None:
    async with uow:
        publication = await uow.publications.claim(
            new_publication(event.publish_request_id, event.store_id, now=clock.now())
        )
        if publication.answered:
            await uow.commit()
            return
        draft = draft_of(event)

        async def create(connection: ShopConnection) -> CreatedProduct:
            if connection.client_id != event.client_id:
                raise StoreNotFound("store_not_found", store_id=event.store_id)
            adapter = connections.platforms.adapter(connection.platform)
            if not isinstance(adapter, ProductCreatingPlatform):
                raise PlatformNotSupported("platform_not_supported", platform=connection.platform)
            return await adapter.create_product(connection, draft)

        try:
            created = await with_connection(event.store_id, connections, create)
        except (StoreNotFound, StoreDisconnectedAlready, PlatformNotSupported, PlatformError) as refusal:
            answered = failed(publication, refusal.key, refusal.detail, now=clock.now())
            uow.outbox.add(
                ProductPublishFailed(
                    store_id=event.store_id,
                    client_id=event.client_id,
                    platform=event.platform,
                    publish_request_id=event.publish_request_id,
                    reason=refusal.key,
                    detail=answered.detail,
                )
            )
        else:
            answered = published(publication, created.product.platform_product_id, now=clock.now())
            uow.outbox.add(
                ProductPublished(
                    store_id=event.store_id,
                    client_id=event.client_id,
                    platform=event.platform,
                    publish_request_id=event.publish_request_id,
                    product=created.product,
                    product_url=created.url,
                )
            )
        await uow.publications.save(answered)
        await uow.commit()


def draft_of(event: ProductPublishRequested) -> ProductDraft:
    return ProductDraft(
        handle=product_handle(event.title, event.publish_request_id),
        title=event.title,
        currency=event.currency,
        description=event.description,
        tags=tuple(event.tags),
        image_urls=tuple(event.image_urls),
        variants=[DraftVariant(v.sku, v.title, dict(v.options), v.price) for v in event.variants],
    )
