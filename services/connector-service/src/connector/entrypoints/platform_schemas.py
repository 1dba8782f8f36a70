"""What the WooCommerce and Pressero connection routes accept and return."""

from pydantic import BaseModel, ConfigDict, Field

from connector.domain.stores import NAME_MAX
from connector.entrypoints.schemas import StorePublic


class WooCommerceConnect(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"shop_url": "https://shop.example.com", "consumer_key": "ck_…", "consumer_secret": "cs_…"}]
        },
    )

    shop_url: str = Field(max_length=300, description="The shop's address (https)")
    consumer_key: str = Field(max_length=200, description="WooCommerce › Settings › Advanced › REST API: ck_…")
    consumer_secret: str = Field(max_length=200, description="The key's secret: cs_… (stored encrypted)")
    name: str | None = Field(default=None, max_length=NAME_MAX, description="Display name (default: the shop's host)")
    test_mode: bool = False
    client_id: str | None = Field(default=None, max_length=36, description="Operators only: the client")


class PresseroConnect(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name": "Acme B2B portal", "line_attributes": ["Paper"]}]}
    )

    name: str | None = Field(default=None, max_length=NAME_MAX)
    security_key: str | None = Field(
        default=None, max_length=200, description="The key set in Pressero's webhook settings; generated if absent"
    )
    line_attributes: list[str] = Field(
        default=[], max_length=50, description="Product attributes that become line attributes (e.g. Paper, Finish)"
    )
    test_mode: bool = False
    client_id: str | None = Field(default=None, max_length=36, description="Operators only: the client")


class PresseroConnected(BaseModel):
    store: StorePublic
    integration_id: str = Field(description="The client's reference ID")
    webhook_url: str = Field(description="Set it in Pressero › Preferences › Webhooks, event Order Placed")
    security_key: str = Field(description="Set it as the webhook's Security Key (shown once)")
    line_attributes: list[str]


class DeliveryAnswer(BaseModel):
    status: str = Field(description="accepted, duplicate or unreadable")
    store_id: str | None = None
