"""The refusals of the mapping service, said by key in the reader's language (messages.py)."""

from typing import Any

from mapping.messages import CATALOG
from service_runtime.errors import Conflict, Forbidden, NotFound
from service_runtime.messages import SaidByKey


class MappingError(SaidByKey):
    catalog = CATALOG


class InvalidCatalogProduct(MappingError):
    status = 422
    title = "Invalid catalog product"


class CatalogProductNotFound(MappingError, NotFound):
    title = "Catalog product not found"


class CatalogProductExists(MappingError, Conflict):
    title = "Catalog product already exists"


class InvalidCsv(MappingError):
    status = 422
    title = "Invalid CSV file"


class InvalidCursor(MappingError):
    status = 400
    title = "Invalid cursor"


class StoreNotFound(MappingError, NotFound):
    title = "Store not found"


class StoreProductNotFound(MappingError, NotFound):
    title = "Store product not found"


class ImportNotFound(MappingError, NotFound):
    title = "Import not found"


class PublishRequestNotFound(MappingError, NotFound):
    title = "Publish request not found"


class TemplateNotFound(MappingError, NotFound):
    title = "Template not found"


class MappingNotFound(MappingError, NotFound):
    title = "Mapping not found"


class MayNotChangeMappings(MappingError, Forbidden):
    title = "Forbidden"


class ReportedProblems(MappingError):
    """A refusal listing several problems in ``errors``, each as every service names a request's
    invalid fields (``location``, ``message`` in the reader's language, ``type`` its key), with
    what else names it (the variant and the file, the CSV line and column)."""

    def __init__(self, key: str, *, items: list[dict[str, object]], **values: object) -> None:
        self.items = items
        said: dict[str, Any] = {**values, "count": len(items)}
        super().__init__(key, extra={"errors": self._render("en")}, **said)

    def _render(self, locale: str) -> list[dict[str, object]]:
        rendered = []
        for item in self.items:
            values = item.get("values")
            code = str(item["code"])
            names = {k: v for k, v in item.items() if k not in ("values", "code", "location")}
            rendered.append(
                {
                    "location": item.get("location", ["body"]),
                    "message": self.catalog.render(code, locale, values if isinstance(values, dict) else {}),
                    "type": code,
                    **names,
                }
            )
        return rendered

    def in_locale(self, locale: str | None) -> "ReportedProblems":
        super().in_locale(locale)
        self.extensions["errors"] = self._render(self.locale or "en")
        return self


class CsvRowsRefused(ReportedProblems):
    """Some rows of an import are wrong; ``errors`` names each by line and column."""

    status = 422
    title = "CSV rows refused"


class MappingRefused(ReportedProblems):
    """A connection refused; ``errors`` names each variant and file with its reason."""

    status = 422
    title = "Mapping refused"
