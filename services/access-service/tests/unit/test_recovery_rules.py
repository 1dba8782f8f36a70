"""Rules behind recovering from mistakes, the invitation's delivery status and the languages."""

from datetime import UTC, datetime, timedelta

import pytest

from access.domain import LastAdmin, User, WeakPassword
from access.domain.invitations import invitation_status, new_invitation
from access.domain.messages import MESSAGES, TITLES, locale_from_header, render
from access.domain.passwords import check_password
from access.domain.users import clean_locale, ensure_not_last_admin

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("password", "email"),
    [
        ("Canada geese fly south", "ada@acme.example"),  # "ada" hides in an honest word
        ("stop shopping at noon please", "ops@provider.example"),
        ("my olga password is long", "olga@acme.example"),
    ],
)
def test_a_short_email_name_inside_an_honest_password_is_not_called_the_email(password, email):
    check_password(password, email=email)


@pytest.mark.parametrize(
    ("password", "email"),
    [
        ("marguerite-password-2026", "marguerite@acme.example"),
        ("x ada@acme.example x", "ada@acme.example"),
    ],
)
def test_a_password_holding_the_email_or_its_name_is_refused_and_the_message_names_it(password, email):
    with pytest.raises(WeakPassword) as refused:
        check_password(password, email=email)
    assert refused.value.key == "password_contains_email"
    assert email.split("@")[0] in refused.value.detail


def test_delivery_status_goes_pending_sent_active_or_delivery_failed():
    invitation, _ = new_invitation("i1", "u1", now=NOW)
    assert invitation_status("invitation_sent", None) == "pending"
    assert invitation_status("invitation_sent", invitation) == "pending"
    sent = invitation.delivered(NOW + timedelta(seconds=3))
    assert invitation_status("invitation_sent", sent) == "sent" and sent.sent_at == NOW + timedelta(seconds=3)
    failed = invitation.undeliverable("550 5.1.1 mailbox unavailable", NOW)
    assert invitation_status("invitation_sent", failed) == "delivery_failed"
    assert failed.failure_reason == "550 5.1.1 mailbox unavailable"
    assert invitation_status("active", sent.used(NOW)) == "active"


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        ("fr-FR", "fr"),
        ("fr-CA,fr;q=0.9", "fr"),
        ("de-DE,fr;q=0.7,en;q=0.8", "en"),
        ("de, fr;q=0.5", "fr"),
        ("", "en"),
        (None, "en"),
        ("fr;q=0", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("fr;q=abc", "en"),
    ],
)
def test_accept_language_is_read_by_quality_with_regional_tags(header, locale):
    assert locale_from_header(header) == locale


def test_locales_accept_regional_tags_and_refuse_others():
    assert clean_locale("fr-FR") == "fr" and clean_locale("EN") == "en" and clean_locale(None) is None
    with pytest.raises(Exception, match="locale"):
        clean_locale("de")


def test_every_message_and_title_is_in_english_and_french():
    assert all(set(texts) == {"en", "fr"} for texts in MESSAGES.values())
    assert all(set(texts) == {"en", "fr"} for texts in TITLES.values())
    assert render("invitation_replaced", "fr").startswith("Ce lien d'invitation a été remplacé")


def test_the_last_admin_message_asks_for_another_active_admin():
    admin = User("u1", "c1", "a@x.example", "A", "B", "admin", status="active")
    pending = User("u2", "c1", "b@x.example", "B", "C", "admin", status="invitation_sent")
    with pytest.raises(LastAdmin) as refused:
        ensure_not_last_admin(admin, [admin, pending])
    assert "another active admin" in refused.value.detail
