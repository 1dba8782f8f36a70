"""Use cases of postbacks: a client's endpoints (settings), order updates turned into
deliveries, one attempt recorded, the delivery log and replays. Load → decide → save → commit."""

import secrets
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import structlog

from notifier import domain, postbacks, templates
from notifier.commands import ChangeEndpoint, CreateEndpoint, ListDeliveries, ReplayFailed, RotateSecret
from notifier.domain import ClientAdmin
from notifier.ports import Clock, UnitOfWork
from notifier.postbacks import (
    Attempt,
    Delivery,
    DeliveryNotFound,
    Endpoint,
    EndpointNotFound,
    OrderTrack,
    OrderUpdate,
    Outcome,
    Response,
    RetrySchedule,
)
from service_runtime.auth import Principal
from service_runtime.errors import Forbidden
from service_runtime.versions import newer_than_held
from storefront_events import (
    OrderAccepted,
    OrderEvent,
    OrderHeld,
    OrderStatusChanged,
    PostbackDelivered,
    PostbackFailed,
    StorefrontAccessGranted,
)

log = structlog.get_logger()

#: Checks where a URL points (service_runtime.outbound's guard); raises UnsafeUrl.
UrlGuard = Callable[[str], Awaitable[None]]


@dataclass(frozen=True)
class CreatedEndpoint:
    endpoint: Endpoint
    secret: str  # shown once


@dataclass(frozen=True)
class DeliveryLog:
    delivery: Delivery
    attempts: list[Attempt]


# --- who may do what ---------------------------------------------------------------------


def _check_client(viewer: Principal, client_id: str) -> None:
    """Operators manage every client's postbacks; a client admin only their own client's."""
    if viewer.is_operator:
        return
    if viewer.role != "admin":
        raise Forbidden(f"The role '{viewer.role}' may not manage postbacks.")
    if viewer.client_id != client_id:
        raise EndpointNotFound("No such postback endpoint for this client.")


async def _endpoint_of(uow: UnitOfWork, client_id: str, endpoint_id: str, *, for_update: bool = False) -> Endpoint:
    endpoint = await uow.postbacks.endpoint(endpoint_id, for_update=for_update)
    if endpoint is None or endpoint.client_id != client_id:
        raise EndpointNotFound("No such postback endpoint for this client.")
    return endpoint


# --- endpoint settings -------------------------------------------------------------------


async def create_endpoint(
    command: CreateEndpoint,
    *,
    viewer: Principal,
    uow: UnitOfWork,
    clock: Clock,
    url_guard: UrlGuard,
    https_required: bool,
) -> CreatedEndpoint:
    """A new enabled endpoint with a secret the service generates (returned this once)."""
    _check_client(viewer, command.client_id)
    secret = postbacks.new_secret(secrets.token_bytes(postbacks.SECRET_BYTES))
    endpoint = postbacks.new_endpoint(
        str(uuid.uuid4()),
        client_id=command.client_id,
        url=command.url,
        event_types=command.event_types,
        description=command.description,
        secret=secret,
        https_required=https_required,
        now=clock.now(),
    )
    await url_guard(endpoint.url)
    async with uow:
        uow.postbacks.add_endpoint(endpoint)
        await uow.commit()
    log.info("postback.endpoint_created", endpoint_id=endpoint.id, client_id=endpoint.client_id)
    return CreatedEndpoint(endpoint=endpoint, secret=secret)


async def change_endpoint(
    command: ChangeEndpoint,
    *,
    viewer: Principal,
    uow: UnitOfWork,
    clock: Clock,
    url_guard: UrlGuard,
    https_required: bool,
) -> Endpoint:
    _check_client(viewer, command.client_id)
    if command.url is not None:
        await url_guard(postbacks.check_url(command.url, https_required=https_required))
    async with uow:
        endpoint = await _endpoint_of(uow, command.client_id, command.endpoint_id, for_update=True)
        changed = postbacks.change_endpoint(
            endpoint,
            url=command.url,
            event_types=command.event_types,
            description=command.description,
            status=command.status,
            https_required=https_required,
            now=clock.now(),
        )
        await uow.postbacks.save_endpoint(changed)
        await uow.commit()
    return changed


async def rotate_secret(command: RotateSecret, *, viewer: Principal, uow: UnitOfWork, clock: Clock) -> CreatedEndpoint:
    """A new secret (returned this once); the old one keeps signing during the overlap."""
    _check_client(viewer, command.client_id)
    secret = postbacks.new_secret(secrets.token_bytes(postbacks.SECRET_BYTES))
    async with uow:
        endpoint = await _endpoint_of(uow, command.client_id, command.endpoint_id, for_update=True)
        rotated = postbacks.rotate_secret(
            endpoint, secret=secret, overlap=timedelta(seconds=command.overlap_seconds), now=clock.now()
        )
        await uow.postbacks.save_endpoint(rotated)
        await uow.commit()
    log.info("postback.secret_rotated", endpoint_id=rotated.id, overlap_until=str(rotated.previous_secret_expires_at))
    return CreatedEndpoint(endpoint=rotated, secret=secret)


