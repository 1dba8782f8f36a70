"""What the stores API accepts and returns."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from connector.domain.stores import NAME_MAX, Store
from connector.domain.syncs import SyncJob
from connector.handlers.stores import ListedStore


class ManualStoreCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "Direct orders"}]})

    name: str = Field(max_length=NAME_MAX, description="Display name, e.g. 'Direct orders'")
    test_mode: bool = Field(default=False, description="Orders of a test store are never produced")
    client_id: str | None = Field(
        default=None, max_length=36, description="Operators only: the client the store is for"
    )


class StorePublic(BaseModel):
    id: str
    client_id: str
    platform: str = Field(description="shopify, etsy, woocommerce, pressero or manual")
    name: str
    status: str = Field(description="connecting, connected, needs_attention or disconnected")
    status_reason: str | None = None
    test_mode: bool
    shop_url: str | None = None
    platform_shop_id: str | None = None
    currency: str | None = None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, store: Store) -> "StorePublic":
        return cls(
            id=store.id,
            client_id=store.client_id,
            platform=store.platform,
            name=store.name,
            status=store.status,
            status_reason=store.status_reason,
            test_mode=store.test_mode,
            shop_url=store.shop_url,
            platform_shop_id=store.platform_shop_id,
            currency=store.currency,
            created_at=store.created_at,
            updated_at=store.updated_at,
        )


class StoreListed(StorePublic):
    parked_webhooks: int = Field(
        description="Webhooks the shop sent that could not be read, set aside until retried (its health page lists them)"
    )
    needs_attention: bool = Field(
        description="What is stored says the store needs its client's action: its status is needs_attention, or "
        "webhooks are set aside. The health page (GET /stores/{id}/health) checks the shop itself"
    )

    @classmethod
    def listed(cls, listed: ListedStore) -> "StoreListed":
        return cls(
            **StorePublic.of(listed.store).model_dump(),
            parked_webhooks=listed.parked_webhooks,
            needs_attention=listed.needs_attention,
        )


class StorePage(BaseModel):
    items: list[StoreListed]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page")


class ShopifyInstall(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"shop": "acme-prints"}]})

    shop: str = Field(max_length=300, description="The shop's name or address (acme-prints, acme-prints.myshopify.com)")
    test_mode: bool = False
    client_id: str | None = Field(default=None, max_length=36, description="Operators only: the client")
    store_id: str | None = Field(
        default=None, max_length=36, description="Reconnect this store (after a break) instead of adding one"
    )


class InstallPublic(BaseModel):
    store: StorePublic
    authorize_url: str = Field(description="Send the client's browser there to approve the app")
    expires_in: int = Field(description="Seconds the approval may take")


class SyncRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full: bool = Field(
        default=False,
        description="Publish every product (full_sync) instead of only what changed since the last sync",
    )


class SyncPublic(BaseModel):
    id: str
    store_id: str
    status: str = Field(description="running, succeeded or failed")
    full: bool
    products: list[str] = Field(description="A sync of these products only (empty: the whole catalog)")
    done: int = Field(description="Products read from the shop so far")
    total: int | None = Field(description="Products the shop has, when it says")
    changed: int = Field(description="Products published as new or changed")
    removed: int = Field(description="Products gone from the shop, published as deleted")
    batches: int
    error: str | None = Field(description="Message key of the failure")
    error_detail: str | None
    started_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, job: SyncJob) -> "SyncPublic":
        return cls(
            id=job.id,
            store_id=job.store_id,
            status=job.status,
            full=job.full,
            products=list(job.product_ids),
            done=job.done,
            total=job.total,
            changed=job.changed,
            removed=job.removed,
            batches=job.batches,
            error=job.error,
            error_detail=job.error_detail,
            started_at=job.started_at,
            finished_at=job.finished_at,
        )


class ProblemPublic(BaseModel):
    code: str = Field(description="Stable key of the message")
    message: str = Field(description="In the reader's language (Accept-Language: en, fr)")


class SyncSummary(BaseModel):
    id: str
    status: str
    done: int
    total: int | None
    changed: int
    removed: int
    error: str | None
    started_at: datetime
    finished_at: datetime | None


class ReconciliationSummary(BaseModel):
    last_run_at: datetime | None = Field(description="When the store's recent orders were last fetched again")
    seen: int = Field(description="Orders the platform listed at the last run")
    recovered: int = Field(description="Orders the webhooks had missed, recovered at the last run")
    total_recovered: int = Field(description="Orders recovered since the store was first reconciled")
    error: ProblemPublic | None = Field(description="Why the last run failed, in the reader's language")


class HealthPublic(BaseModel):
    store_id: str
    status: str
    credentials_valid: bool | None = Field(
        description="The shop accepted our credentials just now; null when not checked or the shop did not answer"
    )
    webhooks_expected: list[str] = Field(description="Topics subscribed when the store was connected")
    webhooks_registered: list[str] | None = Field(description="Topics the shop holds for us now (null: not checked)")
    webhooks_missing: list[str]
    last_webhook_at: datetime | None
    last_sync: SyncSummary | None
    last_error: ProblemPublic | None
    last_error_at: datetime | None
    problems: list[ProblemPublic] = Field(description="What needs doing, in words a client understands")
    reconciliation: ReconciliationSummary | None = Field(
        default=None, description="The last run recovering orders whose webhooks were missed (null: never ran)"
    )
    parked_webhooks: int = Field(
        default=0,
        description="Webhooks the shop sent that could not be read, kept aside: GET /stores/{id}/parked-webhooks "
        "lists them, POST /stores/{id}/parked-webhooks/retry reads them again",
    )
    needs_attention: bool = Field(
        default=False,
        description="The store needs the client's action: its status is needs_attention, the shop refuses our "
        "credentials, a webhook subscription is missing, or webhooks are parked",
    )


class ParkedWebhookPublic(BaseModel):
    webhook_id: str = Field(
        description="The platform's id of the delivery (Shopify's X-Shopify-Webhook-Id, WooCommerce's delivery id)"
    )
    topic: str = Field(description="What the shop said happened, e.g. orders/create")
    received_at: datetime
    parked_at: datetime
    reason: ProblemPublic = Field(description="Why it could not be read, in the reader's language")
    detail: str | None = Field(
        default=None, description="Operators only: the cause as recorded when it was parked (for support)"
    )


class ParkedWebhookPage(BaseModel):
    items: list[ParkedWebhookPublic] = Field(description="Oldest first")
    total: int = Field(description="The store's parked webhooks in all")
    waiting: int = Field(description="The store's webhooks still to be read (retried ones not read yet among them)")
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page")


class ParkedRetry(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{}, {"webhook_id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"}]}
    )

    webhook_id: str | None = Field(
        default=None, min_length=1, max_length=200, description="Only this parked webhook; absent: every one"
    )


class ParkedRetried(BaseModel):
    retried: int = Field(description="Webhooks taken out of parking, to be read again now")
    webhook_ids: list[str]
