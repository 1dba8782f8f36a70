"""Etsy's connection rules and order polling's high-water mark (pure rules, no I/O)."""

from datetime import UTC, datetime, timedelta

import pytest

from connector.domain.etsy import code_challenge, needs_refresh
from connector.domain.order_polls import OrderPoll, moved, poll_since

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def test_the_pkce_challenge_is_s256_of_the_verifier():
    # RFC 7636, appendix B
    assert (
        code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )
    with pytest.raises(ValueError):
        code_challenge("too-short")


def test_a_token_is_refreshed_before_it_expires():
    assert needs_refresh(NOW + timedelta(minutes=4), NOW, margin_seconds=300)
    assert not needs_refresh(NOW + timedelta(minutes=6), NOW, margin_seconds=300)
    assert needs_refresh(NOW - timedelta(seconds=1), NOW, margin_seconds=0)
    assert needs_refresh(None, NOW, margin_seconds=300)  # expiry unknown: refreshed


def test_polls_start_at_the_connection_then_at_the_high_water_mark_minus_the_overlap():
    connected_at = NOW - timedelta(days=3)
    assert poll_since(None, connected_at=connected_at, overlap_seconds=3600) == connected_at
    poll = OrderPoll("s1", high_water_mark=NOW)
    assert poll_since(poll, connected_at=connected_at, overlap_seconds=3600) == NOW - timedelta(hours=1)


def test_the_high_water_mark_only_moves_forward():
    poll = OrderPoll("s1", high_water_mark=NOW)
    assert moved(poll, created=[NOW - timedelta(hours=2)], connected_at=NOW - timedelta(days=1)) == NOW
    assert moved(poll, created=[NOW + timedelta(minutes=5)], connected_at=NOW) == NOW + timedelta(minutes=5)
    assert moved(None, created=[], connected_at=NOW) == NOW
