"""Which tokens a service stops accepting, learnt from the access service's events."""

from datetime import UTC, datetime, timedelta
from itertools import permutations

import pytest

from service_runtime.auth import Principal
from service_runtime.database import create_engine, session_factory
from service_runtime.migrations import REVOCATION_TABLES, RUNTIME_TABLES
from service_runtime.revocations import EventFedRevocations, follow_access_change
from service_runtime.testing.helpers import create_tables
from service_runtime.unit_of_work import SqlUnitOfWork
from storefront_events import SessionEnded, StorefrontAccessGranted, UserRemoved, UserRoleChanged

CHANGE = datetime(2026, 11, 29, 12, 0, 0, 500000, tzinfo=UTC)


@pytest.fixture
async def sessions(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/revocations.db")
    await create_tables(engine, *RUNTIME_TABLES, *REVOCATION_TABLES)
    yield session_factory(engine)
    await engine.dispose()


async def _apply(sessions, event) -> None:
    await follow_access_change(event, uow=SqlUnitOfWork(sessions, source="/test"))


def _token(*, user="u1", client="c1", issued=CHANGE - timedelta(minutes=1), session="s1") -> Principal:
    return Principal(subject=user, role="order_manager", client_id=client, issued_at=issued, session_id=session)


async def test_a_removed_users_earlier_tokens_stop_working(sessions):
    revocations = EventFedRevocations(sessions)
    assert not await revocations.is_revoked(_token())
    await _apply(sessions, UserRemoved(client_id="c1", user_id="u1", email="u1@x.example", occurred_at=CHANGE))
    assert await revocations.is_revoked(_token())
    assert not await revocations.is_revoked(_token(user="u2"))


async def test_after_a_role_change_only_tokens_issued_later_work_even_in_the_same_second(sessions):
    revocations = EventFedRevocations(sessions)
    await _apply(
        sessions,
        UserRoleChanged(
            client_id="c1", user_id="u1", email="u1@x.example", role="read_only", store_ids=[], occurred_at=CHANGE
        ),
    )
    assert await revocations.is_revoked(_token(issued=CHANGE - timedelta(milliseconds=200)))
    assert not await revocations.is_revoked(_token(issued=CHANGE + timedelta(milliseconds=200)))


async def test_access_off_refuses_every_token_of_the_client_and_on_again_revives_none_of_them(sessions):
    revocations = EventFedRevocations(sessions)
    granted = dict(
        client_id="c1", admin_user_id="a1", admin_email="a@x.example", admin_first_name="A", admin_last_name="B"
    )
    await _apply(sessions, StorefrontAccessGranted(enabled=True, occurred_at=CHANGE - timedelta(hours=1), **granted))
    assert not await revocations.is_revoked(_token())
    await _apply(sessions, StorefrontAccessGranted(enabled=False, occurred_at=CHANGE, **granted))
    assert await revocations.is_revoked(_token(issued=CHANGE + timedelta(hours=1)))
    assert not await revocations.is_revoked(_token(client="c2"))
    await _apply(sessions, StorefrontAccessGranted(enabled=True, occurred_at=CHANGE + timedelta(hours=2), **granted))
    assert await revocations.is_revoked(_token())  # issued before "off": ended for good
    assert not await revocations.is_revoked(_token(issued=CHANGE + timedelta(hours=2, milliseconds=10)))


async def test_an_ended_session_refuses_its_tokens_and_only_those(sessions):
    revocations = EventFedRevocations(sessions)
    await _apply(
        sessions, SessionEnded(client_id="c1", user_id="u1", session_id="s1", reason="logout", occurred_at=CHANGE)
    )
    assert await revocations.is_revoked(_token(session="s1", issued=CHANGE - timedelta(minutes=1)))
    assert not await revocations.is_revoked(_token(session="s2", issued=CHANGE + timedelta(seconds=1)))
    assert not await revocations.is_revoked(_token(session="s2", issued=CHANGE - timedelta(minutes=1)))


GRANT = dict(client_id="c1", admin_user_id="a1", admin_email="a@x.example", admin_first_name="A", admin_last_name="B")


async def test_an_old_grant_arriving_after_access_was_turned_off_gives_no_token_back(sessions):
    revocations = EventFedRevocations(sessions)
    on = StorefrontAccessGranted(enabled=True, occurred_at=CHANGE, aggregate_version=1, **GRANT)
    off = StorefrontAccessGranted(enabled=False, occurred_at=CHANGE + timedelta(hours=1), aggregate_version=2, **GRANT)
    await _apply(sessions, off)
    await _apply(sessions, on)  # late: a dead-letter replay or a relay retry
    assert await revocations.is_revoked(_token(issued=CHANGE + timedelta(hours=2)))


async def test_an_old_role_change_arriving_after_the_removal_does_not_revive_later_tokens(sessions):
    revocations = EventFedRevocations(sessions)
    user = dict(client_id="c1", user_id="u1", email="u1@x.example")
    changed = UserRoleChanged(**user, role="read_only", store_ids=[], occurred_at=CHANGE, aggregate_version=3)
    removed = UserRemoved(**user, occurred_at=CHANGE + timedelta(hours=1), aggregate_version=4)
    await _apply(sessions, removed)
    await _apply(sessions, changed)
    assert await revocations.is_revoked(
        _token(issued=CHANGE + timedelta(minutes=30))
    )  # signed in again after the change


@pytest.mark.parametrize("order", list(permutations(range(4))))
async def test_whatever_the_order_of_arrival_the_newest_access_state_wins(sessions, order):
    revocations = EventFedRevocations(sessions)
    history = [
        StorefrontAccessGranted(
            enabled=version % 2 == 1, occurred_at=CHANGE + timedelta(hours=version), aggregate_version=version, **GRANT
        )
        for version in range(1, 5)
    ]
    for index in order:
        await _apply(sessions, history[index])
    assert await revocations.is_revoked(_token(issued=CHANGE + timedelta(hours=5)))  # version 4: off
