"""Refusals met while connecting a WooCommerce or Pressero store, said by key (see
platform_messages.py) in the reader's language. A connection that fails changes nothing."""

from connector.domain.errors import ConnectorError, WebhookUnreadable
from service_runtime.errors import Conflict, NotFound


class InvalidShopUrl(ConnectorError):
    """The address or keys given cannot be a WooCommerce shop's (shape, plain http, private host)."""

    status = 422
    title = "Invalid shop address"


class ShopNotRecognised(ConnectorError):
    """Something answers at the address, but not WooCommerce's REST API."""

    status = 422
    title = "Not a WooCommerce shop"


class CredentialsRefused(ConnectorError):
    """The shop refused the keys given (wrong key, wrong secret, read-only key)."""

    status = 422
    title = "Shop refused the keys"


class ShopUnreachable(ConnectorError):
    status = 422
    title = "Shop unreachable"


class ClientUnknown(ConnectorError):
    """A Pressero store names its client by reference ID: the client must be known here."""

    status = 422
    title = "Client not ready for Pressero"


class IntegrationUnknown(ConnectorError, NotFound):
    title = "Unknown integration"


class IntegrationTaken(ConnectorError, Conflict):
    title = "Integration already connected"


class InvalidShopOrder(WebhookUnreadable):
    """A verified order payload we cannot read (no address, no lines): kept, answered 2xx."""

    title = "Order cannot be read"
