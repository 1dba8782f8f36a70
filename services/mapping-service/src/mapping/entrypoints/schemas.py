"""Request and response bodies of the mapping service's HTTP API."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from mapping.domain.catalog import CatalogProduct, PrintSpec
from mapping.domain.imports import ImportJob
from mapping.domain.mappings import Mapping
from mapping.domain.publishing import ProductTemplate, PublishRequest
from mapping.domain.store_products import StoreVariant
from service_runtime.messages import Catalog

# -- catalog -------------------------------------------------------------------------------


class PrintSpecBody(BaseModel):
    formats: list[str] = Field(
        min_length=1, max_length=10, description="Accepted design formats: png, jpeg, pdf, tiff, svg"
    )
    min_dpi: int = Field(description="Minimum resolution of a raster design at print size")
    width_mm: float = Field(description="Print area width")
    height_mm: float = Field(description="Print area height")
    bleed_mm: float = 0.0
    print_files: list[str] = Field(
        default=["default"], min_length=1, max_length=10, description="Print file names, e.g. front, back"
    )

    def spec(self) -> PrintSpec:
        return PrintSpec(
            formats=tuple(self.formats),
            min_dpi=self.min_dpi,
            width_mm=self.width_mm,
            height_mm=self.height_mm,
            bleed_mm=self.bleed_mm,
            print_files=tuple(self.print_files),
        )

    @classmethod
    def of(cls, spec: PrintSpec) -> "PrintSpecBody":
        return cls(
            formats=list(spec.formats),
            min_dpi=spec.min_dpi,
            width_mm=spec.width_mm,
            height_mm=spec.height_mm,
            bleed_mm=spec.bleed_mm,
            print_files=list(spec.print_files),
        )


class CatalogProductCreate(BaseModel):
    product_uid: str = Field(max_length=200, examples=["apparel_tshirt-gildan-5000_m_white"])
    title: str = Field(max_length=400)
    attributes: dict[str, str] = Field(default={}, max_length=20, examples=[{"size": "M", "colour": "White"}])
    print_spec: PrintSpecBody

    def spec(self) -> PrintSpec:
        return self.print_spec.spec()


class CatalogProductUpdate(BaseModel):
    title: str | None = Field(default=None, max_length=400)
    attributes: dict[str, str] | None = Field(default=None, max_length=20)
    print_spec: PrintSpecBody | None = None
    active: bool | None = None


class CatalogProductPublic(BaseModel):
    product_uid: str
    product_type: str
    title: str
    attributes: dict[str, str]
    print_spec: PrintSpecBody
    active: bool
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, p: CatalogProduct) -> "CatalogProductPublic":
        return cls(
            product_uid=p.uid,
            product_type=p.product_type,
            title=p.title,
            attributes=p.attributes,
            print_spec=PrintSpecBody.of(p.spec),
            active=p.active,
            created_at=p.created_at,
            updated_at=p.updated_at,
        )


class CatalogPage(BaseModel):
    items: list[CatalogProductPublic]
    next_cursor: str | None


class CatalogImportReport(BaseModel):
    rows: int
    added: int
    changed: int


# -- store products and mappings -----------------------------------------------------------


class PrintFileBody(BaseModel):
    type: str = Field(
        default="default", max_length=40, description="The catalog product's print file: front, back, ..."
    )
    url: str = Field(max_length=2000)


class MappingPublic(BaseModel):
    mapping_id: str
    product_uid: str
    print_files: list[PrintFileBody]
    print_options: dict[str, str]
    state: Literal["mapped", "broken"]
    broken_reason: str | None
    source: str
    updated_at: datetime
    updated_by: str

    @classmethod
    def of(cls, m: Mapping) -> "MappingPublic":
        return cls(
            mapping_id=m.mapping_id,
            product_uid=m.product_uid,
            print_files=[PrintFileBody(type=f.print_file, url=f.url) for f in m.files],
            print_options=m.print_options,
            state=m.state,
            broken_reason=m.broken_reason,
            source=m.source,
            updated_at=m.updated_at,
            updated_by=m.updated_by,
        )


class StoreVariantPublic(BaseModel):
    platform_product_id: str
    platform_variant_id: str
    product_title: str
    product_status: str | None
    variant_title: str | None
    sku: str | None
    options: dict[str, str]
    removed: bool
    mapping_state: Literal["mapped", "unmapped", "broken"]
    mapping: MappingPublic | None

    @classmethod
    def of(cls, v: StoreVariant, m: Mapping | None) -> "StoreVariantPublic":
        return cls(
            platform_product_id=v.platform_product_id,
            platform_variant_id=v.platform_variant_id,
            product_title=v.product_title,
            product_status=v.product_status,
            variant_title=v.variant_title,
            sku=v.sku,
            options=v.options,
            removed=v.removed,
            mapping_state=m.state if m else "unmapped",
            mapping=MappingPublic.of(m) if m else None,
        )


class StoreProductsPage(BaseModel):
    items: list[StoreVariantPublic]
    next_cursor: str | None


class VariantChoiceBody(BaseModel):
    platform_variant_id: str = Field(max_length=100)
    product_uid: str = Field(max_length=200)
    print_files: list[PrintFileBody] = Field(max_length=10)
    print_options: dict[str, str] = Field(default={}, max_length=20)


class ConnectProduct(BaseModel):
    variants: list[VariantChoiceBody] = Field(min_length=1, max_length=500)


class ConnectedProduct(BaseModel):
    platform_product_id: str
    variants: list[StoreVariantPublic]


class MappingChange(BaseModel):
    platform_variant_id: str
    mapping_id: str
    action: str = Field(description="mapped, remapped, unmapped or broken")
    actor: str = Field(description="The user's id, or 'sync' when the shop changed under the mapping")
    at: datetime
    before: dict[str, object] | None
    after: dict[str, object] | None


class RowError(BaseModel):
    line: int
    column: str
    code: str
    detail: str


class ImportJobPublic(BaseModel):
    job_id: str
    store_id: str
    status: Literal["checking", "done", "failed"]
    all_or_nothing: bool
    total_rows: int = Field(description="Rows naming a product_uid (rows left empty are not counted)")
    checked_rows: int
    applied: int = Field(description="Variants mapped or remapped")
    unchanged: int = Field(description="Rows that named the mapping already held")
    refused: int = Field(description="Rows refused (see errors)")
    errors: list[RowError]
    failure: str | None
    created_by: str
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, job: ImportJob, locale: str, catalog: Catalog) -> "ImportJobPublic":
        errors = []
        for e in job.errors:
            values = e.get("values")
            errors.append(
                RowError(
                    line=int(str(e["line"])),
                    column=str(e["column"]),
                    code=str(e["code"]),
                    detail=catalog.render(str(e["code"]), locale, values if isinstance(values, dict) else {}),
                )
            )
        return cls(
            job_id=job.job_id,
            store_id=job.store_id,
            status=job.status,
            all_or_nothing=job.all_or_nothing,
            total_rows=job.total_rows,
            checked_rows=job.checked_rows,
            applied=job.applied,
            unchanged=job.unchanged,
            refused=job.refused,
            errors=errors,
            failure=job.failure,
            created_by=job.created_by,
            created_at=job.created_at,
            finished_at=job.finished_at,
        )


class VariantToPublishBody(BaseModel):
    sku: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=200, examples=["M / White"])
    options: dict[str, str] = Field(default={}, max_length=10, examples=[{"Size": "M", "Colour": "White"}])
    price: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    product_uid: str = Field(max_length=200)
    print_files: list[PrintFileBody] = Field(min_length=1, max_length=10)
    print_options: dict[str, str] = Field(default={}, max_length=20)


class PublishProduct(BaseModel):
    title: str = Field(min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=20000)
    currency: str = Field(pattern=r"^[A-Z]{3}$", examples=["EUR"])
    tags: list[str] = Field(default=[], max_length=50)
    image_urls: list[str] = Field(default=[], max_length=20, description="Mock-up images for the shop")
    variants: list[VariantToPublishBody] = Field(min_length=1, max_length=100)


class PublishRequestPublic(BaseModel):
    publish_request_id: str
    store_id: str
    title: str
    status: Literal["requested", "published", "failed"]
    platform_product_id: str | None
    product_url: str | None
    created_at: datetime
    published_at: datetime | None
    failure_reason: str | None = Field(
        default=None, description="Why the shop did not create it (failed): platform_refused, store_disconnected, ..."
    )
    failure_detail: str | None = Field(default=None, description="What the shop said, in words")
    failed_at: datetime | None = None

    @classmethod
    def of(cls, r: PublishRequest) -> "PublishRequestPublic":
        return cls(
            publish_request_id=r.publish_request_id,
            store_id=r.store_id,
            title=r.title,
            status=r.status,
            platform_product_id=r.platform_product_id,
            product_url=r.product_url,
            created_at=r.created_at,
            published_at=r.published_at,
            failure_reason=r.failure_reason,
            failure_detail=r.failure_detail,
            failed_at=r.failed_at,
        )


class TemplateCreate(BaseModel):
    name: str = Field(max_length=400)
    product: PublishProduct


class TemplatePublic(BaseModel):
    template_id: str
    client_id: str
    name: str
    product: PublishProduct
    created_by: str
    created_at: datetime

    @classmethod
    def of(cls, t: ProductTemplate) -> "TemplatePublic":
        return cls(
            template_id=t.template_id,
            client_id=t.client_id,
            name=t.name,
            product=PublishProduct.model_validate(t.product),
            created_by=t.created_by,
            created_at=t.created_at,
        )


class FromTemplate(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=255, description="Instead of the template's title")
