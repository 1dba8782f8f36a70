"""`python -m service_runtime.ops invitation-link` prints the link of the newest invitation
mail decoded (quoted-printable writes '=' as '=3D' and wraps long lines), whether the token is
in the query or the fragment."""

import os
import subprocess
import sys
from email.message import EmailMessage

LONG_TOKEN = "tok_" + "A1b2C3d4" * 8


def store(maildir, name: str, to: str, link: str) -> None:
    message = EmailMessage()
    message["To"], message["From"], message["Subject"] = to, "noreply@storefronts.example", "Invitation"
    message.set_content(f"Bonjour,\n\nActivez votre compte : {link}\n", cte="quoted-printable")
    message.add_alternative(f'<p><a href="{link}">Activer</a></p>', subtype="html", cte="quoted-printable")
    path = maildir / name
    path.write_bytes(bytes(message))
    assert b"=3D" in path.read_bytes()  # what a person pasting from the file would get wrong


def link(maildir, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "service_runtime.ops", "invitation-link", "--maildir", str(maildir), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ,
    )


def test_prints_the_newest_invitation_link_decoded(tmp_path):
    store(tmp_path, "20261130T010000Z-a.eml", "ada@acme.example", "http://127.0.0.1:8080/invitations/accept?token=old")
    store(
        tmp_path,
        "20261130T020000Z-b.eml",
        "bob@acme.example",
        f"http://127.0.0.1:8080/invitations/accept#token={LONG_TOKEN}",
    )
    os.utime(tmp_path / "20261130T010000Z-a.eml", (1, 1))
    newest = link(tmp_path)
    assert newest.stdout.strip() == f"http://127.0.0.1:8080/invitations/accept#token={LONG_TOKEN}"
    assert link(tmp_path, "--token").stdout.strip() == LONG_TOKEN
    assert link(tmp_path, "--to", "ada@acme.example", "--token").stdout.strip() == "old"


def test_says_so_when_no_mail_holds_a_link(tmp_path):
    answer = link(tmp_path)
    assert answer.returncode == 1 and "no mail with an invitation link" in answer.stderr
