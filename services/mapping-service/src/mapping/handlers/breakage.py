"""A mapping breaks when the shop changes under it or its catalog product is retired: it is
marked broken (still listed, with why), order intake is told (ProductUnmapped: orders of the
variant are held, not produced from a stale mapping) and so is the client's admin (MappingBroken)."""

from datetime import datetime

from mapping.domain.mappings import Mapping, break_mapping
from mapping.domain.store_products import StoreVariant
from mapping.ports import UnitOfWork
from storefront_events import MappingBroken, ProductUnmapped


async def break_all(
    uow: UnitOfWork, found: list[tuple[Mapping, StoreVariant | None, str]], *, now: datetime
) -> list[Mapping]:
    """Breaks each (mapping, its variant, reason) in one bulk write, with its events and audit."""
    broken = [break_mapping(mapping, reason, now=now) for mapping, _, reason in found]
    if not broken:
        return []
    await uow.mappings.put_many(broken)
    for (mapping, variant, reason), after in zip(found, broken, strict=True):
        uow.mappings.audit(before=mapping, after=after, action="broken", actor="sync", at=now)
        uow.outbox.add(
            ProductUnmapped(
                mapping_id=mapping.mapping_id,
                store_id=mapping.store_id,
                client_id=mapping.client_id,
                platform_product_id=mapping.platform_product_id,
                platform_variant_id=mapping.platform_variant_id,
                sku=mapping.sku,
                reason=reason,
                aggregate_version=after.version,
            )
        )
        uow.outbox.add(
            MappingBroken(
                mapping_id=mapping.mapping_id,
                store_id=mapping.store_id,
                client_id=mapping.client_id,
                platform=mapping.platform,
                platform_product_id=mapping.platform_product_id,
                platform_variant_id=mapping.platform_variant_id,
                product_title=variant.product_title if variant else None,
                variant_title=variant.label if variant else None,
                sku=mapping.sku,
                product_uid=mapping.product_uid,
                reason=reason,
                aggregate_version=after.version,
            )
        )
    return broken
