"""Who sees and who acts on which orders. Rules only.

Operators see and act on every order. A client's users see their client's orders only, a
Store manager only those of the stores in the token; Read-only users and Store managers see,
only Order managers and Admins act (edit a held order's address, cancel)."""

from dataclasses import dataclass

from order_intake.domain.errors import OrderNotFound
from service_runtime.errors import Forbidden

ACTING_CLIENT_ROLES = frozenset({"admin", "order_manager"})


@dataclass(frozen=True)
class Viewer:
    subject: str
    role: str
    client_id: str | None
    store_ids: frozenset[str]
    name: str | None = None  # the name (or e-mail) the token gives: kept with the changes this viewer makes

    @property
    def is_operator(self) -> bool:
        return self.role == "operator"

    def client_scope(self) -> frozenset[str] | None:
        """The clients whose orders this viewer may list (None: all)."""
        if self.is_operator:
            return None
        return frozenset({self.client_id}) if self.client_id else frozenset()

    def store_scope(self) -> frozenset[str] | None:
        """The stores whose orders this viewer may list (None: every store of its clients)."""
        return self.store_ids if self.role == "store_manager" else None

    def sees(self, client_id: str, store_id: str) -> bool:
        if self.is_operator:
            return True
        if self.client_id is None or client_id != self.client_id:
            return False
        return self.role != "store_manager" or store_id in self.store_ids

    def check_sees(self, client_id: str, store_id: str, order_id: str) -> None:
        """An order another client's user asks for does not exist for them (404, nothing leaks)."""
        if not self.sees(client_id, store_id):
            raise OrderNotFound(f"No order {order_id}.")

    def check_acts(self, client_id: str, store_id: str, order_id: str) -> None:
        self.check_sees(client_id, store_id, order_id)
        if not self.is_operator and self.role not in ACTING_CLIENT_ROLES:
            raise Forbidden(f"The role '{self.role}' may see orders but not change them.")

    def check_operator(self) -> None:
        if not self.is_operator:
            raise Forbidden("Only the print provider's operators change an order's production status.")
