"""A write that takes a unique value already stored reaches handlers as the runtime's
``UniqueViolation`` (a 409 Conflict), whether the database refuses it at commit or at a flush
inside the unit of work, on PostgreSQL and on SQLite; other integrity errors are not renamed."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from service_runtime.database import create_engine, session_factory
from service_runtime.errors import Conflict, UniqueViolation
from service_runtime.unit_of_work import SqlUnitOfWork


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    return f"sqlite:///{tmp_path}/unique.db" if request.param == "sqlite" else request.getfixturevalue("postgres_url")


@pytest.fixture
async def sessions(database_url):
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE person (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE)"))
        await connection.execute(text("INSERT INTO person VALUES (1, 'ada@example.com')"))
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


async def test_a_taken_unique_value_at_commit_is_a_unique_violation(sessions):
    with pytest.raises(UniqueViolation) as raised:
        async with SqlUnitOfWork(sessions, source="/test") as uow:
            await uow.session.execute(text("INSERT INTO person VALUES (2, 'ada@example.com')"))
            await uow.commit()
    assert isinstance(raised.value, Conflict) and raised.value.status == 409
    assert isinstance(raised.value.__cause__, IntegrityError)


async def test_a_taken_unique_value_inside_the_unit_of_work_is_a_unique_violation(sessions):
    with pytest.raises(UniqueViolation):
        async with SqlUnitOfWork(sessions, source="/test") as uow:
            await uow.session.execute(text("INSERT INTO person VALUES (1, 'grace@example.com')"))


async def test_other_integrity_errors_are_not_called_unique_violations(sessions):
    with pytest.raises(IntegrityError) as raised:
        async with SqlUnitOfWork(sessions, source="/test") as uow:
            await uow.session.execute(text("INSERT INTO person VALUES (3, NULL)"))
            await uow.commit()
    assert not isinstance(raised.value, UniqueViolation)
