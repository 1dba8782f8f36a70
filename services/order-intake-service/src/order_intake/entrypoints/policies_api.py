"""HTTP routes of per-client approval and hold rules (operators), and approving a held order."""

from dataclasses import asdict

from fastapi import APIRouter

from order_intake.domain.policies import ClientPolicy
from order_intake.entrypoints.orders_api import ACTING, OPERATORS, UowDep, viewer_of
from order_intake.entrypoints.schemas import (
    DryRunOrder,
    DryRunResult,
    HoldRulesBody,
    OrderDetail,
    PolicyBody,
    PolicyPublic,
)
from order_intake.handlers import orders as order_handlers
from order_intake.handlers import policies as handlers
from service_runtime.auth import CurrentPrincipal
from service_runtime.problems import problem_responses

router = APIRouter(prefix="/order-policies", tags=["order policies"], dependencies=OPERATORS)
approving = APIRouter(prefix="/orders", tags=["orders"])


@router.get("/{client_id}", response_model=PolicyPublic)
async def get_policy(client_id: str, principal: CurrentPrincipal, uow: UowDep) -> PolicyPublic:
    """A client's approval and hold rules (immediate and none until set)."""
    return PolicyPublic.of(await handlers.get_policy(client_id, viewer=viewer_of(principal), uow=uow))


@router.put("/{client_id}", response_model=PolicyPublic)
async def set_policy(client_id: str, body: PolicyBody, principal: CurrentPrincipal, uow: UowDep) -> PolicyPublic:
    """Sets how a client's resolved orders go to production: at once, after a delay window, or on
    manual approval; and the hold rules (try them first with the dry run)."""
    policy = ClientPolicy(client_id, body.approval, body.delay_minutes, body.rules.to_domain())
    return PolicyPublic.of(await handlers.set_policy(policy, viewer=viewer_of(principal), uow=uow))


@router.post("/{client_id}/dry-run", response_model=DryRunResult)
async def dry_run(client_id: str, body: HoldRulesBody, principal: CurrentPrincipal, uow: UowDep) -> DryRunResult:
    """Which of the client's recent orders these rules would have held, and by which rule. Nothing changes."""
    tried, hits = await handlers.try_rules(client_id, body.to_domain(), viewer=viewer_of(principal), uow=uow)
    return DryRunResult(
        orders_tried=tried,
        would_hold=[
            DryRunOrder(
                order_id=hit.order.id,
                order_number=hit.order.order_number,
                store_id=hit.order.store_id,
                received_at=hit.order.received_at,
                holds=[asdict(h) for h in hit.holds],
            )
            for hit in hits
        ],
    )


@approving.post(
    "/{order_id}/approve", response_model=OrderDetail, responses=problem_responses(404, 409), dependencies=ACTING
)
async def approve(order_id: str, principal: CurrentPrincipal, uow: UowDep) -> OrderDetail:
    """Approves an order held by a rule or waiting for approval (operators, Order managers, Admins)."""
    view = await order_handlers.approve(order_id, viewer=viewer_of(principal), uow=uow)
    return OrderDetail.of_view(view.order, view.history)
