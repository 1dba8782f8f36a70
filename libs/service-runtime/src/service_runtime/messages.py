"""Sentences said by key, in English and French. Pure: no I/O, no framework.

A service keeps its own catalog (titles by error class name, messages by key). An error
carries the key and its values; the sentence is chosen when the answer is written, in the
reader's language. A key missing from the catalog is shown as it is."""

from dataclasses import dataclass, field

from service_runtime.errors import DomainError

LOCALES = ("en", "fr")
DEFAULT_LOCALE = "en"

COMMON_TITLES: dict[str, dict[str, str]] = {
    "Unauthorized": {"en": "Unauthorized", "fr": "Non authentifié"},
    "Forbidden": {"en": "Forbidden", "fr": "Interdit"},
    "NotFound": {"en": "Not found", "fr": "Introuvable"},
    "Conflict": {"en": "Conflict", "fr": "Conflit"},
    "RequestValidationError": {"en": "Invalid request", "fr": "Requête non valide"},
    "MalformedJson": {"en": "Malformed JSON", "fr": "JSON mal formé"},
}
COMMON_MESSAGES: dict[str, dict[str, str]] = {
    "request_invalid": {"en": "One or more fields are invalid.", "fr": "Un ou plusieurs champs ne sont pas valides."},
    "json_invalid": {
        "en": "The request body is not valid JSON.",
        "fr": "Le corps de la requête n'est pas du JSON valide.",
    },
}


def pick_locale(tag: str | None) -> str | None:
    """The language we have for one BCP 47 tag (fr, fr-FR, fr_CA → fr), or None."""
    language = (tag or "").replace("_", "-").split("-")[0].strip().lower()
    return language if language in LOCALES else None


def locale_from_header(accept_language: str | None) -> str:
    """The best language of an ``Accept-Language`` header we speak, by quality; else English."""
    ranked = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if (language := pick_locale(tag)) and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else DEFAULT_LOCALE


@dataclass(frozen=True)
class Catalog:
    titles: dict[str, dict[str, str]] = field(default_factory=dict)
    messages: dict[str, dict[str, str]] = field(default_factory=dict)

    def render(self, key: str, locale: str, values: dict[str, object] | None = None) -> str:
        """The sentence for ``key`` in ``locale`` (English when missing), with its values."""
        templates = self.messages.get(key) or COMMON_MESSAGES.get(key)
        if templates is None:
            return key
        template = templates.get(locale) or templates[DEFAULT_LOCALE]
        try:
            return template.format(**(values or {}))
        except (KeyError, IndexError):
            return templates[DEFAULT_LOCALE].format_map(_Blank(values or {}))

    def title(self, name: str, locale: str, default: str) -> str:
        texts = self.titles.get(name) or COMMON_TITLES.get(name) or {}
        return texts.get(locale) or default


class _Blank(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


class SaidByKey(DomainError):
    """A refusal said by key: ``detail`` is the English sentence; ``locale`` may be set when the
    reader's language is known from the data. Subclass it with the service's catalog."""

    catalog: Catalog = Catalog()

    def __init__(
        self, key: str, *, field: str | None = None, extra: dict[str, object] | None = None, **values: object
    ) -> None:
        extensions: dict[str, object] = {"field": field} if field else {}
        extensions.update(extra or {})
        super().__init__(self.catalog.render(key, "en", values), **extensions)
        self.key = key
        self.values = values
        self.locale: str | None = None

    def in_locale(self, locale: str | None) -> "SaidByKey":
        self.locale = self.locale or locale
        return self
