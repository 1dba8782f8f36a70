"""What the routes get from the runtime and the request."""

from typing import Annotated, Any

from fastapi import Depends, Request

from connector.domain.access import Viewer
from service_runtime.auth import CurrentPrincipal


def get_uow(request: Request) -> Any:
    return request.app.state.runtime.uow()


def get_services(request: Request) -> Any:
    return request.app.state.connector


async def current_viewer(principal: CurrentPrincipal) -> Viewer:
    return Viewer(role=principal.role, client_id=principal.client_id, store_ids=principal.store_ids)


UowDep = Annotated[Any, Depends(get_uow)]
ServicesDep = Annotated[Any, Depends(get_services)]
ViewerDep = Annotated[Viewer, Depends(current_viewer)]
