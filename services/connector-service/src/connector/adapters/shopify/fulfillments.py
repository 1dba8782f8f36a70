"""Tracking back to a Shopify shop: a fulfillment on the order's fulfillment orders
(``fulfillmentCreate``, platforms.md §1.10), made once per tracking number, and the order's
fulfillments read back."""

from collections.abc import Sequence
from typing import Any

from connector.adapters.shopify.graphql import ShopifyGraphQL
from connector.domain.errors import PlatformError
from connector.ports import Fulfillment
from connector.tracking_ports import ShopTracking

ORDER_QUERY = """
query OrderFulfillment($id: ID!) {
  order(id: $id) {
    id
    displayFulfillmentStatus
    fulfillments(first: 50) { id status trackingInfo(first: 10) { company number url } }
    fulfillmentOrders(first: 10) {
      nodes { id status lineItems(first: 100) { nodes { id remainingQuantity lineItem { id } } } }
    }
  }
}
"""
ORDER_QUERY_COST = 12

CREATE_FULFILLMENT = """
mutation Fulfil($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status trackingInfo(first: 10) { company number url } }
    userErrors { field message }
  }
}
"""
OPEN = ("OPEN", "IN_PROGRESS")


def gid(kind: str, legacy_id: str) -> str:
    return legacy_id if legacy_id.startswith("gid://") else f"gid://shopify/{kind}/{legacy_id}"


async def read_order(api: ShopifyGraphQL, platform_order_id: str) -> dict[str, Any]:
    data = await api.query(ORDER_QUERY, {"id": gid("Order", platform_order_id)}, cost=ORDER_QUERY_COST)
    order = data.get("order")
    if not isinstance(order, dict):
        raise PlatformError("tracking_order_unknown", platform_order_id=platform_order_id)
    return order


def tracking_of(order: dict[str, Any]) -> list[ShopTracking]:
    return [
        ShopTracking(str(info["number"]), info.get("company"))
        for fulfillment in order.get("fulfillments") or []
        for info in fulfillment.get("trackingInfo") or []
        if info.get("number")
    ]


def line_items_to_fulfil(order: dict[str, Any], platform_line_ids: Sequence[str]) -> list[dict[str, Any]]:
    """``lineItemsByFulfillmentOrder``: what remains of the parcel's lines (every line when it names
    none) on the order's open fulfillment orders."""
    wanted = {gid("LineItem", line_id) for line_id in platform_line_ids}
    groups = []
    for fulfillment_order in (order.get("fulfillmentOrders") or {}).get("nodes") or []:
        if fulfillment_order.get("status") not in OPEN:
            continue
        items = [
            {"id": item["id"], "quantity": int(item["remainingQuantity"])}
            for item in (fulfillment_order.get("lineItems") or {}).get("nodes") or []
            if int(item.get("remainingQuantity") or 0) > 0
            and (not wanted or (item.get("lineItem") or {}).get("id") in wanted)
        ]
        if items:
            groups.append({"fulfillmentOrderId": fulfillment_order["id"], "fulfillmentOrderLineItems": items})
    return groups


async def fulfil(api: ShopifyGraphQL, fulfillment: Fulfillment) -> None:
    """The parcel's lines fulfilled with its tracking, the buyer notified by Shopify; nothing when
    the order already has a fulfillment with that tracking number (an attempt cut short)."""
    order = await read_order(api, fulfillment.platform_order_id)
    if any(shown.tracking_number == fulfillment.tracking_number for shown in tracking_of(order)):
        return
    groups = line_items_to_fulfil(order, fulfillment.platform_line_ids)
    if not groups:
        raise PlatformError("tracking_nothing_to_fulfil")
    tracking = {
        name: value
        for name, value in (
            ("company", fulfillment.carrier),
            ("number", fulfillment.tracking_number),
            ("url", fulfillment.tracking_url),
        )
        if value
    }
    variables = {
        "fulfillment": {"lineItemsByFulfillmentOrder": groups, "trackingInfo": tracking, "notifyCustomer": True}
    }
    created = (await api.query(CREATE_FULFILLMENT, variables, cost=10)).get("fulfillmentCreate") or {}
    if errors := created.get("userErrors"):
        raise PlatformError("platform_refused", reason="; ".join(str(e.get("message")) for e in errors))
