from pydantic import Field, SecretStr, model_validator
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
    parked_webhook_retention_days: float = Field(
        default=30,
        description="How long a parked webhook (one that could not be read) is kept after it was received, so "
        "that it can be retried once the cause is fixed; at least webhook_retention_days",
    )
    database_pre_ping: bool = Field(
        default=False,
        description="Off here: webhooks would spend three round trips checking the connection before their "
        "own; one that meets a connection the server dropped fails (the platform delivers it again)",
    )
    webhook_store_cache_seconds: float = Field(
        default=10,
        ge=0,
        description="How long a store read for a webhook (its credentials opened) is kept in memory; this "
        "process's own changes of a store drop it at once, another process's are seen within this time. 0: "
        "every webhook reads its store",
    )
    webhook_group_writers: int = Field(
        default=2,
        ge=0,
        description="Order webhooks arriving together are made durable in one transaction (group commit); at "
        "most this many groups are written at a time, each on a database connection of its own. 0: every "
        "webhook in a transaction of its own",
    )
    webhook_deriving_enabled: bool = Field(
        default=True,
        description="This process derives the events of stored webhooks (OrderReceived, cancellations, products "
        "to sync) in the background; one process derives at a time. False: another process of the service does",
    )
    webhook_derive_batch_size: int = Field(
        default=500, ge=1, description="Most stored webhooks derived in one transaction"
    )
    webhook_derive_poll_seconds: float = Field(
        default=0.5,
        gt=0,
        description="How often the deriving looks for stored webhooks when not woken (by a webhook this process "
        "stored): webhooks another process stored wait at most this long",
    )
    webhook_derive_gather_seconds: float = Field(
        default=0.01,
        ge=0,
        description="Once woken by a stored webhook, how long the deriving stage waits for more before its batch "
        "(one transaction for the webhooks of several group commits). 0: a batch per wake",
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
    shopify_scopes: str = Field(
        default="read_products,read_orders,write_fulfillments,write_merchant_managed_fulfillment_orders",
        description="Read products and orders; fulfil the fulfillment orders the merchant manages (tracking back)",
    )
    shopify_api_version: str = "2025-07"
    shopify_bulk_sync_min_products: int = Field(
        default=250,
        ge=0,
        description="A full product sync of a shop with more products than this reads them with one bulk "
        "operation (seconds, a few GraphQL points) instead of pages (their GraphQL points: minutes for "
        "thousands of variants); the pages when the shop will not run it or it fails",
    )
    shopify_bulk_poll_seconds: float = Field(default=1.0, gt=0, description="How often a bulk operation is polled")
    shopify_bulk_max_wait_seconds: float = Field(
        default=1800, gt=0, description="Longest wait for a bulk operation before paging instead"
    )
    shopify_base_url: str = Field(
        default="",
        description="Empty: https://{shop} (the real Shopify). Else the simulator's address "
        "(e.g. http://127.0.0.1:8090), every shop reached under {base}/shops/{shop}",
    )

    # WooCommerce
    woocommerce_require_https: bool = Field(
        default=True,
        description="Refuse shop addresses in plain http (the consumer secret travels in every request); "
        "false only in development and tests (the local simulator), never in production",
    )

    # Pressero
    pressero_security_key_min_length: int = Field(default=16, ge=8, description="Shortest security key accepted")

    # Etsy (an app's keystring and shared secret; the simulator's in development)
    etsy_keystring: str = Field(default="storefronts-etsy-app", description="The app's keystring (OAuth client_id)")
    etsy_shared_secret: SecretStr = Field(
        default=SecretStr("storefronts-etsy-secret"), description="Sent with the keystring in x-api-key"
    )
    etsy_scopes: str = Field(
        default="shops_r listings_r transactions_r transactions_w",
        description="Read the shop, its listings and receipts; add shipments",
    )
    etsy_base_url: str = Field(
        default="",
        description="Empty: the real Etsy (https://api.etsy.com, https://www.etsy.com/oauth/connect). Else the "
        "simulator's address (e.g. http://127.0.0.1:8092), serving both",
    )
    etsy_token_refresh_margin_seconds: int = Field(
        default=300, description="An Etsy access token is refreshed when it expires within this time"
    )
    etsy_page_size: int = Field(default=100, ge=1, le=100, description="Listings and receipts asked per page")
    etsy_max_retries: int = Field(default=5, description="Answers 429 (rate limited) waited out before giving up")
    order_poll_seconds: float = Field(
        default=300, description="How often connected stores whose orders are polled (Etsy) are polled; 0: never"
    )
    order_poll_overlap_seconds: int = Field(
        default=172_800,
        description="Polls look back this far before the high-water mark (an order paid later than created); "
        "orders already taken are recognised by their id. Keep it under webhook_retention_days",
    )

    # Tracking back to the shop
    tracking_push_seconds: float = Field(
        default=30,
        description="How often parcels due are pushed to their shops (also at once when one is recorded); 0: never",
    )
    tracking_retry_seconds: float = Field(
        default=30,
        gt=0,
        description="First wait after a push the shop did not take (5xx, 429, timeout); doubles "
        "up to an hour, failed after 8 attempts",
    )

    reconcile_seconds: float = Field(
        default=900,
        description="How often every connected Shopify, WooCommerce and Etsy store's recent orders are fetched "
        "again to recover orders whose webhooks were missed; 0: never (on demand only)",
    )
    reconcile_lookback_seconds: int = Field(
        default=259_200,
        description="How far back a reconciliation looks (longer than the platforms retry their webhooks; "
        "never before the store was connected). Orders already taken are recognised by their id",
    )

    connection_check_seconds: float = Field(
        default=3600,
        description="How often every connected store's credentials and webhook subscriptions are checked with its "
        "platform (missing webhooks registered again; a store we cannot repair needs attention, its admin is "
        "emailed once); 0: never",
    )

    @model_validator(mode="after")
    def _https_in_production(self) -> "ConnectorSettings":
        if self.environment == "production" and not self.woocommerce_require_https:
            raise ValueError("production requires CONNECTOR_WOOCOMMERCE_REQUIRE_HTTPS=true")
        return self

    @model_validator(mode="after")
    def _parked_kept_at_least_as_long(self) -> "ConnectorSettings":
        if self.parked_webhook_retention_days < self.webhook_retention_days:
            raise ValueError(
                "CONNECTOR_PARKED_WEBHOOK_RETENTION_DAYS must be at least CONNECTOR_WEBHOOK_RETENTION_DAYS "
                "(a parked webhook is kept for a retry at least as long as any other)"
            )
        return self
