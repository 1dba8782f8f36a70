"""What the routes get from the runtime and the request."""

from typing import Annotated, Any

from fastapi import Depends, Request

from connector.domain.access import Viewer
from connector.domain.errors import NotAllowed
from service_runtime.auth import CurrentPrincipal


async def get_uow(request: Request) -> Any:
    """``async``: FastAPI runs a plain ``def`` dependency in its thread pool, a thread hop for
    every request (the webhooks' most of all)."""
    return request.app.state.runtime.uow()


async def get_services(request: Request) -> Any:
    return request.app.state.connector


async def current_viewer(principal: CurrentPrincipal) -> Viewer:
    return Viewer(role=principal.role, client_id=principal.client_id, store_ids=principal.store_ids)


UowDep = Annotated[Any, Depends(get_uow)]
ServicesDep = Annotated[Any, Depends(get_services)]
ViewerDep = Annotated[Viewer, Depends(current_viewer)]


#: Before the body is read: roles that may never do it are refused at once (403); the handler then
#: checks the store (its client, a Store manager's stores).
def _roles(*roles: str, key: str) -> Any:
    async def check(principal: CurrentPrincipal) -> None:
        if principal.role not in roles:
            raise NotAllowed(key, role=principal.role)

    return Depends(check)


AddsStores = _roles("operator", "admin", key="role_may_not_add_store")
ConnectsStores = _roles("operator", "admin", "store_manager", key="role_may_not_manage")
ManagesStores = _roles("operator", "admin", "store_manager", key="role_may_not_manage")
