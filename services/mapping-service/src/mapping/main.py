"""``python -m mapping`` or ``uvicorn mapping.main:create_app --factory``."""

from fastapi import FastAPI

from mapping.bootstrap import build
from mapping.entrypoints.catalog_api import router as catalog_router
from mapping.entrypoints.mapping_import_api import router as mapping_import_router
from mapping.entrypoints.mappings_api import router as mappings_router
from mapping.entrypoints.publishing_api import router as publishing_router
from mapping.entrypoints.store_products_api import router as store_products_router
from mapping.entrypoints.templates_api import router as templates_router
from mapping.messages import CATALOG
from mapping.settings import MappingSettings
from service_runtime.http import create_api
from service_runtime.logging import configure_logging
from service_runtime.runtime import Runtime
from service_runtime.translated_problems import install_translated_problems


def create_app(settings: MappingSettings | None = None) -> FastAPI:
    settings = settings or MappingSettings()
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)

    async def build_runtime() -> Runtime:
        return build(settings)

    app = create_api(
        build_runtime,
        title="Mapping service",
        routers=[
            catalog_router,
            store_products_router,
            mapping_import_router,
            mappings_router,
            publishing_router,
            templates_router,
        ],
        description="The provider's catalog and the mapping of shop products to it. "
        "Problem details follow Accept-Language (en, fr).",
        body_limits={"/catalog/import": settings.import_max_bytes, "/stores/": settings.import_max_bytes},
    )
    install_translated_problems(app, CATALOG)
    return app
