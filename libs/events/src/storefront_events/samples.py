"""One realistic sample of every event class: schema examples, docs and contract tests."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from storefront_events import access, clients, mappings, notifications, orders, stores
from storefront_events.base import Event
from storefront_events.values import Address, LineAttribute, PrintFile

_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
_CLIENT, _STORE, _ORDER = "7d3c1a52-0c7e-4b8e-9a51-3f0d2b6e9c11", "st-5f2a", "ord-81c4"
_ADDRESS = Address(
    first_name="Ada",
    last_name="Lovelace",
    address1="12 Rue de la Paix",
    city="Paris",
    postcode="75002",
    country_code="FR",
    email="ada@example.com",
)
_FILES = [PrintFile(type="default", url="https://files.example.com/designs/poster-a3.pdf")]
_UID = "posters_pf_a3_pt_200-gsm-poster-paper_cl_4-0_ver"
_VARIANT = stores.StoreVariant(
    platform_variant_id="4471", sku="POSTER-A3", title="A3", options={"Size": "A3"}, price=Decimal("19.90")
)
_PRODUCT = stores.StoreProduct(platform_product_id="8001", title="City poster", status="active", variants=[_VARIANT])
_SHOP = {"store_id": _STORE, "client_id": _CLIENT, "platform": "shopify"}
_ORDER_ID = {**_SHOP, "order_id": _ORDER, "platform_order_id": "5501", "order_number": "#1001"}
_CLIENT_STATE = {"client_id": _CLIENT, "name": "Acme Prints", "reference_id": "ACME-01", "description": None}
_USER = {"client_id": _CLIENT, "user_id": "u-19", "email": "bob@acme.example"}
_POSTBACK = {
    "client_id": _CLIENT,
    "delivery_id": "msg_2a9",
    "postback_type": "order.shipped",
    "order_id": _ORDER,
    "url": "https://acme.example/hooks",
    "attempt": 2,
    "caused_by_event_id": "0b8e",
}

_SAMPLES: list[Event] = [
    clients.ClientCreated(**_CLIENT_STATE, aggregate_version=1),
    clients.ClientUpdated(**_CLIENT_STATE | {"description": "Key account"}, aggregate_version=2),
    clients.ClientArchived(client_id=_CLIENT, name="Acme Prints", reference_id="ACME-01", aggregate_version=3),
    access.StorefrontAccessGranted(
        client_id=_CLIENT,
        enabled=True,
        admin_user_id="u-1",
        admin_email="admin@acme.example",
        admin_first_name="Alice",
        admin_last_name="Martin",
        aggregate_version=1,
    ),
    access.UserInvited(
        **_USER,
        client_name="Acme Prints",
        first_name="Bob",
        last_name="Dupont",
        role="store_manager",
        store_ids=[_STORE],
        invitation_id="inv-3",
        expires_at=datetime(2026, 3, 9, 9, 30, tzinfo=UTC),
        locale="fr",
        sealed_accept_url="gAAAAABn0xQ2cXVpZXQtZXhhbXBsZS1vbmx5LW5vdC1hLXJlYWwtdG9rZW4=",
        aggregate_version=1,
    ),
    access.InvitationAccepted(**_USER, aggregate_version=2),
    access.UserRoleChanged(**_USER, role="order_manager", store_ids=[], aggregate_version=3),
    access.UserRemoved(**_USER, aggregate_version=4),
    access.SessionEnded(
        client_id=_CLIENT, user_id="u-19", session_id="5e0c2f7a-9b1d-4c3e-8f6a-2d4b1e7c9a30", reason="logout"
    ),
    stores.StoreConnected(**_SHOP, name="Acme Shopify", shop_url="acme.myshopify.com", currency="EUR"),
    stores.StoreDisconnected(**_SHOP, reason="revoked_on_platform"),
    stores.StoreNeedsAttention(
        **_SHOP,
        name="Acme Shopify",
        reason="platform_auth_failed",
        explanation="The shop no longer accepts our connection (the app was removed or its access expired). "
        "Reconnect the store.",
    ),
    stores.StoreProductsSynced(**_SHOP, sync_id="sync-7", products=[_PRODUCT]),
    stores.ProductPublished(**_SHOP, publish_request_id="pub-4", product=_PRODUCT),
    stores.ProductPublishFailed(
        **_SHOP, publish_request_id="pub-5", reason="platform_refused", detail="Title can't be blank"
    ),
    stores.OrderReceived(
        **_SHOP,
        platform_order_id="5501",
        order_number="#1001",
        placed_at=_AT,
        currency="EUR",
        total=Decimal("24.80"),
        shipping_total=Decimal("4.90"),
        shipping_address=_ADDRESS,
        lines=[
            stores.ShopOrderLine(
                platform_line_id="9001",
                platform_product_id="8001",
                platform_variant_id="4471",
                sku="POSTER-A3",
                title="City poster",
                quantity=1,
                unit_price=Decimal("19.90"),
                attributes=[LineAttribute(name="Text", value="Paris 2026")],
            )
        ],
    ),
    stores.OrderCancelledInStore(**_SHOP, platform_order_id="5501", reason="customer"),
    mappings.ProductMapped(
        **_SHOP,
        mapping_id="map-2",
        platform_product_id="8001",
        platform_variant_id="4471",
        sku="POSTER-A3",
        product_uid=_UID,
        print_files=_FILES,
    ),
    mappings.ProductUnmapped(
        mapping_id="map-2", store_id=_STORE, client_id=_CLIENT, platform_product_id="8001", platform_variant_id="4471"
    ),
    mappings.MappingBroken(
        **_SHOP,
        mapping_id="map-2",
        platform_product_id="8001",
        platform_variant_id="4471",
        product_title="City poster",
        variant_title="A3",
        sku="POSTER-A3",
        product_uid=_UID,
        reason="sku_changed",
    ),
    mappings.ProductPublishRequested(
        **_SHOP,
        publish_request_id="pub-4",
        title="City poster",
        currency="EUR",
        variants=[
            mappings.PublishVariant(
                sku="POSTER-A3",
                title="A3",
                options={"Size": "A3"},
                price=Decimal("19.90"),
                product_uid=_UID,
                print_files=_FILES,
            )
        ],
    ),
    orders.OrderAccepted(
        **_ORDER_ID,
        currency="EUR",
        total=Decimal("24.80"),
        shipping_address=_ADDRESS,
        lines=[
            orders.ProductionLine(
                line_id="ln-1",
                platform_line_id="9001",
                sku="POSTER-A3",
                title="City poster",
                quantity=1,
                product_uid=_UID,
                print_files=_FILES,
            )
        ],
    ),
    orders.OrderHeld(
        **_ORDER_ID,
        reason="unmapped_products",
        message="1 line has no mapping",
        unresolved_lines=[orders.UnresolvedLine(platform_line_id="9002", sku="MUG-1", title="Mug", problem="unmapped")],
    ),
    orders.OrderRejected(**_ORDER_ID, reason="cancelled_in_store", message="Cancelled in the shop"),
    orders.OrderStatusChanged(
        **_ORDER_ID,
        previous_status="printed",
        status="shipped",
        shipments=[
            orders.Shipment(
                carrier="UPS", tracking_number="1Z999AA10123456784", tracking_url="https://ups.example/t/1Z999"
            )
        ],
    ),
    notifications.PostbackDelivered(**_POSTBACK, status_code=200, duration_ms=180),
    notifications.PostbackFailed(**_POSTBACK, status_code=503, error="HTTP 503", next_attempt_at=_AT),
    notifications.EmailSent(
        client_id=_CLIENT,
        email_id="em-6",
        to="bob@acme.example",
        subject="You are invited to Acme Prints on Storefronts",
        template="invitation",
        caused_by_event_id="0b8e",
    ),
    clients.ClientRestored(**_CLIENT_STATE),
    notifications.EmailDeliveryFailed(
        client_id=_CLIENT,
        email_id="em-7",
        to="bob@refuse.example",
        template="invitation",
        reason="550 5.1.1 <bob@refuse.example>: mailbox unknown",
        attempts=3,
        caused_by_event_id="0b8f",
    ),
]

#: One sample per event class, with a fixed event_id, occurred_at and correlation_id.
SAMPLES: dict[type[Event], Event] = {
    type(event): event.model_copy(
        update={
            "event_id": UUID(int=n + 1),
            "occurred_at": _AT,
            "correlation_id": f"req-{n + 1}",
        }
    )
    for n, event in enumerate(_SAMPLES)
}
