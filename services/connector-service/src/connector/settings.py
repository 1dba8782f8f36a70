from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from service_runtime.settings import ServiceSettings


class ConnectorSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CONNECTOR_", extra="ignore", populate_by_name=True)

    service_name: str = "connector-service"
    port: int = 8003

    public_base_url: str = Field(
        default="http://127.0.0.1:8080",
        description="The address at which the platforms reach the gateway: webhook and OAuth callback "
        "addresses are built from it, never from a request",
    )
    webhook_retention_days: float = Field(
        default=14, description="How long the raw body of an accepted webhook is kept (to derive an order again)"
    )
    oauth_state_ttl_seconds: int = Field(default=600, description="How long an OAuth state may be used")
    sync_batch_products: int = Field(default=250, description="Products per StoreProductsSynced event")

    # Shopify (a custom/public app's credentials; the simulator's in development)
    shopify_api_key: str = Field(default="storefronts-dev-app", description="The app's client id")
    shopify_api_secret: SecretStr = Field(
        default=SecretStr("storefronts-dev-app-secret"),
        description="The app's client secret: signs webhooks and the OAuth callback",
    )
    shopify_previous_api_secret: SecretStr | None = Field(
        default=None, description="During a secret rotation, webhooks signed with the previous secret still pass"
    )
    shopify_scopes: str = "read_products,read_orders,write_fulfillments,read_merchant_managed_fulfillment_orders"
    shopify_api_version: str = "2025-07"
    shopify_base_url: str = Field(
        default="",
        description="Empty: https://{shop} (the real Shopify). Else the simulator's address "
        "(e.g. http://127.0.0.1:8090), every shop reached under {base}/shops/{shop}",
    )
