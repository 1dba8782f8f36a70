"""HTTP routes of a client's product templates (create products from them under
/stores/{id}/publish-requests/from-template/{template_id})."""

from typing import Annotated

from fastapi import APIRouter, Query, status

from mapping.entrypoints.deps import RuntimeDep, UowDep
from mapping.entrypoints.schemas import TemplateCreate, TemplatePublic
from mapping.entrypoints.store_products_api import viewer_of
from mapping.handlers import templates as handlers
from service_runtime.auth import CurrentPrincipal
from service_runtime.problems import problem_responses

router = APIRouter(prefix="/product-templates", tags=["publishing"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=TemplatePublic, responses=problem_responses(403))
async def save_template(
    body: TemplateCreate, uow: UowDep, runtime: RuntimeDep, principal: CurrentPrincipal
) -> TemplatePublic:
    """Save a configured product (what a publish request takes) as a template of the caller's
    client. The client's admin and store managers only."""
    template = await handlers.save_template(
        body.name,
        body.product.model_dump(mode="json"),
        viewer=viewer_of(principal),
        subject=principal.subject,
        uow=uow,
        clock=runtime.clock,
    )
    return TemplatePublic.of(template)


@router.get("", response_model=list[TemplatePublic])
async def list_templates(
    uow: UowDep,
    principal: CurrentPrincipal,
    client_id: Annotated[str | None, Query(max_length=64, description="Operators: whose templates")] = None,
) -> list[TemplatePublic]:
    """The templates of the caller's client (operators name the client), by name."""
    wanted = client_id if principal.is_operator else principal.client_id
    if not wanted:
        return []
    found = await handlers.list_templates(wanted, viewer=viewer_of(principal), uow=uow)
    return [TemplatePublic.of(t) for t in found]


@router.get("/{template_id}", response_model=TemplatePublic, responses=problem_responses(404))
async def get_template(template_id: str, uow: UowDep, principal: CurrentPrincipal) -> TemplatePublic:
    return TemplatePublic.of(await handlers.get_template(template_id, viewer=viewer_of(principal), uow=uow))
