"""Connection repair: each store's credentials and webhook subscriptions checked on a schedule.
What is missing is registered again; what we cannot repair (token revoked or expired, app
removed) puts the store in ``needs_attention`` and its client's admin is told once per break.
Rules only: no I/O."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from connector.domain.stores import Store

CheckOutcome = Literal["healthy", "repaired", "needs_attention", "unavailable"]

#: The reasons a store needs attention that only the client can repair (by reconnecting it),
#: said in words without values (the store keeps the key only).
AUTH_REASONS = frozenset({"platform_auth_failed", "reconnect_needed"})


@dataclass(frozen=True)
class ConnectionCheck:
    store_id: str
    checked_at: datetime
    outcome: CheckOutcome
    repaired: Sequence[str] = ()  # webhook topics registered again at that check
    notified_version: int | None = None  # the store's version when its admin was last told it needs attention


def missing_topics(expected: Iterable[str], held: Iterable[str]) -> list[str]:
    there = set(held)
    return [topic for topic in expected if topic not in there]


def attention_reason(error_key: str) -> str:
    """The reason kept on the store for a refusal we cannot repair."""
    return error_key if error_key in AUTH_REASONS else "platform_auth_failed"


def admin_to_be_told(store: Store, check: ConnectionCheck | None) -> bool:
    """Told once per break: the store needs attention and this version of it was not told yet
    (reconnecting and breaking again is a new version, so a new break)."""
    return store.status == "needs_attention" and (check is None or check.notified_version != store.version)
