"""Templates: a configured product a client saves, to create products from it again. A
template belongs to its client; it is checked in full when a product is published from it."""

import uuid

from mapping.domain.catalog import clean_title
from mapping.domain.errors import MayNotChangeMappings, TemplateNotFound
from mapping.domain.publishing import ProductTemplate
from mapping.domain.store_products import Viewer
from mapping.ports import Clock, UnitOfWork


async def save_template(
    name: str, product: dict[str, object], *, viewer: Viewer, subject: str, uow: UnitOfWork, clock: Clock
) -> ProductTemplate:
    if not viewer.may_change_mappings or viewer.client_id is None:
        raise MayNotChangeMappings("role_may_not_map")
    template = ProductTemplate(
        template_id=str(uuid.uuid4()),
        client_id=viewer.client_id,
        name=clean_title(name),
        product=product,
        created_by=subject,
        created_at=clock.now(),
    )
    async with uow:
        uow.templates.add(template)
        await uow.commit()
    return template


async def list_templates(client_id: str, *, viewer: Viewer, uow: UnitOfWork) -> list[ProductTemplate]:
    if viewer.role != "operator" and viewer.client_id != client_id:
        return []
    async with uow:
        return await uow.templates.of_client(client_id)


async def get_template(template_id: str, *, viewer: Viewer, uow: UnitOfWork) -> ProductTemplate:
    async with uow:
        template = await uow.templates.get(template_id)
    if template is None or (viewer.role != "operator" and viewer.client_id != template.client_id):
        raise TemplateNotFound("template_not_found", template_id=template_id)
    return template