async def list_endpoints(client_id: str, *, viewer: Principal, uow: UnitOfWork) -> list[Endpoint]:
    _check_client(viewer, client_id)
    async with uow:
        return await uow.postbacks.endpoints_of([client_id])


async def get_endpoint(client_id: str, endpoint_id: str, *, viewer: Principal, uow: UnitOfWork) -> Endpoint:
    _check_client(viewer, client_id)
    async with uow:
        return await _endpoint_of(uow, client_id, endpoint_id)


# --- order updates → deliveries ----------------------------------------------------------


def order_update(event: OrderEvent) -> OrderUpdate | None:
    """The postback an order event makes (None for an event postbacks do not follow)."""
    if isinstance(event, OrderAccepted):
        lines = tuple(
            {
                "line_id": line.line_id,
                "platform_line_id": line.platform_line_id,
                "sku": line.sku,
                "title": line.title,
                "quantity": line.quantity,
                "product_uid": line.product_uid,
            }
            for line in event.lines
        )
        return _update(event, "order.accepted", status="accepted", previous_status=None, lines=lines)
    if isinstance(event, OrderHeld):
        hold = {
            "reason": event.reason,
            "message": event.message,
            "unresolved_lines": [line.model_dump(mode="json") for line in event.unresolved_lines],
        }
        return replace(
            _update(event, postbacks.HELD, status="held", previous_status=None), message=event.message, hold=hold
        )
    if isinstance(event, OrderStatusChanged):
        packages = tuple(shipment.model_dump(mode="json") for shipment in event.shipments)
        update = _update(event, f"order.{event.status}", status=event.status, previous_status=event.previous_status)
        return replace(update, packages=packages, message=event.message)
    return None


def _update(
    event: OrderEvent,
    postback_type: str,
    *,
    status: str,
    previous_status: str | None,
    lines: tuple[Mapping[str, Any], ...] | None = None,
) -> OrderUpdate:
    return OrderUpdate(
        event_id=str(event.event_id),
        postback_type=postback_type,
        order_id=event.order_id,
        client_id=event.client_id,
        store_id=event.store_id,
        platform=event.platform,
        platform_order_id=event.platform_order_id,
        order_number=event.order_number,
        status=status,
        previous_status=previous_status,
        occurred_at=event.occurred_at,
        lines=lines,
    )


async def record_order_updates(events: Sequence[OrderEvent], *, uow: UnitOfWork, clock: Clock) -> int:
    """Set-based, for one batch of order events (in partition order): numbers each order's
    events (its sequence), then queues one delivery per event for every enabled endpoint of
    the client that wants its type — one read of the endpoints and orders, one insert.
    Paused and disabled endpoints get none. Returns how many deliveries were queued."""
    updates = [update for update in map(order_update, events) if update is not None]
    if not updates:
        return 0
    now = clock.now()
    async with uow:
        endpoints = await uow.postbacks.endpoints_of({update.client_id for update in updates})
        tracks = await uow.postbacks.tracks_of({update.order_id for update in updates})
        changed: dict[str, OrderTrack] = {}
        deliveries: list[Delivery] = []
        for update in updates:
            track = postbacks.advance(tracks.get(update.order_id), update)
            tracks[update.order_id] = changed[update.order_id] = track
            wanting = [
                endpoint
                for endpoint in endpoints
                if endpoint.client_id == update.client_id
                and endpoint.status == postbacks.ENABLED
                and endpoint.wants(update.postback_type)
            ]
            if not wanting:
                continue
            body = postbacks.encode_body(postbacks.payload(update, track))
            deliveries.extend(
                postbacks.new_delivery(
                    _webhook_id(),
                    endpoint=endpoint,
                    postback_type=update.postback_type,
                    order_id=update.order_id,
                    sequence=track.sequence,
                    body=body,
                    caused_by_event_id=update.event_id,
                    event_time=update.occurred_at,
                    now=now,
                )
                for endpoint in wanting
            )
        await uow.postbacks.save_tracks(list(changed.values()))
        uow.postbacks.add_deliveries(deliveries)
        await uow.commit()
    if deliveries:
        log.info("postback.deliveries_queued", count=len(deliveries), events=len(updates))
    return len(deliveries)


