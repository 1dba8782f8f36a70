"""Refusals of the connector, said by key (see messages.py) in the reader's language."""

from connector.domain.messages import CATALOG
from service_runtime.errors import Conflict, Forbidden, NotFound
from service_runtime.messages import SaidByKey


class ConnectorError(SaidByKey):
    catalog = CATALOG


class InvalidStore(ConnectorError):
    status = 422
    title = "Invalid store"


class StoreNotFound(ConnectorError, NotFound):
    """Also what a user of another client, or a Store manager not given the store, gets."""

    title = "Store not found"


class StoreDisconnectedAlready(ConnectorError, Conflict):
    title = "Store disconnected"


class NotAllowed(ConnectorError, Forbidden):
    title = "Not allowed"


class PlatformNotSupported(ConnectorError):
    status = 422
    title = "Platform not supported"


class PlatformError(ConnectorError):
    """The shop's platform answered something we cannot use. Said in words a client understands."""

    status = 502
    title = "Shop platform error"


class PlatformAuthFailed(PlatformError):
    """The platform refuses our credentials (token expired or revoked, app uninstalled)."""

    title = "Shop refused the connection"


class PlatformUnavailable(PlatformError):
    """The platform is down or slow (5xx, timeouts): try again later."""

    status = 503
    title = "Shop platform unavailable"


class WebhookRefused(ConnectorError):
    """The signature does not match (or the delivery is not for this store): nothing is stored."""

    status = 401
    title = "Webhook refused"


class WebhookNotAccepted(ConnectorError):
    """The store takes no platform webhooks (manual, or disconnected): nothing is stored."""

    status = 410
    title = "Webhook not accepted"


class WebhookUnreadable(ConnectorError):
    """A signed webhook whose payload we cannot turn into an order: its raw body is kept and the
    store's health says why; the platform gets 2xx (retrying would not help)."""

    status = 422
    title = "Webhook unreadable"


class OAuthRefused(ConnectorError):
    """An OAuth callback we do not trust (signature, state, shop): nothing is connected."""

    status = 400
    title = "Connection refused"


class ParkedWebhookNotFound(ConnectorError, NotFound):
    title = "Webhook not found"


class SyncNotFound(ConnectorError, NotFound):
    title = "Sync not found"


class SyncFailed(ConnectorError):
    status = 500
    title = "Sync failed"
