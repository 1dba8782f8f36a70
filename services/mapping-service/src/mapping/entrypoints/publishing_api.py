"""HTTP routes to create a product from the catalog and publish it to a shop."""

from fastapi import APIRouter, Request, status

from mapping.domain.errors import ReportedProblems
from mapping.domain.mappings import DesignFile
from mapping.domain.publishing import VariantToPublish
from mapping.entrypoints.deps import MAY_CHANGE_MAPPINGS, RuntimeDep, Services, UowDep
from mapping.entrypoints.mappings_api import actor_of
from mapping.entrypoints.schemas import FromTemplate, PublishProduct, PublishRequestPublic
from mapping.entrypoints.store_products_api import viewer_of
from mapping.handlers import publishing as handlers
from mapping.handlers import templates as template_handlers
from mapping.ports import UnitOfWork
from service_runtime.auth import CurrentPrincipal, Principal
from service_runtime.problems import problem_responses
from service_runtime.translated_problems import request_locale

router = APIRouter(prefix="/stores/{store_id}/publish-requests", tags=["publishing"])


async def _publish(
    store_id: str, body: PublishProduct, request: Request, uow: UnitOfWork, runtime: Services, principal: Principal
) -> PublishRequestPublic:
    variants = [
        VariantToPublish(
            sku=v.sku.strip(),
            title=v.title.strip(),
            options=v.options,
            price=v.price,
            product_uid=v.product_uid.strip(),
            files=tuple(DesignFile(f.type.strip().lower(), f.url.strip()) for f in v.print_files),
            print_options=v.print_options,
        )
        for v in body.variants
    ]
    try:
        created = await handlers.request_publish(
            store_id,
            title=body.title.strip(),
            description=body.description,
            currency=body.currency,
            tags=body.tags,
            image_urls=body.image_urls,
            variants=variants,
            actor=actor_of(principal),
            uow=uow,
            design_files=runtime.design_files,
            clock=runtime.clock,
            concurrency=runtime.settings.design_file_concurrency,
        )
    except ReportedProblems as error:
        raise error.in_locale(request_locale(request)) from None
    return PublishRequestPublic.of(created)


@router.post(
    "",
    dependencies=MAY_CHANGE_MAPPINGS,
    status_code=status.HTTP_202_ACCEPTED,
    response_model=PublishRequestPublic,
    responses=problem_responses(
        403, 404, 422, **{"422": "A variant is refused: `errors` names each variant (by SKU) and design file"}
    ),
)
async def publish(
    store_id: str, body: PublishProduct, request: Request, uow: UowDep, runtime: RuntimeDep, principal: CurrentPrincipal
) -> PublishRequestPublic:
    """Create a product in the shop from catalog products: title, options, price and design
    files per variant, checked like a connection. The connector creates it; once the shop has
    it, its variants are listed and mapped without a second step (GET this request's status)."""
    return await _publish(store_id, body, request, uow, runtime, principal)


@router.post(
    "/from-template/{template_id}",
    dependencies=MAY_CHANGE_MAPPINGS,
    status_code=status.HTTP_202_ACCEPTED,
    response_model=PublishRequestPublic,
    responses=problem_responses(403, 404, 422),
)
async def publish_from_template(
    store_id: str,
    template_id: str,
    body: FromTemplate,
    request: Request,
    uow: UowDep,
    runtime: RuntimeDep,
    principal: CurrentPrincipal,
) -> PublishRequestPublic:
    """Create a product from a saved template of the client (its title may be replaced), as above."""
    template = await template_handlers.get_template(template_id, viewer=viewer_of(principal), uow=uow)
    product = PublishProduct.model_validate(template.product)
    if body.title:
        product = product.model_copy(update={"title": body.title})
    return await _publish(store_id, product, request, uow, runtime, principal)


@router.get("/{publish_request_id}", response_model=PublishRequestPublic, responses=problem_responses(404))
async def get_publish_request(
    store_id: str, publish_request_id: str, uow: UowDep, principal: CurrentPrincipal
) -> PublishRequestPublic:
    """Where a publish request stands: requested, then published (with the shop's product id) or failed (with why)."""
    found = await handlers.get_publish_request(store_id, publish_request_id, viewer_of(principal), uow=uow)
    return PublishRequestPublic.of(found)
