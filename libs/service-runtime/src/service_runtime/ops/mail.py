"""The invitation link of a mail the SMTP catcher stored (deploy/smtp.sh: one .eml per mail),
decoded from its MIME parts (quoted-printable turns ``=`` into ``=3D`` and wraps lines)."""

import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

LINK = re.compile(r"https?://[^\s\"'<>]*/invitations/[^\s\"'<>]*")


class NoInvitation(LookupError):
    """No stored mail (to that address) holds an invitation link."""


def _stored(maildir: Path, *, newest_first: bool = False) -> list[Path]:
    return sorted(maildir.glob("*.eml"), key=lambda p: (p.stat().st_mtime, p.name), reverse=newest_first)


def _may_be_to(raw: bytes, to: str) -> bool:
    """False only when the mail cannot be addressed to ``to``: an ASCII address is never
    encoded in a To header, so it is in the raw bytes of any mail sent to it. Mails that pass
    are parsed in full (parsing every stored mail took seconds once the maildir held hundreds,
    and a test polling it held up the event loop its services run on)."""
    if not to.isascii():
        return True
    return to.lower().encode() in raw.lower()


def _addressed_to(message: object, to: str) -> bool:
    return isinstance(message, EmailMessage) and to.lower() in str(message.get("To", "")).lower()


def mails_to(maildir: Path, to: str) -> list[EmailMessage]:
    """Every stored mail addressed to ``to``, oldest first."""
    found = []
    for path in _stored(maildir):
        raw = path.read_bytes()
        if not _may_be_to(raw, to):
            continue
        message = BytesParser(policy=policy.default).parsebytes(raw)
        if isinstance(message, EmailMessage) and _addressed_to(message, to):
            found.append(message)
    return found


def link_in(message: EmailMessage) -> str | None:
    """The invitation link a mail holds, decoded, or None."""
    for part in message.walk():
        if part.get_content_maintype() == "text" and isinstance(part, EmailMessage):
            found = LINK.search(part.get_content())
            if found:
                return found.group(0).replace("&amp;", "&")
    return None


def invitation_link(maildir: Path, to: str | None = None) -> str:
    """The link of the newest mail (to ``to``, when given) that holds one."""
    for path in _stored(maildir, newest_first=True):
        raw = path.read_bytes()
        if to is not None and not _may_be_to(raw, to):
            continue
        message = BytesParser(policy=policy.default).parsebytes(raw)
        if to is not None and not _addressed_to(message, to):
            continue
        if isinstance(message, EmailMessage) and (link := link_in(message)):
            return link
    raise NoInvitation(f"no mail{' to ' + to if to else ''} with an invitation link in {maildir}")


def token_of(link: str) -> str:
    """The invitation token, from the link's fragment or query (``token=...``)."""
    parts = urlsplit(link)
    for section in (parts.fragment, parts.query):
        values = parse_qs(section).get("token")
        if values:
            return values[0]
    raise NoInvitation(f"the link {link} holds no token")
