"""Use cases of the notifier: queue an email (load → decide → save → commit), deliver it."""

import uuid
from collections.abc import Callable

import structlog

from notifier import domain, templates
from notifier.commands import ListEmails
from notifier.domain import DeliveryFailed, Email, InvalidInvitation, RetryPolicy
from notifier.ports import Clock, Mailer, UnitOfWork
from service_runtime.auth import Principal
from storefront_events import EmailDeliveryFailed, EmailSent, UserInvited

log = structlog.get_logger()


async def queue_invitation_email(
    event: UserInvited, *, uow: UnitOfWork, clock: Clock, unseal: Callable[[str], str] | None = None
) -> str | None:
    """Renders the invitation (French for a French locale, else English) with the login, the
    accept link, its expiry and the next steps, and stores it as a pending email; delivery
    sends it once this commits. One email per event: a redelivered event adds nothing, and a
    resend (a new event) gets a new email. Returns the email id, None for a duplicate.
    The link comes sealed (``unseal`` opens it with the invitation keys); events from before
    sealing carry it in the deprecated clear ``accept_url``."""
    rendered = templates.render_invitation(
        templates.Invitation(
            client_name=event.client_name,
            first_name=event.first_name,
            email=event.email,
            accept_url=_accept_url(event, unseal),
            expires_at=event.expires_at,
            locale=event.locale,
        )
    )
    event_id = str(event.event_id)
    async with uow:
        if await uow.emails.exists_for_event(event_id):
            await uow.commit()
            return None
        email = domain.new_email(
            str(uuid.uuid4()),
            rendered=rendered,
            client_id=event.client_id,
            to=event.email,
            caused_by_event_id=event_id,
            now=clock.now(),
        )
        uow.emails.add(email)
        await uow.commit()
    log.info("email.queued", email_id=email.id, template=email.template, locale=email.locale, resend=event.resend)
    return email.id


async def send_due_emails(
    *, uow: UnitOfWork, mailer: Mailer, clock: Clock, policy: RetryPolicy, limit: int = 100
) -> int:
    """Sends the pending emails that are due, one transaction each; the row stays locked while
    it is sent, so two notifier processes never send it at the same time.
    - sent: the email is marked sent and EmailSent is emitted in the same commit;
    - failed: attempts + 1, the error is kept and the next attempt waits an exponential backoff;
      the email stays pending until it goes out. The pass stops at the first failure (the
      server is probably down): the other emails wait for the next pass;
    - refused for good (5xx, e.g. an unknown mailbox): after the policy's bounded number of
      attempts the email is marked failed and EmailDeliveryFailed (with the server's answer) is
      emitted in the same commit; the pass goes on, the server is up.
    Returns how many were sent."""
    sent = 0
    for _ in range(limit):
        async with uow:
            email = await uow.emails.next_due(clock.now())
            if email is None:
                return sent
            try:
                await mailer.send(email)
            except DeliveryFailed as error:
                failed = domain.delivery_failed(
                    email, error=str(error), now=clock.now(), policy=policy, permanent=error.permanent
                )
                await uow.emails.save(failed)
                if failed.status == domain.FAILED:
                    uow.outbox.add(_email_delivery_failed(failed))
                await uow.commit()
                log.warning(
                    "email.delivery_failed",
                    email_id=email.id,
                    attempts=failed.attempts,
                    error=str(error),
                    status=failed.status,
                    next_attempt_at=failed.next_attempt_at.isoformat(),
                )
                if error.permanent:
                    continue
                return sent
            delivered = domain.email_sent(email, now=clock.now())
            await uow.emails.save(delivered)
            uow.outbox.add(_email_sent(delivered))
            await uow.commit()
        log.info("email.sent", email_id=email.id, attempts=delivered.attempts)
        sent += 1
    return sent


async def list_emails(query: ListEmails, *, viewer: Principal, uow: UnitOfWork) -> list[Email]:
    """The delivery log, newest first. Operators see every client's emails; a client admin
    sees only their own client's (asking for another client gives an empty list)."""
    client_id = query.client_id
    if not viewer.is_operator:
        if viewer.client_id is None or (client_id is not None and client_id != viewer.client_id):
            return []
        client_id = viewer.client_id
    async with uow:
        return await uow.emails.search(client_id=client_id, to=query.to, limit=query.limit)


def _accept_url(event: UserInvited, unseal: Callable[[str], str] | None) -> str:
    if not event.sealed_accept_url:
        return event.accept_url
    if unseal is None:
        raise InvalidInvitation(
            "The invitation link is sealed and no invitation key is configured.", field="sealed_accept_url"
        )
    return unseal(event.sealed_accept_url)


def _email_sent(email: Email) -> EmailSent:
    return EmailSent(
        client_id=email.client_id,
        email_id=email.id,
        to=email.to,
        subject=email.subject,
        template=email.template,
        caused_by_event_id=email.caused_by_event_id,
    )


def _email_delivery_failed(email: Email) -> EmailDeliveryFailed:
    return EmailDeliveryFailed(
        client_id=email.client_id,
        email_id=email.id,
        to=email.to,
        template=email.template,
        reason=email.last_error or "refused",
        attempts=email.attempts,
        caused_by_event_id=email.caused_by_event_id,
    )
