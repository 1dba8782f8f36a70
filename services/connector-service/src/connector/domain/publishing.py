"""Publishing a product to a shop: each publish request is answered once, published (the shop's
product id) or failed (why, said by key)."""

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

PublicationStatus = Literal["creating", "published", "failed"]


@dataclass(frozen=True)
class Publication:
    publish_request_id: str
    store_id: str
    status: PublicationStatus
    created_at: datetime
    updated_at: datetime
    platform_product_id: str | None = None
    reason: str | None = None
    detail: str | None = None

    @property
    def answered(self) -> bool:
        return self.status != "creating"


def new_publication(publish_request_id: str, store_id: str, *, now: datetime) -> Publication:
    return Publication(publish_request_id, store_id, "creating", now, now)


def published(publication: Publication, platform_product_id: str, *, now: datetime) -> Publication:
    return replace(publication, status="published", platform_product_id=platform_product_id, updated_at=now)


def failed(publication: Publication, reason: str, detail: str | None, *, now: datetime) -> Publication:
    return replace(publication, status="failed", reason=reason, detail=(detail or "")[:500] or None, updated_at=now)


def product_handle(title: str, publish_request_id: str) -> str:
    """The shop's handle of the product: its title as a slug, made unique by the request id (the
    same request always gives the same handle, so creating it again finds the product made)."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-")
    suffix = re.sub(r"[^a-z0-9]", "", publish_request_id.lower())[:12]
    return f"{slug}-{suffix}" if slug else f"product-{suffix}"
