"""What the email API returns: delivery state only, never the bodies (they hold invitation links)."""

from datetime import datetime

from pydantic import BaseModel, Field

from notifier.domain import Email


class EmailPublic(BaseModel):
    id: str
    client_id: str | None
    to: str
    subject: str
    template: str
    locale: str
    status: str = Field(
        description="pending (not yet accepted by the mail server), sent, or failed (refused for "
        "good by the mail server; last_error says why)"
    )
    attempts: int = Field(description="Delivery attempts so far")
    last_error: str | None = Field(description="Error of the last failed attempt")
    next_attempt_at: datetime | None = Field(description="When a pending email is tried again")
    caused_by_event_id: str
    created_at: datetime
    sent_at: datetime | None

    @classmethod
    def of(cls, email: Email) -> "EmailPublic":
        return cls(
            id=email.id,
            client_id=email.client_id,
            to=email.to,
            subject=email.subject,
            template=email.template,
            locale=email.locale,
            status=email.status,
            attempts=email.attempts,
            last_error=email.last_error,
            next_attempt_at=email.next_attempt_at if email.status == "pending" else None,
            caused_by_event_id=email.caused_by_event_id,
            created_at=email.created_at,
            sent_at=email.sent_at,
        )


class EmailList(BaseModel):
    items: list[EmailPublic]
