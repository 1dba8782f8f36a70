"""Per-client approval and hold rules: read for resolution, set by operators, tried by dry run."""

from collections.abc import Iterable
from datetime import UTC, datetime

from order_intake.domain.policies import ClientPolicy, DryRunHit, HoldRules, dry_run, immediate
from order_intake.domain.visibility import Viewer
from order_intake.ports import OrderFilter, UnitOfWork

#: How many of a client's most recent orders a dry run tries the rules on.
DRY_RUN_ORDERS = 500


async def policies_for(client_ids: Iterable[str], uow: UnitOfWork) -> dict[str, ClientPolicy]:
    """The policy of each client (one query); a client nobody configured sends orders at once."""
    wanted = set(client_ids)
    found = await uow.policies.get_many(wanted)
    return {client_id: found.get(client_id) or immediate(client_id) for client_id in wanted}


async def get_policy(client_id: str, *, viewer: Viewer, uow: UnitOfWork) -> ClientPolicy:
    viewer.check_operator()
    async with uow:
        return (await policies_for([client_id], uow))[client_id]


async def set_policy(policy: ClientPolicy, *, viewer: Viewer, uow: UnitOfWork) -> ClientPolicy:
    """Applies to orders resolved from now on (held ones when next resolved)."""
    viewer.check_operator()
    policy.check()
    stamped = ClientPolicy(
        policy.client_id,
        policy.approval,
        policy.delay_minutes,
        policy.rules,
        datetime.now(UTC),
        viewer.subject,
        viewer.name,
    )
    async with uow:
        await uow.policies.put(stamped)
        await uow.commit()
    return stamped


async def try_rules(
    client_id: str, rules: HoldRules, *, viewer: Viewer, uow: UnitOfWork
) -> tuple[int, list[DryRunHit]]:
    """(orders tried, those the rules would hold): the client's most recent orders; nothing changes."""
    viewer.check_operator()
    rules.check()
    async with uow:
        recent = await uow.orders.search(
            OrderFilter(client_ids=frozenset({client_id})), after=None, limit=DRY_RUN_ORDERS
        )
        orders = await uow.orders.get_many(o.id for o in recent)
    tried = [orders[o.id] for o in recent if o.id in orders]
    return len(tried), dry_run(rules, tried)
