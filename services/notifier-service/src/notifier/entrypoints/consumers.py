"""Kafka subscribers of the notifier. Thin: hand the event to a handler; delivery wakes once it committed."""

from notifier import handlers
from storefront_events import ACCESS_V1, UserInvited

GROUP = "notifier-service"


def register_consumers(runtime) -> None:
    """``runtime`` is the NotifierRuntime: its event router, clock and email delivery."""

    @runtime.events.on(ACCESS_V1, group=GROUP, events=(UserInvited,))
    async def on_user_invited(event: UserInvited, *, uow) -> None:
        """Queues the invitation email of an invited (or re-invited) user."""
        if await handlers.queue_invitation_email(event, uow=uow, clock=runtime.clock, unseal=runtime.unseal):
            uow.after_commit(runtime.delivery.wake)  # the email row is visible once the batch commits
