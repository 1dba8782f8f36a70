"""The webhooks' store cache: kept for a while, dropped on a change, never refilled by a read
that overlapped a change."""

from datetime import UTC, datetime

from connector.domain.stores import Store
from connector.handlers.webhook_stores import KnownStore, WebhookStores
from connector.ports import ShopConnection

NOW = datetime(2026, 11, 30, tzinfo=UTC)


class Ticking:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def known(store_id: str = "s1", status: str = "connected") -> KnownStore:
    store = Store(
        id=store_id,
        client_id="c1",
        platform="woocommerce",
        name="Shop",
        status=status,  # type: ignore[arg-type]
        test_mode=False,
        created_at=NOW,
        updated_at=NOW,
        shop_url="https://shop.example",
    )
    return KnownStore(store, ShopConnection.of(store, {"webhook_secret": "s3cret"}))


def test_a_store_is_kept_for_its_time_only() -> None:
    clock = Ticking()
    stores = WebhookStores(10, clock=clock)
    stores.keep(known(), read=stores.reading())
    clock.now += 9.9
    assert stores.get("s1") == known()
    clock.now += 0.2
    assert stores.get("s1") is None


def test_a_change_drops_the_store_and_a_read_begun_before_it_is_not_kept() -> None:
    stores = WebhookStores(10)
    stores.keep(known(), read=stores.reading())
    stale_read = stores.reading()
    stores.forget("s1")
    assert stores.get("s1") is None
    stores.keep(known(), read=stale_read)  # read before the change was committed: maybe the old store
    assert stores.get("s1") is None
    stores.keep(known(status="disconnected"), read=stores.reading())
    cached = stores.get("s1")
    assert cached is not None and cached.store.status == "disconnected"


def test_no_time_keeps_nothing() -> None:
    stores = WebhookStores(0)
    stores.keep(known(), read=stores.reading())
    assert stores.get("s1") is None
