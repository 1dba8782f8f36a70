"""Emails the notifier sends and their delivery state. Rules only: no I/O."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from service_runtime.errors import DomainError

PENDING = "pending"
SENT = "sent"
FAILED = "failed"
ERROR_MAX = 1000


class InvalidInvitation(DomainError):
    status = 422
    title = "Invalid invitation"


class DeliveryFailed(Exception):
    """The mail server could not be reached or refused the message. ``permanent`` when it
    answered a 5xx (e.g. an unknown mailbox): trying again will most likely fail the same way."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class RenderedEmail:
    template: str
    locale: str
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Email:
    id: str
    client_id: str | None
    to: str
    subject: str
    template: str
    locale: str
    text_body: str | None
    html_body: str | None
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    caused_by_event_id: str
    created_at: datetime
    sent_at: datetime | None = None


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: base, 2×base, 4×base ... never longer than ``max_seconds``.
    A server that is down is waited for without limit; a server that refuses the message
    for good (5xx) is given ``permanent_attempts`` tries, then the email is given up."""

    base_seconds: float = 2
    max_seconds: float = 300
    permanent_attempts: int = 3

    def delay(self, attempts: int) -> timedelta:
        exponent = min(max(attempts - 1, 0), 32)
        return timedelta(seconds=min(self.base_seconds * 2**exponent, self.max_seconds))


def new_email(
    email_id: str, *, rendered: RenderedEmail, client_id: str | None, to: str, caused_by_event_id: str, now: datetime
) -> Email:
    """A pending email, due at once."""
    return Email(
        id=email_id,
        client_id=client_id,
        to=to,
        subject=rendered.subject,
        template=rendered.template,
        locale=rendered.locale,
        text_body=rendered.text,
        html_body=rendered.html,
        status=PENDING,
        attempts=0,
        next_attempt_at=now,
        last_error=None,
        caused_by_event_id=caused_by_event_id,
        created_at=now,
    )


def email_sent(email: Email, *, now: datetime) -> Email:
    # The bodies carry single-use links: once the server has the mail, we no longer keep them.
    return replace(
        email, status=SENT, attempts=email.attempts + 1, last_error=None, sent_at=now, text_body=None, html_body=None
    )


def delivery_failed(email: Email, *, error: str, now: datetime, policy: RetryPolicy, permanent: bool = False) -> Email:
    """A transient failure leaves the email pending, whatever the number of attempts: it is
    never dropped while the server may come back. After ``policy.permanent_attempts`` permanent
    refusals the email is failed for good and its bodies (with their single-use link) are dropped."""
    attempts = email.attempts + 1
    if permanent and attempts >= policy.permanent_attempts:
        return replace(
            email, status=FAILED, attempts=attempts, last_error=error[:ERROR_MAX], text_body=None, html_body=None
        )
    return replace(email, attempts=attempts, last_error=error[:ERROR_MAX], next_attempt_at=now + policy.delay(attempts))


@dataclass(frozen=True)
class ClientAdmin:
    """A client's admin as access announced them (StorefrontAccessGranted): who is told when a
    postback endpoint of the client is disabled."""

    client_id: str
    email: str
    first_name: str
    enabled: bool
    version: int | None
