"""Composition root: settings → runtime (database, Kafka, outbox relay) + email delivery."""

from notifier.adapters.clock import SystemClock
from notifier.adapters.db import BODIES_BOX, MIGRATIONS, NotifierUnitOfWork
from notifier.adapters.smtp import SmtpMailer
from notifier.delivery import EmailDelivery
from notifier.domain import InvalidInvitation, RetryPolicy
from notifier.entrypoints.consumers import register_consumers
from notifier.ports import Clock, Mailer
from notifier.settings import NotifierSettings
from service_runtime.runtime import Runtime
from service_runtime.secrets import SecretBox, SecretDecryptionError


class NotifierRuntime(Runtime):
    """The shared runtime plus the email delivery task, started after it and stopped before it."""

    def __init__(self, settings: NotifierSettings, *, mailer: Mailer, clock: Clock) -> None:
        super().__init__(settings, migrations=MIGRATIONS, unit_of_work=NotifierUnitOfWork)
        self.sessions.configure(info={**self.sessions.kw.get("info", {}), BODIES_BOX: self.secrets})
        self.clock = clock
        self.delivery = EmailDelivery(
            self.uow,
            mailer,
            clock,
            policy=RetryPolicy(
                settings.retry_base_seconds, settings.retry_max_seconds, settings.permanent_failure_attempts
            ),
            sweep_seconds=settings.sweep_seconds,
        )
        self._delivery_enabled = settings.delivery_enabled
        invitation_keys = [key.get_secret_value() for key in settings.invitation_keys]
        self._invitation_box = SecretBox(invitation_keys) if invitation_keys else None

    def unseal(self, sealed_link: str) -> str:
        """Opens an invitation link access sealed for the notifier (STOREFRONTS_INVITATION_KEYS)."""
        if self._invitation_box is None:
            raise InvalidInvitation(
                "The invitation link is sealed and STOREFRONTS_INVITATION_KEYS is not set.", field="sealed_accept_url"
            )
        try:
            return self._invitation_box.decrypt(sealed_link)
        except SecretDecryptionError as error:
            raise InvalidInvitation(
                "The invitation link cannot be opened with STOREFRONTS_INVITATION_KEYS.", field="sealed_accept_url"
            ) from error

    async def start(self) -> None:
        if self._invitation_box is None:
            raise RuntimeError(
                "STOREFRONTS_INVITATION_KEYS (a JSON list of Fernet keys, shared with the access "
                "service alone) is required: invitation links arrive sealed for the notifier"
            )
        await super().start()
        if self._delivery_enabled:
            self.delivery.start()

    async def stop(self) -> None:
        await self.delivery.stop()
        await super().stop()


def build(settings: NotifierSettings, *, mailer: Mailer | None = None, clock: Clock | None = None) -> NotifierRuntime:
    runtime = NotifierRuntime(settings, mailer=mailer or SmtpMailer(settings), clock=clock or SystemClock())
    register_consumers(runtime)
    return runtime
