"""The stores access knows of (fed by the connector's StoreConnected / StoreDisconnected) and
the rule on the stores given to a store manager."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from access.domain.errors import InvalidUser


@dataclass(frozen=True)
class KnownStore:
    """What access keeps of a store: whose it is and whether it is connected."""

    id: str
    client_id: str
    name: str
    connected: bool
    version: int | None  # aggregate_version of the last store event applied (None before versions)


def check_stores_of(client_id: str, store_ids: Iterable[str], known: Mapping[str, KnownStore]) -> None:
    """Each store given to a store manager must be a connected store of the same client. A store
    of another client is refused in the same words as one that does not exist: a client never
    learns that another client's store exists."""
    for store_id in store_ids:
        store = known.get(store_id)
        if store is None or store.client_id != client_id:
            raise InvalidUser("store_unknown", field="store_ids", store_id=store_id)
        if not store.connected:
            raise InvalidUser("store_disconnected", field="store_ids", store_id=store_id, name=store.name)
