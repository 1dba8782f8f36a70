"""Checked by `make typecheck` (not a pytest module): each service's SqlUnitOfWork subclass is the
UnitOfWork its handlers are typed with, so a repository method missing from an adapter, or a
signature that drifted, fails the type check."""

from access.adapters.db import AccessUnitOfWork
from access.ports import UnitOfWork as A
from client.adapters.db import ClientUnitOfWork
from client.ports import UnitOfWork as C
from notifier.adapters.db import NotifierUnitOfWork
from notifier.ports import UnitOfWork as N
from order_intake.adapters.db import OrderIntakeUnitOfWork
from order_intake.ports import UnitOfWork as O


def units_of_work_match_their_ports(
    a: AccessUnitOfWork, c: ClientUnitOfWork, n: NotifierUnitOfWork, o: OrderIntakeUnitOfWork
) -> None:
    access_uow: A = a
    client_uow: C = c
    notifier_uow: N = n
    order_intake_uow: O = o
