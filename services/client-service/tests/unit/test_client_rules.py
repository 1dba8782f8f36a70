from datetime import UTC, datetime

import pytest

from client import domain
from client.domain import ClientArchived, InvalidClient

NOW = datetime(2026, 11, 29, tzinfo=UTC)


def _client(**overrides):
    fields = {"name": "Acme", "reference_id": None, "description": None} | overrides
    return domain.new_client("c1", now=NOW, **fields)


def test_name_is_trimmed_and_inner_spaces_collapsed():
    assert _client(name="  Acme \t Prints  ").name == "Acme Prints"


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_name_is_required_and_bounded(name):
    with pytest.raises(InvalidClient):
        _client(name=name)


def test_blank_reference_and_description_mean_none():
    client = _client(reference_id="   ", description="  ")
    assert (client.reference_id, client.description) == (None, None)


@pytest.mark.parametrize("reference", ["has space", "r" * 65])
def test_reference_has_no_spaces_and_is_bounded(reference):
    with pytest.raises(InvalidClient):
        _client(reference_id=reference)


def test_update_changes_only_given_fields_and_reports_no_change_as_same_client():
    client = _client(reference_id="R1", description="keep")
    renamed = domain.update_client(client, {"name": "Acme Ltd"}, now=NOW)
    assert (renamed.name, renamed.reference_id, renamed.description) == ("Acme Ltd", "R1", "keep")
    assert domain.update_client(client, {"name": "Acme"}, now=NOW) is client


def test_archived_client_cannot_change_or_be_archived_again():
    archived = domain.archive_client(_client(), now=NOW)
    with pytest.raises(ClientArchived):
        domain.update_client(archived, {"name": "New"}, now=NOW)
    with pytest.raises(ClientArchived):
        domain.archive_client(archived, now=NOW)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Acme\x00Prints"),
        ("name", "Acme \u202eStnirP"),
        ("name", "Acme\u2028Prints"),
        ("name", "Acme\x1bPrints"),
        ("reference_id", "ACME\u2066-1"),
        ("description", "Posters\x07"),
        ("description", "Posters \u202d"),
    ],
)
def test_names_and_descriptions_refuse_control_and_bidi_override_characters(field, value):
    with pytest.raises(InvalidClient) as refused:
        _client(**{field: value})
    assert refused.value.extensions["field"] == field
    assert "not allowed" in refused.value.detail and "U+" in refused.value.detail


def test_descriptions_keep_their_line_breaks_and_names_their_accents():
    client = _client(name="Zoë Ünal Imprimerie", description="Posters\nand flyers")
    assert (client.name, client.description) == ("Zoë Ünal Imprimerie", "Posters\nand flyers")
