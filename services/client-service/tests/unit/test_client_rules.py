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
