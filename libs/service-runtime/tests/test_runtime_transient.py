"""Which failures the consumer retries without limit (transient) and which it retries a
bounded number of times before dead-lettering: classified by what they are."""

import errno
import sqlite3

import asyncpg.exceptions
import psycopg.errors
import pytest
from aiokafka.errors import (
    CommitFailedError,
    KafkaConnectionError,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    NotEnoughReplicasError,
    NotLeaderForPartitionError,
)
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from service_runtime.transient import TransientError, is_transient


def _wrapped(orig: BaseException, *, invalidated: bool = False) -> DBAPIError:
    """As SQLAlchemy raises it: the driver's error in ``orig``."""
    return DBAPIError("SELECT 1", {}, orig, connection_invalidated=invalidated)


def _adapted(cause: BaseException) -> DBAPIError:
    """As SQLAlchemy's asyncpg dialect raises it: an adapter error raised from asyncpg's."""
    adapter = Exception(str(cause))
    adapter.__cause__ = cause
    return _wrapped(adapter)


def _sqlite(code: int, message: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code
    return error


TRANSIENT = {
    "asyncpg deadlock 40P01": _adapted(asyncpg.exceptions.DeadlockDetectedError("deadlock detected")),
    "asyncpg serialization 40001": _adapted(asyncpg.exceptions.SerializationError("could not serialize")),
    "asyncpg cannot connect now 57P03": _adapted(asyncpg.exceptions.CannotConnectNowError("starting up")),
    "asyncpg admin shutdown 57P01": _adapted(asyncpg.exceptions.AdminShutdownError("terminating")),
    "asyncpg too many connections 53300": _adapted(asyncpg.exceptions.TooManyConnectionsError("too many")),
    "asyncpg lock not available 55P03": _adapted(asyncpg.exceptions.LockNotAvailableError("could not lock")),
    "asyncpg connection failure 08006": asyncpg.exceptions.ConnectionFailureError("gone"),
    "psycopg deadlock 40P01": _wrapped(psycopg.errors.DeadlockDetected("deadlock detected")),
    "psycopg serialization 40001": _wrapped(psycopg.errors.SerializationFailure("could not serialize")),
    "psycopg disk full 53100": _wrapped(psycopg.errors.DiskFull("disk full")),
    "connection invalidated": _wrapped(Exception("server closed the connection"), invalidated=True),
    "pool timeout": PoolTimeoutError("QueuePool limit reached"),
    "sqlite busy": OperationalError("UPDATE t", {}, _sqlite(5, "database is locked")),
    "sqlite busy snapshot": OperationalError("UPDATE t", {}, _sqlite(517, "database is locked")),
    "kafka connection": KafkaConnectionError("no broker"),
    "kafka not enough replicas": NotEnoughReplicasError(),
    "kafka leader election": NotLeaderForPartitionError(),
    "kafka timeout": KafkaTimeoutError(),
    "connection refused": ConnectionRefusedError(errno.ECONNREFUSED, "refused"),
    "asyncio timeout": TimeoutError(),
    "os network unreachable": OSError(errno.ENETUNREACH, "unreachable"),
    "handler says so": TransientError("the carrier's API is down"),
    "raised from a transient one": RuntimeError("wrapped"),
}
TRANSIENT["raised from a transient one"].__cause__ = ConnectionResetError()

PERMANENT = {
    "unique violation 23505": IntegrityError("INSERT", {}, psycopg.errors.UniqueViolation("duplicate key")),
    "asyncpg value too long 22001": _adapted(asyncpg.exceptions.StringDataRightTruncationError("value too long")),
    "asyncpg undefined table 42P01": _adapted(asyncpg.exceptions.UndefinedTableError("no such table")),
    "asyncpg raised by a function P0001": _adapted(asyncpg.exceptions.RaiseError("business rule")),
    "sqlite no such table": OperationalError("SELECT", {}, _sqlite(1, "no such table: t")),
    "kafka message too large": MessageSizeTooLargeError(),
    "kafka commit failed (rebalanced)": CommitFailedError("rebalanced"),
    "value error": ValueError("bad data"),
    "file not found": FileNotFoundError(errno.ENOENT, "missing"),
    "key error": KeyError("x"),
}


@pytest.mark.parametrize("error", TRANSIENT.values(), ids=TRANSIENT.keys())
def test_retried_without_limit(error):
    assert is_transient(error)


@pytest.mark.parametrize("error", PERMANENT.values(), ids=PERMANENT.keys())
def test_retried_a_bounded_number_of_times_then_dead_lettered(error):
    assert not is_transient(error)


def test_a_cycle_of_causes_ends():
    first, second = ValueError("a"), ValueError("b")
    first.__cause__, second.__cause__ = second, first
    assert not is_transient(first)
