"""Sentences by key and the reader's language."""

import pytest

from service_runtime.messages import Catalog, SaidByKey, locale_from_header

CATALOG = Catalog(
    {"Refused": {"en": "Refused", "fr": "Refusé"}},
    {"too_long": {"en": "At most {maximum}.", "fr": "Au plus {maximum}."}},
)


class Refused(SaidByKey):
    catalog = CATALOG
    title = "Refused"


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        ("fr-FR", "fr"),
        ("fr_CA", "fr"),
        ("de, fr;q=0.5, en;q=0.4", "fr"),
        ("en;q=0.9, fr;q=0.8", "en"),
        ("fr;q=0", "en"),
        ("", "en"),
        (None, "en"),
        ("*", "en"),
    ],
)
def test_accept_language_picks_the_best_language_we_speak(header, locale):
    assert locale_from_header(header) == locale


def test_an_error_said_by_key_keeps_its_english_detail_and_values():
    error = Refused("too_long", field="name", maximum=3)
    assert (error.detail, error.extensions, error.key) == ("At most 3.", {"field": "name"}, "too_long")
    assert CATALOG.render(error.key, "fr", error.values) == "Au plus 3."
    assert CATALOG.title("Refused", "fr", "x") == "Refusé" and CATALOG.title("RequestValidationError", "fr", "x")


def test_a_key_missing_from_the_catalog_is_said_as_it_is():
    assert Refused("Some older free-text detail.").detail == "Some older free-text detail."
