"""Composition root: settings → runtime (database, Kafka, outbox relay) + email delivery."""

from notifier.adapters.clock import SystemClock
from notifier.adapters.db import BODIES_BOX, MIGRATIONS, NotifierUnitOfWork
from notifier.adapters.smtp import SmtpMailer
from notifier.adapters.webhooks import HttpWebhookSender
from notifier.delivery import EmailDelivery
from notifier.domain import InvalidInvitation, RetryPolicy
from notifier.entrypoints.consumers import register_consumers
from notifier.ports import Clock, Mailer, WebhookSender
from notifier.postback_delivery import PostbackDelivery
from notifier.postbacks import RefusedUrl, RetrySchedule
from notifier.settings import NotifierSettings
from service_runtime.outbound import UnsafeUrl, check_url
from service_runtime.runtime import Runtime
from service_runtime.secrets import SecretBox, SecretDecryptionError


class NotifierRuntime(Runtime):
    """The shared runtime plus the email and postback delivery tasks, started after it and stopped before it."""

    def __init__(
        self, settings: NotifierSettings, *, mailer: Mailer, clock: Clock, sender: WebhookSender | None = None
    ) -> None:
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
        self.settings = settings
        self.https_required = settings.environment == "production"
        self.postback_delivery = PostbackDelivery(
            self.uow,
            sender
            or HttpWebhookSender(
                allow_private=settings.outbound_allow_private, timeout_seconds=settings.postback_timeout_seconds
            ),
            clock,
            schedule=RetrySchedule(
                tuple(settings.postback_retry_waits_seconds), settings.postback_disable_after_failures
            ),
            timeout_seconds=settings.postback_timeout_seconds,
            sweep_seconds=settings.postback_sweep_seconds,
            endpoint_concurrency=settings.postback_endpoint_concurrency,
            max_endpoints=settings.postback_max_endpoints_in_flight,
            on_endpoint_disabled=self.delivery.wake,
        )
        self._postbacks_enabled = settings.postbacks_enabled
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
        if self._postbacks_enabled:
            self.postback_delivery.start()

    async def url_guard(self, url: str) -> None:
        """Refuses a postback URL on a private, loopback or link-local host (unless allowed)."""
        try:
            await check_url(url, allow_private=self.settings.outbound_allow_private)
        except UnsafeUrl as error:
            values = dict(error.extensions)
            raise RefusedUrl(str(values.pop("code", error.detail)), field="url", **values) from error

    async def stop(self) -> None:
        await self.postback_delivery.stop()
        await self.delivery.stop()
        await super().stop()


def build(
    settings: NotifierSettings,
    *,
    mailer: Mailer | None = None,
    clock: Clock | None = None,
    sender: WebhookSender | None = None,
) -> NotifierRuntime:
    runtime = NotifierRuntime(
        settings, mailer=mailer or SmtpMailer(settings), clock=clock or SystemClock(), sender=sender
    )
    register_consumers(runtime)
    return runtime
