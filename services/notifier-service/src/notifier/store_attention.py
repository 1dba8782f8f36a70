"""A store of the client needs attention (its connection broke and the connector could not
repair it): the client's admin is mailed, once per StoreNeedsAttention (the connector announces
one per break; the inbox drops a redelivered event). In English, like the other notices to admins."""

import uuid
from datetime import datetime
from html import escape

import structlog

from notifier import domain
from notifier.domain import RenderedEmail
from notifier.ports import UnitOfWork
from storefront_events import StoreNeedsAttention

log = structlog.get_logger()

STORE_NEEDS_ATTENTION = "store_needs_attention"
PLATFORM_NAMES = {"shopify": "Shopify", "woocommerce": "WooCommerce", "etsy": "Etsy", "pressero": "Pressero"}


def _one_line(value: str) -> str:
    return " ".join(value.split())


def render_store_needs_attention(*, first_name: str, store_name: str, platform: str, explanation: str) -> RenderedEmail:
    first_name, store_name, explanation = _one_line(first_name), _one_line(store_name), _one_line(explanation)
    shop = PLATFORM_NAMES.get(platform, platform)
    repair = (
        f"To repair it, sign in to Storefronts, open the store {store_name} and choose Reconnect: you approve "
        f"the connection in {shop} again. Orders placed meanwhile are fetched once it is reconnected; "
        "orders already received are never imported twice."
    )
    text = (
        f"Hello {first_name},\n\n"
        f"Your {shop} store {store_name} needs your attention: we no longer receive its orders.\n\n"
        f"{explanation}\n\n"
        f"{repair}\n\n"
        "The Storefronts team\n"
    )
    html = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>'
        '<body style="font-family:Arial,Helvetica,sans-serif;color:#222222;line-height:1.5">\n'
        f"<p>Hello {escape(first_name)},</p>\n"
        f"<p>Your {escape(shop)} store <strong>{escape(store_name)}</strong> needs your attention: "
        "we no longer receive its orders.</p>\n"
        f"<p>{escape(explanation)}</p>\n"
        f"<p>{escape(repair)}</p>\n"
        "<p>The Storefronts team</p>\n</body></html>\n"
    )
    return RenderedEmail(
        template=STORE_NEEDS_ATTENTION,
        locale="en",
        subject=f"Your store {store_name} needs attention",
        text=text,
        html=html,
    )


async def mail_store_needs_attention(event: StoreNeedsAttention, *, uow: UnitOfWork, now: datetime) -> bool:
    """Queues the email to the client's admin; False when the client has no admin to tell."""
    async with uow:
        admin = await uow.client_admins.get(event.client_id)
        if admin is None or not admin.enabled:
            log.warning("store_attention.no_admin_to_mail", client_id=event.client_id, store_id=event.store_id)
            return False
        rendered = render_store_needs_attention(
            first_name=admin.first_name, store_name=event.name, platform=event.platform, explanation=event.explanation
        )
        uow.emails.add(
            domain.new_email(
                str(uuid.uuid4()),
                rendered=rendered,
                client_id=event.client_id,
                to=admin.email,
                caused_by_event_id=str(event.event_id),
                now=now,
            )
        )
        await uow.commit()
    return True
