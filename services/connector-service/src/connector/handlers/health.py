"""A store's health: are its credentials still accepted, are its webhooks still subscribed, when
did the last webhook come, how did the last sync end, how many webhooks are parked (could not be
read: they wait for a retry), and what went wrong lately, as message keys
the page says in the reader's language (the guide's troubleshooting list: authentication errors,
sync problems, plan restrictions)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from connector.domain.access import Viewer
from connector.domain.errors import PlatformAuthFailed, PlatformError, PlatformNotSupported, PlatformUnavailable
from connector.domain.parked_webhooks import PARKING_KEYS
from connector.domain.platform_errors import ShopUnreachable
from connector.domain.reconciliations import Reconciliation
from connector.domain.stores import Store
from connector.domain.syncs import SyncJob
from connector.handlers.shop_addresses import unavailable
from connector.handlers.stores import load_visible
from connector.ports import Platforms, ShopConnection, UnitOfWork, Vault
from service_runtime.outbound import UnsafeUrl


@dataclass(frozen=True)
class Problem:
    key: str
    values: Mapping[str, object] = field(default_factory=dict)
    detail: str | None = None  # the English sentence as it was said, when its values were not kept


@dataclass(frozen=True)
class StoreHealth:
    store: Store
    credentials_valid: bool | None  # None: not checked (manual, disconnected) or the platform did not answer
    webhooks_expected: tuple[str, ...]
    webhooks_registered: tuple[str, ...] | None  # None: not checked
    last_webhook_at: datetime | None
    last_sync: SyncJob | None
    last_error: Problem | None
    last_error_at: datetime | None
    problems: tuple[Problem, ...]
    reconciliation: Reconciliation | None = None  # how the last run to recover missed orders went
    parked_webhooks: int = 0  # webhooks that could not be read, kept aside until retried

    @property
    def webhooks_missing(self) -> tuple[str, ...]:
        if self.webhooks_registered is None:
            return ()
        return tuple(t for t in self.webhooks_expected if t not in self.webhooks_registered)

    @property
    def needs_attention(self) -> bool:
        """Orders are not coming in, or some are waiting for the client to act: the store needs
        attention (its status says so), the shop refuses our credentials, a subscription is
        missing, or webhooks are parked."""
        return (
            self.store.status == "needs_attention"
            or self.credentials_valid is False
            or bool(self.webhooks_missing)
            or self.parked_webhooks > 0
        )


async def store_health(
    viewer: Viewer, store_id: str, *, uow: UnitOfWork, platforms: Platforms, vault: Vault
) -> StoreHealth:
    async with uow:
        store = await load_visible(uow, viewer, store_id)
        notes = await uow.stores.notes(store.id)
        sealed = await uow.stores.sealed_credentials(store.id)
        last_webhook_at = await uow.webhooks.last_received(store.id)
        syncs = await uow.sync_jobs.latest(store.id, limit=1)
        reconciliation = await uow.reconciliations.get(store.id)
        parked = await uow.webhooks.parked(store.id)
        last_parked = await uow.webhooks.last_parked(store.id) if parked and notes.last_error in PARKING_KEYS else None
    problems: list[Problem] = []
    valid: bool | None = None
    registered: tuple[str, ...] | None = None
    if store.platform != "manual" and store.status != "disconnected":
        connection = ShopConnection.of(store, vault.open(sealed) if sealed else None)
        try:
            adapter = platforms.adapter(store.platform)
            await adapter.verify_credentials(connection)
            valid = True
            registered = tuple(sorted({s.topic for s in await adapter.webhooks(connection)}))
        except PlatformAuthFailed as error:
            valid = False
            problems.append(Problem(error.key, error.values))
        except PlatformUnavailable as error:
            problems.append(Problem(error.key, error.values))
        except (PlatformError, PlatformNotSupported, ShopUnreachable) as error:
            problems.append(Problem(error.key, error.values))
        except UnsafeUrl as refused:  # its address lapsed since it was connected
            said = unavailable(refused)
            problems.append(Problem(said.key, said.values))
    if store.status == "needs_attention" and store.status_reason and valid is not False:
        problems.append(Problem(store.status_reason))
    if store.status == "disconnected":
        problems.append(Problem("store_disconnected", {"name": store.name}))
    if registered is not None and (missing := [t for t in notes.webhook_topics if t not in registered]):
        problems.append(Problem("webhooks_missing", {"topics": ", ".join(missing)}))
    if parked:
        problems.append(Problem("webhooks_parked", {"count": parked}))
    last_sync = syncs[0] if syncs else None
    if last_sync is not None and last_sync.status == "failed" and last_sync.error:
        problems.append(Problem(last_sync.error))
    last_error = Problem(notes.last_error, detail=notes.last_error_detail) if notes.last_error else None
    if last_error is not None and last_parked is not None and last_parked.reason.key == last_error.key:
        last_error = Problem(last_error.key, last_parked.reason.values, detail=last_error.detail)  # its values kept
    said_by_parked = parked > 0 and last_error is not None and last_error.key in PARKING_KEYS
    if last_error is not None and not said_by_parked and all(p.key != last_error.key for p in problems):
        problems.append(last_error)
    return StoreHealth(
        store=store,
        credentials_valid=valid,
        webhooks_expected=tuple(notes.webhook_topics),
        webhooks_registered=registered,
        last_webhook_at=last_webhook_at,
        last_sync=last_sync,
        last_error=last_error,
        last_error_at=notes.last_error_at,
        problems=tuple(problems),
        reconciliation=reconciliation,
        parked_webhooks=parked,
    )
