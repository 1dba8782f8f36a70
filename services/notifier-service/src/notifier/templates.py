"""The invitation email in English and French, plain text and HTML. Pure functions.

Every value that comes from a user (names, login, link) is HTML-escaped in the HTML part,
and names are folded onto one line for the subject."""

from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from urllib.parse import urlsplit

from notifier.domain import InvalidInvitation, RenderedEmail

INVITATION = "invitation"
DEFAULT_LOCALE = "en"

_MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
}

_COPY = {
    "en": {
        "subject": "You're invited to Storefronts by {client}",
        "greeting": "Hello {first_name},",
        "intro": "{client} has invited you to Storefronts, where you connect your online shops "
        "and follow your print orders.",
        "login": "Your login:",
        "accept": "Accept your invitation",
        "open": "Accept your invitation by opening this link:",
        "expiry": "This link can be used once and expires on {expires}.",
        "next": "What to do next:",
        "steps": (
            "Open the link above to accept the invitation.",
            "Choose your password.",
            "Sign in with your login ({email}) and your new password.",
            "Connect your shop.",
        ),
        "spam": "Can't find our emails? Check your spam or junk folder and add this address to your contacts.",
        "ignore": "If you were not expecting this invitation, you can ignore this email.",
        "signature": "The Storefronts team",
        "date": "{month} {day}, {year} at {time} UTC",
    },
    "fr": {
        "subject": "Vous êtes invité(e) sur Storefronts par {client}",
        "greeting": "Bonjour {first_name},",
        "intro": "{client} vous invite sur Storefronts, où vous connectez vos boutiques en ligne "
        "et suivez vos commandes d'impression.",
        "login": "Votre identifiant :",
        "accept": "Accepter l'invitation",
        "open": "Acceptez l'invitation en ouvrant ce lien :",
        "expiry": "Ce lien ne peut servir qu'une fois et expire le {expires}.",
        "next": "Et ensuite :",
        "steps": (
            "Ouvrez le lien ci-dessus pour accepter l'invitation.",
            "Choisissez votre mot de passe.",
            "Connectez-vous avec votre identifiant ({email}) et votre nouveau mot de passe.",
            "Connectez votre boutique.",
        ),
        "spam": "Vous ne trouvez pas nos e-mails ? Vérifiez votre dossier de courrier indésirable (spam) "
        "et ajoutez cette adresse à vos contacts.",
        "ignore": "Si vous n'attendiez pas cette invitation, vous pouvez ignorer cet e-mail.",
        "signature": "L'équipe Storefronts",
        "date": "{day} {month} {year} à {time} UTC",
    },
}


@dataclass(frozen=True)
class Invitation:
    client_name: str
    first_name: str
    email: str
    accept_url: str
    expires_at: datetime
    locale: str | None = None


def pick_locale(locale: str | None) -> str:
    """The language we have for a BCP 47 tag: fr, fr-CA, fr_FR → fr; anything else → en."""
    language = (locale or "").replace("_", "-").split("-")[0].strip().lower()
    return language if language in _COPY else DEFAULT_LOCALE


def render_invitation(invitation: Invitation) -> RenderedEmail:
    if urlsplit(invitation.accept_url).scheme not in ("https", "http"):
        raise InvalidInvitation("The accept link is not an http(s) URL.", field="accept_url")
    locale = pick_locale(invitation.locale)
    copy = _COPY[locale]
    values = {
        "client": _one_line(invitation.client_name),
        "first_name": _one_line(invitation.first_name),
        "email": invitation.email.strip(),
        "expires": _date(invitation.expires_at, locale),
    }
    return RenderedEmail(
        template=INVITATION,
        locale=locale,
        subject=copy["subject"].format(client=values["client"]),
        text=_text(copy, values, invitation.accept_url),
        html=_html(copy, {k: escape(v) for k, v in values.items()}, escape(invitation.accept_url, quote=True)),
    )


