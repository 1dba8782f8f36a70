from collections.abc import Collection, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol

from notifier.domain import ClientAdmin, Email
from notifier.postbacks import Attempt, Delivery, Endpoint, OrderTrack, Response
from service_runtime.ports import UnitOfWork as RuntimeUnitOfWork


class EmailRepository(Protocol):
    def add(self, email: Email) -> None: ...
    async def exists_for_event(self, event_id: str) -> bool: ...
    async def next_due(self, now: datetime) -> Email | None:
        """The pending email due first, locked until the unit of work ends (others skip it)."""

    async def save(self, email: Email) -> None: ...
    async def search(self, *, client_id: str | None, to: str | None, limit: int) -> list[Email]: ...


class PostbackRepository(Protocol):
    """Endpoints, what is remembered of each order, deliveries and their attempts."""

    def add_endpoint(self, endpoint: Endpoint) -> None: ...
    async def endpoint(self, endpoint_id: str, *, for_update: bool = False) -> Endpoint | None: ...
    async def save_endpoint(self, endpoint: Endpoint) -> None: ...
    async def endpoints_of(self, client_ids: Collection[str]) -> list[Endpoint]: ...
    async def tracks_of(self, order_ids: Collection[str]) -> dict[str, OrderTrack]: ...
    async def save_tracks(self, tracks: Collection[OrderTrack]) -> None: ...
    def add_deliveries(self, deliveries: Collection[Delivery]) -> None: ...
    async def delivery(self, delivery_id: str, *, for_update: bool = False) -> Delivery | None: ...
    async def deliveries_for_update(self, delivery_ids: Collection[str]) -> dict[str, Delivery]:
        """The deliveries with these ids (by id), locked until the unit of work ends."""

    async def save_delivery(self, delivery: Delivery) -> None: ...
    def add_attempt(self, attempt: Attempt) -> None: ...
    async def deliveries_of(
        self, endpoint_id: str, *, status: str | None, order_id: str | None, limit: int
    ) -> list[Delivery]: ...
    async def attempts_of(self, delivery_ids: Collection[str]) -> dict[str, list[Attempt]]: ...
    async def failed_between(self, endpoint_id: str, since: datetime, until: datetime) -> list[Delivery]:
        """Failed deliveries of the endpoint created in [since, until), locked until the unit of work ends."""

    async def endpoints_with_due_deliveries(self, now: datetime, limit: int) -> list[str]:
        """Ids of enabled endpoints with a delivery due now."""

    async def claim_due(self, endpoint_id: str, *, now: datetime, until: datetime, limit: int) -> list[Delivery]:
        """Up to ``limit`` due deliveries of the endpoint, none behind an earlier pending one of
        its order; each is leased (not due again) until ``until``, so no other worker takes it."""


class ClientAdminRepository(Protocol):
    async def get(self, client_id: str) -> ClientAdmin | None: ...
    async def save(self, admin: ClientAdmin) -> None: ...


class WebhookConnection(Protocol):
    async def post(self, url: str, *, headers: Mapping[str, str], body: str) -> Response:
        """Posts the body; never raises for a receiver's failure (the Response says what happened)."""


class WebhookSender(Protocol):
    def connection(self) -> AbstractAsyncContextManager[WebhookConnection]:
        """Connections to one endpoint, kept open while its deliveries are sent, closed on leaving."""


class Mailer(Protocol):
    async def send(self, email: Email) -> None:
        """Hands the email to the mail server; raises DeliveryFailed when it cannot."""


class Clock(Protocol):
    def now(self) -> datetime: ...


class UnitOfWork(RuntimeUnitOfWork, Protocol):
    """What notifier's handlers use: one transaction over the emails and the outbox."""

    @property
    def emails(self) -> EmailRepository: ...

    @property
    def postbacks(self) -> PostbackRepository: ...

    @property
    def client_admins(self) -> ClientAdminRepository: ...
