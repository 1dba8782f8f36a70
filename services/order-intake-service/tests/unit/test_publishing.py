"""OrderAccepted of a shop order built without validating again is the event validation builds."""

from datetime import UTC, datetime
from pathlib import Path

from order_intake.domain.policies import immediate
from order_intake.domain.resolution import Mapping, MappingIndex, PrintFile
from order_intake.handlers.intake import order_of
from order_intake.handlers.publishing import accepted, accepted_from_shop
from service_runtime.testing.helpers import load_module
from storefront_events import OrderAccepted, decode, encode
from storefront_events.values import Address, LineAttribute

samples = load_module("order_intake_test_samples", Path(__file__).parents[1] / "samples.py")
line, order = samples.line, samples.order

STORE, CLIENT = "store-1", "client-1"


def _mapping(n: int, files: int) -> Mapping:
    shop_line = line(n)
    return Mapping(
        f"m{n}",
        STORE,
        shop_line.platform_product_id or "",
        shop_line.platform_variant_id,
        (shop_line.sku or "").casefold(),
        f"product-{n}",
        tuple(PrintFile(("default", "back")[i], f"https://files.example.com/{n}-{i}.pdf") for i in range(files)),
    )


def test_a_received_shop_order_is_accepted_with_the_event_validation_would_build() -> None:
    received = order(
        STORE,
        CLIENT,
        shipping_address=Address(
            first_name="Zoé",
            last_name="Martin",
            company="Atelier",
            address1="3 rue des Lilas",
            address2="Bât. B",
            city="Lyon",
            postcode="69003",
            country_code="FR",
            email="zoe@example.com",
            phone="+33 4 00 00 00 00",
        ),
        shipping_method="Colissimo",
        lines=[line(1, quantity=2, attributes=[LineAttribute(name="Name", value="Zoé")]), line(2, unit_price=None)],
    )
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    shop_order = order_of(decode(encode(received, source="/connector-service")), "order-1", test=False, now=now)
    shop_order.receive(MappingIndex([_mapping(1, 2), _mapping(2, 1)]), immediate(CLIENT), at=now, actor="shop")
    change = shop_order.changes[-1]
    assert change.to_status == "accepted"

    built, validated = accepted_from_shop(shop_order, change), accepted(shop_order, change)

    assert isinstance(built, OrderAccepted)
    assert built.model_dump_json(exclude={"event_id"}) == validated.model_dump_json(exclude={"event_id"})
    assert built == validated.model_copy(update={"event_id": built.event_id})
    assert encode(built, source="/order-intake-service") == encode(
        validated.model_copy(update={"event_id": built.event_id}), source="/order-intake-service"
    )
    assert decode(encode(built, source="/order-intake-service")) == decode(
        encode(validated.model_copy(update={"event_id": built.event_id}), source="/order-intake-service")
    )
