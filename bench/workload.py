"""The events the benchmark sends and the one its service emits: the order intake path
(``OrderReceived`` on shop-orders.v1 in, ``OrderAccepted`` on orders.v1 out), built from
the real contracts in libs/events so their size and encoding cost are the real ones."""

from datetime import UTC, datetime
from decimal import Decimal

from storefront_events import (
    SHOP_ORDERS_V1,
    Address,
    LineAttribute,
    OrderAccepted,
    OrderReceived,
    PrintFile,
    ProductionLine,
    ShopOrderLine,
    encode,
    topic_of,
)

SOURCE = "/bench-connector"
CLIENT_ID = "7d3c1a52-0c7e-4b8e-9a51-3f0d2b6e9c11"
STORES = 50  # keys spread over every partition
PRODUCT_UID = "posters_pf_a3_pt_200-gsm-poster-paper_cl_4-0_ver"
PRINT_FILES = [PrintFile(type="default", url="https://files.example.com/designs/poster-a3.pdf")]
_ADDRESS = Address(
    first_name="Ada",
    last_name="Lovelace",
    address1="12 Rue de la Paix",
    city="Paris",
    postcode="75002",
    country_code="FR",
    email="ada@example.com",
)
_LINE = ShopOrderLine(
    platform_line_id="9001",
    platform_product_id="8001",
    platform_variant_id="4471",
    sku="POSTER-A3",
    title="City poster",
    quantity=1,
    unit_price=Decimal("19.90"),
    attributes=[LineAttribute(name="Text", value="Paris 2026")],
)

#: Phases name their orders so the rows of one phase can be told apart: "<phase>-<n>".
THROUGHPUT, LATENCY, WARM_UP, SEED = "tp", "lat", "warm", "seed"


def order_received(phase: str, n: int, *, at: datetime | None = None) -> OrderReceived:
    """The n-th order of a phase; ``occurred_at`` is the produce time the latency is measured from."""
    return OrderReceived(
        occurred_at=at or datetime.now(UTC),
        store_id=f"st-{n % STORES:03d}",
        client_id=CLIENT_ID,
        platform="shopify",
        platform_order_id=f"{phase}-{n}",
        order_number=f"#{1000 + n}",
        placed_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        currency="EUR",
        total=Decimal("24.80"),
        shipping_total=Decimal("4.90"),
        shipping_address=_ADDRESS,
        lines=[_LINE],
    )


def record(event: OrderReceived) -> tuple[bytes, bytes]:
    """(key, value) of the Kafka record carrying the event, as the connector's relay would send it."""
    key = SHOP_ORDERS_V1.key_for(event)
    return key.encode(), encode(event, source=SOURCE, subject=key)


def order_accepted(event: OrderReceived, order_id: str) -> OrderAccepted:
    """What the bench service emits for an order it applied: its lines resolved to one product."""
    return OrderAccepted(
        order_id=order_id,
        client_id=event.client_id,
        store_id=event.store_id,
        platform=event.platform,
        platform_order_id=event.platform_order_id,
        order_number=event.order_number,
        currency=event.currency,
        total=event.total,
        shipping_address=event.shipping_address,
        lines=[
            ProductionLine(
                line_id=f"{order_id}-{i}",
                platform_line_id=line.platform_line_id,
                sku=line.sku,
                title=line.title,
                quantity=line.quantity,
                product_uid=PRODUCT_UID,
                print_files=PRINT_FILES,
                attributes=line.attributes,
            )
            for i, line in enumerate(event.lines, start=1)
        ],
    )


INPUT_TOPIC = SHOP_ORDERS_V1
OUTPUT_TOPIC = topic_of(OrderAccepted)
