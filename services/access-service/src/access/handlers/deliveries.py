"""The fate of invitation emails, as the notifier reports it."""

from access.ports import UnitOfWork
from storefront_events import EmailDeliveryFailed, EmailSent


async def record_email_delivery(event: EmailSent | EmailDeliveryFailed, *, uow: UnitOfWork) -> None:
    """EmailSent: the invitation is "sent" (the mail server has it), at the time the notifier
    says. EmailDeliveryFailed: the server refused it for good; the reason is kept for the
    operator. Emails that are not about an invitation of ours are ignored."""
    async with uow:
        invitation = await uow.invitations.by_event(event.caused_by_event_id)
        if invitation is not None:
            if isinstance(event, EmailSent):
                invitation = invitation.delivered(event.occurred_at)
            else:
                invitation = invitation.undeliverable(event.reason, event.occurred_at)
            await uow.invitations.put(invitation)
        await uow.commit()
