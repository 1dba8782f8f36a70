"""The invitation email: language, content of both parts, escaping."""

from datetime import UTC, datetime

import pytest

from notifier.domain import InvalidInvitation
from notifier.templates import Invitation, pick_locale, render_invitation

LINK = "https://app.storefronts.example/invitations/accept?token=tok_9f8e7d&x=1"


def invitation(**changes) -> Invitation:
    values = dict(
        client_name="Acme Prints",
        first_name="Jane",
        email="jane@acme.example",
        accept_url=LINK,
        expires_at=datetime(2026, 3, 8, 14, 30, tzinfo=UTC),
        locale="en",
    )
    return Invitation(**{**values, **changes})


@pytest.mark.parametrize(
    "locale, expected",
    [
        ("en", "en"),
        ("en-GB", "en"),
        ("fr", "fr"),
        ("fr-CA", "fr"),
        ("FR_fr", "fr"),
        ("de", "en"),
        ("", "en"),
        (None, "en"),
        ("zz-unknown", "en"),
    ],
)
def test_picks_french_for_french_locales_and_english_otherwise(locale, expected):
    assert pick_locale(locale) == expected
    assert render_invitation(invitation(locale=locale)).locale == expected


def test_english_invitation_has_login_link_expiry_next_steps_and_spam_line():
    mail = render_invitation(invitation())

    assert mail.template == "invitation"
    assert mail.subject == "You're invited to Storefronts by Acme Prints"
    for part in (mail.text, mail.html):
        assert "Hello Jane," in part
        assert "jane@acme.example" in part
        assert "March 8, 2026 at 14:30 UTC" in part
        assert "Choose your password." in part
        assert "Connect your shop." in part
        assert "spam" in part
    assert LINK in mail.text
    assert f'href="{LINK.replace("&", "&amp;")}"' in mail.html


def test_french_invitation_is_in_french():
    mail = render_invitation(invitation(locale="fr-FR"))

    assert mail.subject == "Vous êtes invité(e) sur Storefronts par Acme Prints"
    for part in (mail.text, mail.html):
        assert "Bonjour Jane," in part
        assert "8 mars 2026 à 14:30 UTC" in part
        assert "Choisissez votre mot de passe." in part
        assert "courrier indésirable (spam)" in part
        assert "Hello" not in part
    assert LINK in mail.text


def test_user_given_names_are_escaped_in_html_and_kept_on_one_line_in_the_subject():
    evil = "Evil <script>alert(1)</script>\r\nBcc: x@y"
    mail = render_invitation(invitation(client_name=evil, first_name='<b>"Jo"</b>'))

    assert "<script>" not in mail.html and "<b>" not in mail.html
    assert "Evil &lt;script&gt;alert(1)&lt;/script&gt; Bcc: x@y" in mail.html
    assert "&lt;b&gt;&quot;Jo&quot;&lt;/b&gt;" in mail.html
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert 'Hello <b>"Jo"</b>,' in mail.text


def test_link_that_is_not_http_is_refused():
    with pytest.raises(InvalidInvitation):
        render_invitation(invitation(accept_url="javascript:alert(1)"))
