"""Sends emails to the configured SMTP server with aiosmtplib."""

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import aiosmtplib

from notifier.domain import DeliveryFailed, Email
from notifier.settings import NotifierSettings


class SmtpMailer:
    def __init__(self, settings: NotifierSettings) -> None:
        self._settings = settings
        self._domain = parseaddr(settings.smtp_from)[1].rpartition("@")[2] or "storefronts.example"

    def message(self, email: Email) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._settings.smtp_from
        message["To"] = Address(addr_spec=email.to)
        message["Subject"] = email.subject
        message["Date"] = format_datetime(email.created_at)
        # The same id on every attempt: a server (or the recipient's client) sees a re-send
        # after a crash between "sent" and "marked sent" as the same message.
        message["Message-ID"] = f"<{email.id}@{self._domain}>"
        message.set_content(email.text_body or "")
        message.add_alternative(email.html_body or "", subtype="html")
        message["Content-Language"] = email.locale  # after set_content, which drops Content-* headers
        return message

    async def send(self, email: Email) -> None:
        settings = self._settings
        try:
            message = self.message(email)
        except (ValueError, TypeError) as error:  # e.g. an address no header can hold
            raise DeliveryFailed(f"Unusable message: {error}") from error
        try:
            await aiosmtplib.send(
                message,
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_username or None,
                password=settings.smtp_password.get_secret_value() or None,
                start_tls=settings.smtp_starttls,
                timeout=settings.smtp_timeout_seconds,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = [refused.code for refused in error.recipients]
            reason = "; ".join(f"{refused.code} {refused.message}" for refused in error.recipients)
            raise DeliveryFailed(
                f"Recipient refused: {reason}", permanent=all(code >= 500 for code in codes)
            ) from error
        except aiosmtplib.SMTPResponseException as error:
            raise DeliveryFailed(
                f"{type(error).__name__}: {error.code} {error.message}", permanent=error.code >= 500
            ) from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise DeliveryFailed(f"{type(error).__name__}: {error}") from error
