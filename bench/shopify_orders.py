"""The order path's workload: Shopify shops of one client, their catalogs (the Shopify
simulator's, libs/platform-simulators), the facts order intake needs about them
(``StoreConnected``, one ``ProductMapped`` per variant), and signed ``orders/create``
webhooks whose lines reference mapped variants, as Shopify delivers them."""

import json
import random
import uuid
from dataclasses import dataclass, field

from platform_simulators.shopify import Product, ShopifySimulator, SimulatorConfig, build_catalog, webhook_headers

from bench.openloop import http_request
from storefront_events import MAPPINGS_V1, STORES_V1, PrintFile, ProductMapped, StoreConnected, encode

SOURCE = "/bench-order-path"
APP_SECRET = "storefronts-dev-app-secret"  # the connector's default app secret, which signs Shopify webhooks
PRODUCT_UID = "apparel_product_gca_t-shirt_gsc_crewneck_gcu_unisex_gqa_classic_gsi_m_gco_black"


@dataclass(frozen=True)
class Shop:
    """One connected Shopify store: its id in our services, its client, its domain, its catalog."""

    store_id: str
    client_id: str
    domain: str
    catalog: dict[int, Product] = field(repr=False)

    @property
    def variants(self) -> list[tuple[int, int, str]]:
        """(product id, variant id, sku) of every variant."""
        return [(p.id, v.id, v.sku) for p in self.catalog.values() for v in p.variants]


def shops(count: int, products: int, variants_per_product: int, *, clients: int = 1) -> list[Shop]:
    """``count`` shops, each with ``products`` × ``variants_per_product`` variants (ids of the
    simulator's catalogs, different for every shop), shared round robin by ``clients`` clients."""
    client_ids = [str(uuid.uuid4()) for _ in range(max(1, clients))]
    return [
        Shop(
            store_id=str(uuid.uuid4()),
            client_id=client_ids[n % len(client_ids)],
            domain=f"bench-shop-{n:02d}.myshopify.com",
            catalog=build_catalog(products, variants_per_product, seed=n),
        )
        for n in range(count)
    ]


def store_connected(shop: Shop) -> StoreConnected:
    return StoreConnected(
        store_id=shop.store_id,
        client_id=shop.client_id,
        platform="shopify",
        name=shop.domain.split(".")[0],
        shop_url=shop.domain,
        currency="EUR",
    )


def product_mapped(shop: Shop, product_id: int, variant_id: int, sku: str) -> ProductMapped:
    return ProductMapped(
        mapping_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{shop.store_id}/{variant_id}")),
        store_id=shop.store_id,
        client_id=shop.client_id,
        platform="shopify",
        platform_product_id=str(product_id),
        platform_variant_id=str(variant_id),
        sku=sku,
        product_uid=PRODUCT_UID,
        print_files=[PrintFile(type="default", url=f"https://files.example.com/designs/{product_id}.pdf")],
        source="csv_import",
    )


def preload_records(shop_list: list[Shop]) -> list[tuple[str, bytes, bytes]]:
    """(topic name without prefix, key, value) of every preload event: the stores, then a
    mapping for every variant of every shop."""
    records = []
    for shop in shop_list:
        event = store_connected(shop)
        records.append((STORES_V1.name, STORES_V1.key_for(event).encode(), encode(event, source=SOURCE)))
    for shop in shop_list:
        for product_id, variant_id, sku in shop.variants:
            event = product_mapped(shop, product_id, variant_id, sku)
            records.append((MAPPINGS_V1.name, MAPPINGS_V1.key_for(event).encode(), encode(event, source=SOURCE)))
    return records


class OrderMaker:
    """Shopify ``orders/create`` webhooks (the simulator's REST order shape), 1 to
    ``max_lines`` lines each, every line a mapped variant of the order's shop; signed with the
    app secret. Deterministic for a seed."""

    def __init__(self, shop_list: list[Shop], *, max_lines: int = 4, seed: int = 14) -> None:
        self._shops = shop_list
        self._max_lines = max_lines
        self._random = random.Random(seed)
        self._variants = {shop.store_id: shop.variants for shop in shop_list}
        self._prices = {
            v.id: v.price for shop in shop_list for p in shop.catalog.values() for v in p.variants
        }  # one pass over the catalogs, not one per order
        simulator = ShopifySimulator(SimulatorConfig(catalog_products=1, variants_per_product=1, demo_shops=()))
        self._template = simulator.order_payload(simulator.shop(shop_list[0].domain))
        self._titles = {
            v.id: (p.title, v.title) for shop in shop_list for p in shop.catalog.values() for v in p.variants
        }

    def order(self, shop: Shop, order_id: int) -> dict:
        picks = self._random.sample(self._variants[shop.store_id], self._random.randint(1, self._max_lines))
        lines, total = [], 0.0
        for n, (product_id, variant_id, sku) in enumerate(picks):
            quantity = self._random.randint(1, 3)
            price = self._prices[variant_id]
            total += float(price) * quantity
            title, variant_title = self._titles[variant_id]
            lines.append(
                {
                    "id": order_id * 10 + n,
                    "product_id": product_id,
                    "variant_id": variant_id,
                    "sku": sku,
                    "title": title,
                    "variant_title": variant_title,
                    "name": f"{title} - {variant_title}",
                    "quantity": quantity,
                    "price": price,
                    "properties": [{"name": "Gift message", "value": "Happy birthday!"}] if n == 0 else [],
                }
            )
        number = order_id % 1_000_000
        return self._template | {
            "id": order_id,
            "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
            "name": f"#{number}",
            "order_number": number,
            "total_price": f"{total + 4.90:.2f}",
            "subtotal_price": f"{total:.2f}",
            "total_tax": f"{total * 0.2 / 1.2:.2f}",
            "line_items": lines,
        }

    def request(self, order_id: int, *, host: str, port: int) -> tuple[Shop, bytes]:
        """The shop (round robin over the shops by order id) and the HTTP request bytes."""
        shop = self._shops[order_id % len(self._shops)]
        body = json.dumps(self.order(shop, order_id), separators=(",", ":")).encode()
        headers = webhook_headers(topic="orders/create", shop=shop.domain, body=body, secret=APP_SECRET)
        return shop, http_request(host, port, f"/webhooks/shopify/{shop.store_id}", body, headers)
