"""A real SMTP server for development and tests that keeps every message it receives.

Each message is written to ``<maildir>/<UTC timestamp>-<random>.eml`` (the raw message as
received, preceded by ``X-Catcher-Mail-From`` / ``X-Catcher-Rcpt-To`` headers that record the
SMTP envelope), and one line per message (from, to, subject) is logged.
Files appear atomically (written to ``.tmp`` then renamed), so a test may poll the directory.

Undeliverable addresses on demand: a recipient at the domain ``refuse.example`` (e.g.
``nobody@refuse.example``; ``.example`` is reserved by RFC 2606, so no real mailbox lives
there, and address checks still accept it, unlike ``.invalid``) is refused at ``RCPT TO``
with ``550 5.1.1 mailbox unavailable``, as a real server refuses an unknown mailbox. Use it
to see a delivery end as failed.

From a shell (``deploy/smtp.sh`` does this)::

    .venv/bin/python deploy/smtp_catcher.py --host 127.0.0.1 --port 2525 --maildir var/run/mail

From Python tests::

    controller = await start_catcher("127.0.0.1", 0, tmp_path)   # port 0: any free port
    ... controller.port ...
    await stop_catcher(controller)
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import logging
import os
import secrets
import signal
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger("smtp_catcher")


REFUSED_DOMAIN = "refuse.example"


class MaildirHandler:
    """aiosmtpd handler that stores each message as an .eml file in ``maildir`` and refuses
    recipients at ``REFUSED_DOMAIN`` with a permanent 550."""

    def __init__(self, maildir: str | os.PathLike[str]) -> None:
        self.maildir = Path(maildir)
        self.maildir.mkdir(parents=True, exist_ok=True)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address.rpartition("@")[2].lower() == REFUSED_DOMAIN:
            log.info("refused rcpt=%s", address)
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        rcpts = ", ".join(envelope.rcpt_tos)
        header = (f"X-Catcher-Mail-From: {envelope.mail_from}\r\nX-Catcher-Rcpt-To: {rcpts}\r\n").encode(
            "utf-8", "replace"
        )
        path = self._write(header + content)
        subject = email.message_from_bytes(content, policy=email.policy.default).get("Subject", "")
        log.info("mail from=%s to=%s subject=%r file=%s", envelope.mail_from, rcpts, str(subject), path.name)
        return "250 Message accepted for delivery"

    def _write(self, data: bytes) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        path = self.maildir / f"{stamp}-{secrets.token_hex(4)}.eml"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        return path


class _Controller(Controller):
    """Controller that reports the port actually bound (useful with port 0)."""

    def _trigger_server(self) -> None:
        if self.port == 0 and self.server is not None:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


async def start_catcher(host: str, port: int, maildir: str | os.PathLike[str]) -> Controller:
    """Start the catcher in a background thread; returns the running aiosmtpd Controller.

    ``controller.hostname`` / ``controller.port`` give the address (port 0 picks a free one);
    ``controller.handler.maildir`` is where messages land. Stop it with ``stop_catcher``.
    """
    controller = _Controller(MaildirHandler(maildir), hostname=host, port=port)
    await asyncio.to_thread(controller.start)
    return controller


async def stop_catcher(controller: Controller) -> None:
    await asyncio.to_thread(controller.stop)


async def _serve(host: str, port: int, maildir: str) -> None:
    controller = await start_catcher(host, port, maildir)
    log.info("listening on %s:%s, writing mail to %s", controller.hostname, controller.port, os.path.abspath(maildir))
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    await stopping.wait()
    await stop_catcher(controller)
    log.info("stopped")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SMTP_PORT", "2525")))
    parser.add_argument("--maildir", default="var/run/mail")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-connection chatter
    asyncio.run(_serve(args.host, args.port, args.maildir))


if __name__ == "__main__":
    main()
