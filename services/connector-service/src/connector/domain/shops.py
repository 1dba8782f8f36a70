"""Shop addresses as the client types them, made into the platform's canonical form. Rules only."""

import re

from connector.domain.errors import InvalidStore

#: Shopify's shop-domain rule (its documentation): the host the app's secret is posted to.
SHOPIFY_DOMAIN = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9-]*\.myshopify\.com$")


def shopify_domain(text: str) -> str:
    """ "acme", "acme.myshopify.com", "https://acme.myshopify.com/admin" → "acme.myshopify.com";
    anything else (another host, a port, credentials, odd characters) is refused."""
    given = text.strip()
    candidate = given.lower()
    for scheme in ("https://", "http://"):
        if candidate.startswith(scheme):
            candidate = candidate[len(scheme) :]
    candidate = candidate.split("/", 1)[0]
    if "." not in candidate:
        candidate = f"{candidate}.myshopify.com"
    if not SHOPIFY_DOMAIN.match(candidate) or len(candidate) > 255:
        raise InvalidStore("shop_domain_invalid", field="shop", shop=given[:100])
    return candidate