async def send_test_event(
    client_id: str, endpoint_id: str, *, viewer: Principal, uow: UnitOfWork, clock: Clock
) -> Delivery:
    """Queues a ``postback.test`` delivery, whatever types the endpoint wants."""
    _check_client(viewer, client_id)
    now = clock.now()
    async with uow:
        endpoint = await _endpoint_of(uow, client_id, endpoint_id)
        delivery_id = _webhook_id()
        delivery = postbacks.new_delivery(
            delivery_id,
            endpoint=endpoint,
            postback_type=postbacks.TEST,
            order_id=None,
            sequence=0,
            body=postbacks.encode_body(postbacks.test_payload(endpoint, now=now)),
            caused_by_event_id=delivery_id,
            event_time=now,
            now=now,
        )
        uow.postbacks.add_deliveries([delivery])
        await uow.commit()
    return delivery


# --- the delivery worker -----------------------------------------------------------------


async def endpoints_due(*, uow: UnitOfWork, clock: Clock, limit: int) -> list[str]:
    async with uow:
        return await uow.postbacks.endpoints_with_due_deliveries(clock.now(), limit)


@dataclass(frozen=True)
class LaneRound:
    """What one round of an endpoint's lane recorded and leased."""

    outcomes: list[Outcome]
    endpoint: Endpoint | None  # as it is now; None when it was deleted
    claimed: list[Delivery]  # leased to this lane, to send now


async def record_and_claim(
    endpoint_id: str,
    answered: Sequence[tuple[str, Response]],
    *,
    uow: UnitOfWork,
    clock: Clock,
    schedule: RetrySchedule,
    limit: int,
    lease: timedelta,
) -> LaneRound:
    """One round of an endpoint's lane, in one commit: records the attempts answered since the
    last round, in the order they were answered (each delivery delivered, retried later or
    failed for good, and the endpoint disabled after sustained failure, its client's admin
    mailed, with PostbackDelivered or PostbackFailed); then, while the endpoint is enabled,
    leases up to ``limit`` of its due deliveries for ``lease`` (none behind an earlier pending
    delivery of the same order, so an order's next delivery is due as soon as this one is in)."""
    now = clock.now()
    async with uow:
        outcomes: list[Outcome] = []
        if answered:
            held = await uow.postbacks.deliveries_for_update([delivery_id for delivery_id, _ in answered])
            endpoint = await uow.postbacks.endpoint(endpoint_id, for_update=True)
            for delivery_id, response in answered:
                delivery = held.get(delivery_id)
                if endpoint is None or delivery is None or delivery.status != postbacks.PENDING:
                    continue  # replayed, or the endpoint deleted, while it was being sent
                outcome = postbacks.attempted(delivery, endpoint, response, schedule=schedule, now=now)
                endpoint = outcome.endpoint
                await uow.postbacks.save_delivery(outcome.delivery)
                uow.postbacks.add_attempt(outcome.attempt)
                event = _announcement(outcome, endpoint.url)
                uow.outbox.add(event)
                if outcome.endpoint_disabled:
                    await _mail_admin(endpoint, caused_by_event_id=str(event.event_id), uow=uow, now=now)
                outcomes.append(outcome)
            if endpoint is not None and outcomes:
                await uow.postbacks.save_endpoint(endpoint)
        else:
            endpoint = await uow.postbacks.endpoint(endpoint_id)
        claimed: list[Delivery] = []
        if limit > 0 and endpoint is not None and endpoint.status == postbacks.ENABLED:
            claimed = await uow.postbacks.claim_due(endpoint_id, now=now, until=now + lease, limit=limit)
        await uow.commit()
    for outcome in outcomes:
        log.info(
            "postback.attempted",
            delivery_id=outcome.delivery.id,
            endpoint_id=endpoint_id,
            attempt=outcome.attempt.number,
            status_code=outcome.attempt.status_code,
            delivery_status=outcome.delivery.status,
            endpoint_disabled=outcome.endpoint_disabled,
        )
    return LaneRound(outcomes=outcomes, endpoint=endpoint, claimed=claimed)


async def _mail_admin(endpoint: Endpoint, *, caused_by_event_id: str, uow: UnitOfWork, now: datetime) -> None:
    admin = await uow.client_admins.get(endpoint.client_id)
    if admin is None or not admin.enabled:
        log.warning("postback.no_admin_to_mail", client_id=endpoint.client_id, endpoint_id=endpoint.id)
        return
    rendered = templates.render_endpoint_disabled(
        templates.EndpointDisabled(first_name=admin.first_name, url=endpoint.url, reason=endpoint.disabled_reason or "")
    )
    uow.emails.add(
        domain.new_email(
            str(uuid.uuid4()),
            rendered=rendered,
            client_id=endpoint.client_id,
            to=admin.email,
            caused_by_event_id=caused_by_event_id,
            now=now,
        )
    )