def _text(copy: dict, values: dict, link: str) -> str:
    steps = "\n".join(f"{n}. {step.format(**values)}" for n, step in enumerate(copy["steps"], 1))
    return (
        f"{copy['greeting'].format(**values)}\n\n"
        f"{copy['intro'].format(**values)}\n\n"
        f"{copy['login']} {values['email']}\n\n"
        f"{copy['open']}\n{link}\n\n"
        f"{copy['expiry'].format(**values)}\n\n"
        f"{copy['next']}\n{steps}\n\n"
        f"{copy['spam']}\n\n"
        f"{copy['ignore']}\n\n"
        f"{copy['signature']}\n"
    )


def _html(copy: dict, values: dict, link: str) -> str:
    steps = "".join(f"<li>{step.format(**values)}</li>" for step in copy["steps"])
    button = (
        "display:inline-block;padding:12px 20px;background:#1f5eff;color:#ffffff;"
        "text-decoration:none;border-radius:4px;font-weight:bold"
    )
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>'
        '<body style="font-family:Arial,Helvetica,sans-serif;color:#222222;line-height:1.5">\n'
        f"<p>{copy['greeting'].format(**values)}</p>\n"
        f"<p>{copy['intro'].format(**values)}</p>\n"
        f"<p>{escape(copy['login'])} <strong>{values['email']}</strong></p>\n"
        f'<p><a href="{link}" style="{button}">{escape(copy["accept"])}</a></p>\n'
        f'<p style="font-size:13px">{link}</p>\n'
        f"<p>{copy['expiry'].format(**values)}</p>\n"
        f"<p>{escape(copy['next'])}</p>\n<ol>{steps}</ol>\n"
        f"<p>{escape(copy['spam'])}</p>\n"
        f'<p style="color:#666666;font-size:13px">{escape(copy["ignore"])}</p>\n'
        f"<p>{escape(copy['signature'])}</p>\n"
        "</body></html>\n"
    )


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _date(moment: datetime, locale: str) -> str:
    moment = moment.astimezone(UTC)
    return _COPY[locale]["date"].format(
        month=_MONTHS[locale][moment.month - 1], day=moment.day, year=moment.year, time=moment.strftime("%H:%M")
    )


POSTBACK_ENDPOINT_DISABLED = "postback_endpoint_disabled"


@dataclass(frozen=True)
class EndpointDisabled:
    first_name: str
    url: str
    reason: str


def render_endpoint_disabled(notice: EndpointDisabled) -> RenderedEmail:
    """Tells a client admin that one of their postback endpoints was disabled (English)."""
    first_name, url, reason = _one_line(notice.first_name), _one_line(notice.url), _one_line(notice.reason)
    text = (
        f"Hello {first_name},\n\n"
        f"Storefronts disabled your postback endpoint {url}: it kept failing.\n\n"
        f"{reason}\n\n"
        "Order updates are no longer sent to it. Once your receiver works again, enable the endpoint and "
        "replay the failed deliveries from its delivery log.\n\n"
        "The Storefronts team\n"
    )
    html = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>'
        '<body style="font-family:Arial,Helvetica,sans-serif;color:#222222;line-height:1.5">\n'
        f"<p>Hello {escape(first_name)},</p>\n"
        f"<p>Storefronts disabled your postback endpoint <strong>{escape(url)}</strong>: it kept failing.</p>\n"
        f"<p>{escape(reason)}</p>\n"
        "<p>Order updates are no longer sent to it. Once your receiver works again, enable the endpoint and "
        "replay the failed deliveries from its delivery log.</p>\n"
        "<p>The Storefronts team</p>\n</body></html>\n"
    )
    return RenderedEmail(
        template=POSTBACK_ENDPOINT_DISABLED,
        locale=DEFAULT_LOCALE,
        subject="Your postback endpoint was disabled",
        text=text,
        html=html,
    )
