"""Queueing and delivering emails, with fakes."""

from datetime import UTC, datetime, timedelta

from notifier import handlers
from notifier.commands import ListEmails
from notifier.domain import RetryPolicy
from service_runtime.auth import Principal
from storefront_events import EmailDeliveryFailed, EmailSent, UserInvited

POLICY = RetryPolicy(base_seconds=2, max_seconds=300)


def user_invited(**changes) -> UserInvited:
    values = dict(
        client_id="c1",
        client_name="Acme",
        user_id="u1",
        email="jane@acme.example",
        first_name="Jane",
        last_name="Doe",
        role="admin",
        invitation_id="i1",
        accept_url="https://app.example/accept?t=abc",
        expires_at=datetime(2026, 3, 8, tzinfo=UTC),
    )
    return UserInvited(**{**values, **changes})


async def test_queued_invitation_is_sent_marked_and_announced(uow, mailer, clock):
    event = user_invited()
    email_id = await handlers.queue_invitation_email(event, uow=uow, clock=clock)

    assert await handlers.send_due_emails(uow=uow, mailer=mailer, clock=clock, policy=POLICY) == 1

    [mail] = mailer.sent
    assert (mail.id, mail.to) == (email_id, "jane@acme.example")
    assert "https://app.example/accept?t=abc" in mail.text_body
    stored = uow.emails.rows[email_id]
    assert (stored.status, stored.attempts, stored.sent_at) == ("sent", 1, clock.now())
    assert stored.text_body is None and stored.html_body is None
    [announced] = uow.outbox.events
    assert isinstance(announced, EmailSent)
    assert (announced.email_id, announced.client_id, announced.template) == (email_id, "c1", "invitation")
    assert announced.to == mail.to
    assert announced.caused_by_event_id == str(event.event_id)
    assert await handlers.send_due_emails(uow=uow, mailer=mailer, clock=clock, policy=POLICY) == 0


async def test_the_same_event_twice_queues_one_email_and_a_resend_queues_another(uow, clock):
    event = user_invited()
    assert await handlers.queue_invitation_email(event, uow=uow, clock=clock)
    assert await handlers.queue_invitation_email(event, uow=uow, clock=clock) is None
    assert await handlers.queue_invitation_email(user_invited(invitation_id="i2", resend=True), uow=uow, clock=clock)

    assert len(uow.emails.rows) == 2


async def test_failed_delivery_is_kept_and_retried_after_the_backoff(uow, mailer, clock):
    email_id = await handlers.queue_invitation_email(user_invited(), uow=uow, clock=clock)
    mailer.down = True

    assert await handlers.send_due_emails(uow=uow, mailer=mailer, clock=clock, policy=POLICY) == 0
    failed = uow.emails.rows[email_id]
    assert (failed.status, failed.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in failed.last_error
    assert failed.next_attempt_at == clock.now() + timedelta(seconds=2)

    clock.advance(2)
    assert await handlers.send_due_emails(uow=uow, mailer=mailer, clock=clock, policy=POLICY) == 0
    assert uow.emails.rows[email_id].next_attempt_at == clock.now() + timedelta(seconds=4)

    mailer.down = False
    clock.advance(1)
    assert await handlers.send_due_emails(uow=uow, mailer=mailer, clock=clock, policy=POLICY) == 0  # not due yet
    clock.advance(3)
    assert await handlers.send_due_emails(uow=uow, mailer=mailer, clock=clock, policy=POLICY) == 1
    sent = uow.emails.rows[email_id]
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 3, None)
    assert len(uow.outbox.events) == 1


async def test_client_admins_see_only_their_own_clients_emails(uow, clock):
    await handlers.queue_invitation_email(user_invited(client_id="c1", email="a@c1.example"), uow=uow, clock=clock)
    await handlers.queue_invitation_email(user_invited(client_id="c2", email="b@c2.example"), uow=uow, clock=clock)
    operator = Principal(subject="op", role="operator")
    admin = Principal(subject="ad", role="admin", client_id="c1")
    stray = Principal(subject="x", role="admin")

    async def tos(viewer, **query):
        return sorted(e.to for e in await handlers.list_emails(ListEmails(**query), viewer=viewer, uow=uow))

    assert await tos(operator) == ["a@c1.example", "b@c2.example"]
    assert await tos(operator, client_id="c2") == ["b@c2.example"]
    assert await tos(admin) == ["a@c1.example"]
    assert await tos(admin, client_id="c2") == []
    assert await tos(admin, to="b@c2.example") == []
    assert await tos(stray) == []


async def test_a_mailbox_refused_for_good_ends_failed_after_the_bounded_tries_and_others_still_go(uow, mailer, clock):
    policy = RetryPolicy(base_seconds=2, max_seconds=300, permanent_attempts=3)
    mailer.refused.add("nobody@refuse.example")
    refused = user_invited(email="nobody@refuse.example")
    refused_id = await handlers.queue_invitation_email(refused, uow=uow, clock=clock)
    clock.advance(0.001)
    fine_id = await handlers.queue_invitation_email(user_invited(email="jane@acme.example"), uow=uow, clock=clock)

    assert await handlers.send_due_emails(uow=uow, mailer=mailer, clock=clock, policy=policy) == 1
    assert [m.id for m in mailer.sent] == [fine_id]
    for _ in range(5):
        clock.advance(600)
        await handlers.send_due_emails(uow=uow, mailer=mailer, clock=clock, policy=policy)

    stored = uow.emails.rows[refused_id]
    assert (stored.status, stored.attempts) == ("failed", 3)
    assert "550" in stored.last_error and stored.text_body is None
    [given_up] = [e for e in uow.outbox.events if isinstance(e, EmailDeliveryFailed)]
    assert (given_up.email_id, given_up.attempts, given_up.caused_by_event_id) == (refused_id, 3, str(refused.event_id))
    assert "550" in given_up.reason and given_up.to == "nobody@refuse.example"