def _announcement(outcome: Outcome, url: str) -> PostbackDelivered | PostbackFailed:
    delivery, attempt = outcome.delivery, outcome.attempt
    if attempt.ok:
        return PostbackDelivered(
            client_id=delivery.client_id,
            delivery_id=delivery.id,
            postback_type=delivery.postback_type,
            order_id=delivery.order_id,
            url=url,
            attempt=attempt.number,
            status_code=attempt.status_code or 200,
            duration_ms=attempt.duration_ms,
            caused_by_event_id=delivery.caused_by_event_id,
        )
    return PostbackFailed(
        client_id=delivery.client_id,
        delivery_id=delivery.id,
        postback_type=delivery.postback_type,
        order_id=delivery.order_id,
        url=url,
        attempt=attempt.number,
        status_code=attempt.status_code,
        error=delivery.last_error or "failed",
        final=outcome.given_up,
        next_attempt_at=None if outcome.given_up else delivery.next_attempt_at,
        caused_by_event_id=delivery.caused_by_event_id,
    )


# --- delivery log and replays ------------------------------------------------------------


async def list_deliveries(query: ListDeliveries, *, viewer: Principal, uow: UnitOfWork) -> list[DeliveryLog]:
    """The endpoint's deliveries, newest first, each with its attempts."""
    _check_client(viewer, query.client_id)
    async with uow:
        await _endpoint_of(uow, query.client_id, query.endpoint_id)
        deliveries = await uow.postbacks.deliveries_of(
            query.endpoint_id, status=query.status, order_id=query.order_id, limit=query.limit
        )
        attempts = await uow.postbacks.attempts_of([delivery.id for delivery in deliveries])
    return [DeliveryLog(delivery, attempts.get(delivery.id, [])) for delivery in deliveries]


async def get_delivery(
    client_id: str, endpoint_id: str, delivery_id: str, *, viewer: Principal, uow: UnitOfWork
) -> DeliveryLog:
    _check_client(viewer, client_id)
    async with uow:
        await _endpoint_of(uow, client_id, endpoint_id)
        delivery = await uow.postbacks.delivery(delivery_id)
        if delivery is None or delivery.endpoint_id != endpoint_id:
            raise DeliveryNotFound("No such delivery for this endpoint.")
        attempts = await uow.postbacks.attempts_of([delivery.id])
    return DeliveryLog(delivery, attempts.get(delivery.id, []))


async def replay_delivery(
    client_id: str, endpoint_id: str, delivery_id: str, *, viewer: Principal, uow: UnitOfWork, clock: Clock
) -> Delivery:
    """Sends a delivery again (same webhook-id, a fresh retry schedule); a pending one is left as is."""
    _check_client(viewer, client_id)
    async with uow:
        await _endpoint_of(uow, client_id, endpoint_id)
        delivery = await uow.postbacks.delivery(delivery_id, for_update=True)
        if delivery is None or delivery.endpoint_id != endpoint_id:
            raise DeliveryNotFound("No such delivery for this endpoint.")
        if delivery.status != postbacks.PENDING:
            delivery = postbacks.replayed(delivery, now=clock.now())
            await uow.postbacks.save_delivery(delivery)
        await uow.commit()
    return delivery


async def replay_failed(command: ReplayFailed, *, viewer: Principal, uow: UnitOfWork, clock: Clock) -> int:
    """Sends again every failed delivery of the endpoint created in [since, until)."""
    _check_client(viewer, command.client_id)
    if command.until <= command.since:
        raise postbacks.InvalidEndpoint("'until' must come after 'since'.", field="until")
    now = clock.now()
    async with uow:
        await _endpoint_of(uow, command.client_id, command.endpoint_id)
        failed = await uow.postbacks.failed_between(command.endpoint_id, command.since, command.until)
        for delivery in failed:
            await uow.postbacks.save_delivery(postbacks.replayed(delivery, now=now))
        await uow.commit()
    log.info("postback.replayed", endpoint_id=command.endpoint_id, count=len(failed))
    return len(failed)


# --- the client's admin ------------------------------------------------------------------


async def keep_client_admin(event: StorefrontAccessGranted, *, uow: UnitOfWork) -> None:
    """Remembers the client's admin (mailed when a postback endpoint is disabled)."""
    async with uow:
        held = await uow.client_admins.get(event.client_id)
        if newer_than_held(
            event, held.version if held else None, read_model="client_admins", aggregate_id=event.client_id
        ):
            await uow.client_admins.save(
                ClientAdmin(
                    client_id=event.client_id,
                    email=event.admin_email,
                    first_name=event.admin_first_name,
                    enabled=event.enabled,
                    version=event.aggregate_version,
                )
            )
        await uow.commit()


def _webhook_id() -> str:
    return f"msg_{uuid.uuid4().hex}"
