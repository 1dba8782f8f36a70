"""HTTP routes of the notifier: the email delivery log. Thin: parse, call a handler, shape."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from notifier import handlers
from notifier.commands import ListEmails
from notifier.entrypoints.schemas import EmailList, EmailPublic
from service_runtime.auth import Principal, require_roles

router = APIRouter(prefix="/emails", tags=["emails"])


def get_uow(request: Request):
    return request.app.state.runtime.uow()


UowDep = Annotated[object, Depends(get_uow)]
Viewer = Annotated[Principal, Depends(require_roles("operator", "admin"))]


@router.get("", response_model=EmailList)
async def list_emails(
    uow: UowDep,
    viewer: Viewer,
    client_id: Annotated[str | None, Query(max_length=64)] = None,
    to: Annotated[str | None, Query(max_length=320, description="Recipient address, any case")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
):
    """The emails sent or waiting to be sent, newest first, with their delivery state.
    Operators see all clients; a client admin sees only their own client's emails."""
    emails = await handlers.list_emails(ListEmails(client_id=client_id, to=to, limit=limit), viewer=viewer, uow=uow)
    return EmailList(items=[EmailPublic.of(e) for e in emails])
