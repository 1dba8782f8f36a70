"""What the routes get from the runtime, and who may call them."""

from typing import Annotated

from fastapi import Depends, Request

from access.domain import ClientNotFound
from service_runtime.auth import CurrentPrincipal, Principal, Role
from service_runtime.problems import Forbidden


def get_runtime(request: Request):
    return request.app.state.runtime


def get_uow(request: Request):
    return request.app.state.runtime.uow()


RuntimeDep = Annotated[object, Depends(get_runtime)]
UowDep = Annotated[object, Depends(get_uow)]


def client_scope(*roles: Role):
    """Anything under /clients/{client_id}: a principal of another client gets the same 404 as
    for an unknown client (never the data, nor a hint it exists); then the role must be one of ``roles``."""

    async def check(client_id: str, principal: CurrentPrincipal) -> Principal:
        if not principal.can_see_client(client_id):
            raise ClientNotFound("client_not_found", client_id=client_id)
        if principal.role not in roles:
            raise Forbidden(f"The role '{principal.role}' may not do this.")
        return principal

    return check


OperatorOfClient = Depends(client_scope("operator"))
AdminOfClient = Depends(client_scope("admin"))
AdminOrOperator = Depends(client_scope("admin", "operator"))
