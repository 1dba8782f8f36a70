"""Store rules, who may do what, and shop addresses: plain Python, no I/O."""

from datetime import UTC, datetime

import pytest

from connector.domain import stores
from connector.domain.access import Viewer, can_add_store, can_manage, can_see
from connector.domain.errors import InvalidStore, StoreDisconnectedAlready
from connector.domain.shops import shopify_domain
from connector.domain.syncs import batch_count

NOW = datetime(2026, 11, 30, tzinfo=UTC)


def _store(**changes):
    store = stores.new_manual_store("s1", client_id="c1", name="Direct", test_mode=False, now=NOW)
    return store if not changes else stores.Store(**(store.__dict__ | changes))


@pytest.mark.parametrize(
    ("typed", "domain"),
    [
        ("acme", "acme.myshopify.com"),
        ("  Acme-Prints ", "acme-prints.myshopify.com"),
        ("acme.myshopify.com", "acme.myshopify.com"),
        ("https://acme.myshopify.com/admin/products", "acme.myshopify.com"),
        ("http://ACME.myshopify.com", "acme.myshopify.com"),
    ],
)
def test_a_shop_is_given_by_name_or_address(typed, domain):
    assert shopify_domain(typed) == domain


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "acme.com",
        "acme.myshopify.com.evil.com",
        "acme.myshopify.com:8443",
        "user@acme.myshopify.com",
        "-acme",
        "ac me",
        "acme.myshopify.io",
        "127.0.0.1",
        "acme_prints",
    ],
)
def test_anything_else_is_refused_naming_the_field(typed):
    with pytest.raises(InvalidStore) as refused:
        shopify_domain(typed)
    assert refused.value.extensions["field"] == "shop"


def test_a_manual_store_is_connected_and_takes_no_platform_webhook():
    store = _store()
    assert (store.platform, store.status, store.version) == ("manual", "connected", 1)
    assert not store.takes_platform_webhooks


def test_names_are_trimmed_and_checked():
    assert stores.clean_name("  Direct   orders ") == "Direct orders"
    for bad in ("   ", "x" * 201, "Direct\u202eorders"):
        with pytest.raises(InvalidStore):
            stores.clean_name(bad)


def test_a_store_is_disconnected_once_and_each_change_raises_its_version():
    store = stores.new_platform_store(
        "s2", client_id="c1", platform="shopify", name="acme", shop_url="acme.myshopify.com", test_mode=False, now=NOW
    )
    connected = stores.connected(store, now=NOW, name="Acme", currency="EUR")
    attention = stores.needs_attention(connected, reason="platform_auth_failed", now=NOW)
    assert stores.needs_attention(attention, reason="platform_auth_failed", now=NOW) is attention
    gone = stores.disconnect(attention, reason="by_client", now=NOW)
    assert [s.version for s in (store, connected, attention, gone)] == [1, 2, 3, 4]
    assert (connected.name, gone.status, gone.status_reason) == ("Acme", "disconnected", "by_client")
    with pytest.raises(StoreDisconnectedAlready):
        stores.disconnect(gone, reason="by_client", now=NOW)
    with pytest.raises(InvalidStore):
        stores.new_platform_store(
            "s3", client_id="c1", platform="manual", name="x", shop_url=None, test_mode=False, now=NOW
        )


def test_who_sees_and_manages_a_store():
    store = _store()
    operator = Viewer("operator", None)
    admin, reader = Viewer("admin", "c1"), Viewer("read_only", "c1")
    mine, not_mine = Viewer("store_manager", "c1", ("s1",)), Viewer("store_manager", "c1", ("s9",))
    other_client = Viewer("admin", "c2")
    assert [can_see(v, store) for v in (operator, admin, reader, mine, not_mine, other_client)] == [
        True,
        True,
        True,
        True,
        False,
        False,
    ]
    assert [can_manage(v, store) for v in (operator, admin, reader, mine, not_mine, Viewer("order_manager", "c1"))] == [
        True,
        True,
        False,
        True,
        False,
        False,
    ]
    assert can_add_store(admin, "c1") and can_add_store(operator, "c2")
    assert not can_add_store(mine, "c1") and not can_add_store(other_client, "c1")


def test_batches_of_a_sync():
    assert [batch_count(n, 250) for n in (0, 1, 250, 251, 1000)] == [0, 1, 1, 2, 4]


def test_a_sync_is_cut_in_batches_by_products_and_by_size():
    from connector.domain.syncs import plan_batches

    small = [(f"p{n}", 100) for n in range(5)]
    assert plan_batches(small, max_products=2, max_bytes=10_000) == [["p0", "p1"], ["p2", "p3"], ["p4"]]
    big = [("a", 600), ("b", 600), ("c", 100), ("d", 2_000)]
    assert plan_batches(big, max_products=250, max_bytes=1_000) == [["a"], ["b", "c"], ["d"]]
    assert plan_batches([], max_products=250, max_bytes=1_000) == []
