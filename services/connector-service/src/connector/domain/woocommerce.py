"""WooCommerce rules: the shop's address, the webhooks we need, what an order's status means,
the webhook signature. Rules only: no I/O (platforms.md §3)."""

import base64
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from connector.domain.platform_errors import InvalidShopUrl

#: The order topics the connector registers on a WooCommerce shop.
ORDER_TOPICS: tuple[str, ...] = ("order.created", "order.updated")
#: Statuses of an order the buyer has placed and (for most payment methods) paid.
PLACED = frozenset({"processing", "on-hold", "completed"})
#: Statuses that end an order before production.
ENDED = frozenset({"cancelled", "refunded"})
URL_MAX = 300

OrderMeaning = Literal["received", "cancelled", "nothing"]


def refused_key_field(reason: str) -> str:
    """The form field a refused key pair points at: WooCommerce says which half it refused
    ("Consumer secret is invalid." / "Consumer key is invalid."); the key when it does not."""
    return "consumer_secret" if "secret" in reason.lower() else "consumer_key"


def clean_shop_url(url: str, *, require_https: bool) -> str:
    """The shop's base address as we keep it: scheme, host, port and path (a WordPress in a
    sub-folder), without query, fragment or trailing slash. A bare host means https. Plain
    http is refused where HTTPS is required: the consumer secret travels in every request."""
    text = url.strip()
    if not text:
        raise InvalidShopUrl("woo_url_required", field="shop_url")
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidShopUrl("woo_url_invalid", field="shop_url", url=url.strip())
    if parts.username or parts.password:
        raise InvalidShopUrl("woo_url_invalid", field="shop_url", url=url.strip())
    if parts.scheme == "http" and require_https:
        raise InvalidShopUrl("woo_url_https_required", field="shop_url", url=url.strip())
    path = parts.path.rstrip("/")
    for suffix in ("/wp-json/wc/v3", "/wp-json", "/wp-admin"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    cleaned = urlunsplit((parts.scheme, parts.netloc.lower(), path, "", ""))
    if len(cleaned) > URL_MAX:
        raise InvalidShopUrl("woo_url_invalid", field="shop_url", url=url.strip()[:80])
    return cleaned


def clean_key_pair(consumer_key: str, consumer_secret: str) -> tuple[str, str]:
    """WooCommerce keys look like ``ck_…`` / ``cs_…``; anything else is a copy-paste slip."""
    key, secret = consumer_key.strip(), consumer_secret.strip()
    if not key.startswith("ck_") or len(key) < 10:
        raise InvalidShopUrl("woo_key_shape", field="consumer_key")
    if not secret.startswith("cs_") or len(secret) < 10:
        raise InvalidShopUrl("woo_secret_shape", field="consumer_secret")
    return key, secret


def signature_of(secret: str, body: bytes) -> str:
    """``X-WC-Webhook-Signature``: base64 of the binary HMAC-SHA256 of the raw body."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def signed(secrets: Sequence[str], body: bytes, signature: str | None) -> bool:
    """Constant-time check against each secret the store holds (current, previous)."""
    if not signature:
        return False
    given = signature.strip().encode()
    return any(hmac.compare_digest(signature_of(secret, body).encode(), given) for secret in secrets if secret)


def is_ping(body: bytes, headers_topic: str | None) -> bool:
    """The creation ping: a form body ``webhook_id=N``, unsigned, without ``X-WC-Webhook-*``."""
    if headers_topic:
        return False
    text = body.decode("latin-1").strip()
    name, _, value = text.partition("=")
    return name == "webhook_id" and value.isdigit()


@dataclass(frozen=True)
class OrderChange:
    topic: str
    status: str


def meaning(change: OrderChange) -> OrderMeaning:
    """``order.created``/``order.updated`` of a placed order → received (a second one for the same
    order is a duplicate, dropped by order id); a cancelled or refunded order → cancelled; a
    pending, failed or draft checkout → nothing yet (the paid update follows)."""
    if change.status in PLACED:
        return "received"
    if change.topic == "order.updated" and change.status in ENDED:
        return "cancelled"
    return "nothing"
