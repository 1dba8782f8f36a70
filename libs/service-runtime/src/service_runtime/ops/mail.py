"""The invitation link of a mail the SMTP catcher stored (deploy/smtp.sh: one .eml per mail),
decoded from its MIME parts (quoted-printable turns ``=`` into ``=3D`` and wraps lines)."""

import re
from email import policy
from email.parser import BytesParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

LINK = re.compile(r"https?://[^\s\"'<>]*/invitations/[^\s\"'<>]*")


class NoInvitation(LookupError):
    """No stored mail (to that address) holds an invitation link."""


def invitation_link(maildir: Path, to: str | None = None) -> str:
    """The link of the newest mail (to ``to``, when given) that holds one."""
    for path in sorted(maildir.glob("*.eml"), key=lambda p: (p.stat().st_mtime, p.name), reverse=True):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        if to is not None and to.lower() not in str(message.get("To", "")).lower():
            continue
        for part in message.walk():
            if part.get_content_maintype() == "text":
                found = LINK.search(part.get_content())
                if found:
                    return found.group(0).replace("&amp;", "&")
    raise NoInvitation(f"no mail{' to ' + to if to else ''} with an invitation link in {maildir}")


def token_of(link: str) -> str:
    """The invitation token, from the link's fragment or query (``token=...``)."""
    parts = urlsplit(link)
    for section in (parts.fragment, parts.query):
        values = parse_qs(section).get("token")
        if values:
            return values[0]
    raise NoInvitation(f"the link {link} holds no token")
