"""Kafka subscribers of the notifier. Thin: hand the event to a handler; delivery wakes once it committed."""

from notifier import handlers, postback_handlers, store_attention
from storefront_events import (
    ACCESS_V1,
    ORDERS_V1,
    STORES_V1,
    OrderAccepted,
    OrderHeld,
    OrderStatusChanged,
    StorefrontAccessGranted,
    StoreNeedsAttention,
    UserInvited,
)

GROUP = "notifier-service"
CLIENT_ADMINS_GROUP = "notifier-service.client-admins"  # its own offsets: follows access.v1 from the start
STORES_GROUP = "notifier-service.stores"


def register_consumers(runtime) -> None:
    """``runtime`` is the NotifierRuntime: its event router, clock, email and postback delivery."""

    @runtime.events.on(ACCESS_V1, group=GROUP, events=(UserInvited,))
    async def on_user_invited(event: UserInvited, *, uow) -> None:
        """Queues the invitation email of an invited (or re-invited) user."""
        if await handlers.queue_invitation_email(event, uow=uow, clock=runtime.clock, unseal=runtime.unseal):
            uow.after_commit(runtime.delivery.wake)  # the email row is visible once the batch commits

    @runtime.events.on(ACCESS_V1, group=CLIENT_ADMINS_GROUP, events=(StorefrontAccessGranted,))
    async def keep_client_admin(event: StorefrontAccessGranted, *, uow) -> None:
        """Remembers each client's admin: mailed when a postback endpoint of the client is disabled."""
        await postback_handlers.keep_client_admin(event, uow=uow)

    @runtime.events.on(ORDERS_V1, group=GROUP, events=(OrderAccepted, OrderHeld, OrderStatusChanged), batch=True)
    async def on_order_events(events, *, uow) -> None:
        """Queues the postbacks of a batch of order events (set-based, one transaction)."""
        if await postback_handlers.record_order_updates(events, uow=uow, clock=runtime.clock):
            uow.after_commit(runtime.postback_delivery.wake)

    @runtime.events.on(STORES_V1, group=STORES_GROUP, events=(StoreNeedsAttention,))
    async def on_store_needs_attention(event: StoreNeedsAttention, *, uow) -> None:
        """Mails the client's admin that a store needs reconnecting (once per event)."""
        if await store_attention.mail_store_needs_attention(event, uow=uow, now=runtime.clock.now()):
            uow.after_commit(runtime.delivery.wake)
