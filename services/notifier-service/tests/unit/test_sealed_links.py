"""The invitation link arrives sealed for the notifier: it is opened only to write the email."""

from datetime import UTC, datetime

import pytest

from notifier import handlers
from notifier.domain import InvalidInvitation
from service_runtime.secrets import SecretBox
from storefront_events import UserInvited

BOX = SecretBox([SecretBox.generate_key()])
LINK = "https://storefronts.example/invitations/accept#token=tok_9f8e7d"


def sealed_invitation(**changes) -> UserInvited:
    values = dict(
        client_id="c1",
        client_name="Acme",
        user_id="u1",
        email="jane@acme.example",
        first_name="Jane",
        last_name="Doe",
        role="admin",
        invitation_id="i1",
        expires_at=datetime(2026, 3, 8, tzinfo=UTC),
        sealed_accept_url=BOX.encrypt(LINK),
    )
    return UserInvited(**{**values, **changes})


async def test_the_sealed_link_is_opened_into_the_email(uow, clock):
    email_id = await handlers.queue_invitation_email(sealed_invitation(), uow=uow, clock=clock, unseal=BOX.decrypt)
    email = uow.emails.rows[email_id]
    assert LINK in email.text_body and LINK in email.html_body


async def test_a_sealed_link_without_the_key_is_refused_not_mailed_half_written(uow, clock):
    with pytest.raises(InvalidInvitation):
        await handlers.queue_invitation_email(sealed_invitation(), uow=uow, clock=clock)
    assert uow.emails.rows == {}
