"""Who may see and change which store. Rules only.

Operators see every store. A client's users see only their client's stores; a Store
manager only the stores named in its token. The client's admin and a Store manager of the
store manage it (connect, sync, disconnect); an Order manager and a Read-only user read it."""

from collections.abc import Sequence
from dataclasses import dataclass

from connector.domain.stores import Store

MANAGING_ROLES = frozenset({"operator", "admin", "store_manager"})


@dataclass(frozen=True)
class Viewer:
    role: str
    client_id: str | None
    store_ids: Sequence[str] = ()

    @property
    def is_operator(self) -> bool:
        return self.role == "operator"


def can_see(viewer: Viewer, store: Store) -> bool:
    if viewer.is_operator:
        return True
    if viewer.client_id != store.client_id:
        return False
    return viewer.role != "store_manager" or store.id in viewer.store_ids


def can_manage(viewer: Viewer, store: Store) -> bool:
    return can_see(viewer, store) and viewer.role in MANAGING_ROLES


def can_add_store(viewer: Viewer, client_id: str) -> bool:
    """A new store: the operator for any client, the client's admin for its own."""
    return viewer.is_operator or (viewer.role == "admin" and viewer.client_id == client_id)
