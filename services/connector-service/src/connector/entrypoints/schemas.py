"""What the stores API accepts and returns."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from connector.domain.stores import NAME_MAX, Store


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


class StorePage(BaseModel):
    items: list[StorePublic]
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
