"""Which failures are transient: the outside world (database, broker, network) is briefly
unavailable or a concurrent transaction lost a race, so the same work retried later
succeeds. Such failures are retried with backoff without limit and never dead-lettered.

Classified by what they are, not by a short list of Python types:
- PostgreSQL SQLSTATE classes 08 (connection), 40 (transaction rollback: deadlock 40P01,
  serialization 40001), 53 (insufficient resources), 57 (operator intervention: shutdown,
  ``cannot connect now``), and 55P03 (lock not available), whether raised by asyncpg or
  psycopg, bare or wrapped by SQLAlchemy;
- SQLite busy or locked (another writer holds the database);
- SQLAlchemy's pool timeout and a DBAPI error that invalidated its connection;
- aiokafka errors that say they are retriable, and Kafka timeouts;
- connection errors, timeouts, DNS failures;
- ``TransientError``, raised by a handler for "an outside system is down, retry"."""

import errno
import socket

from aiokafka.errors import KafkaError, KafkaTimeoutError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

TRANSIENT_SQLSTATE_CLASSES = ("08", "40", "53", "57")
TRANSIENT_SQLSTATES = ("55P03",)
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6
_NETWORK_ERRNOS = {
    errno.ECONNREFUSED,
    errno.ECONNRESET,
    errno.ECONNABORTED,
    errno.EHOSTUNREACH,
    errno.ENETUNREACH,
    errno.ENETDOWN,
    errno.ETIMEDOUT,
    errno.EPIPE,
}


class TransientError(Exception):
    """Raise from a handler for a failure that must be retried without limit
    (an outside system is down), never dead-lettered."""


def is_transient(error: BaseException) -> bool:
    """True when ``error`` (or what it wraps: SQLAlchemy's ``orig``, an explicit
    ``raise ... from``) is one of the transient failures above."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _is_transient_itself(current):
            return True
        current = getattr(current, "orig", None) or current.__cause__
    return False


def sqlstate_of(error: BaseException) -> str | None:
    """The SQLSTATE asyncpg (``sqlstate``), psycopg (``sqlstate``) or SQLAlchemy's asyncpg
    adapter (``pgcode``) put on the error, if any."""
    for attribute in ("sqlstate", "pgcode"):
        value = getattr(error, attribute, None)
        if isinstance(value, str) and len(value) == 5:
            return value
    return None


def _is_transient_itself(error: BaseException) -> bool:
    if isinstance(error, TransientError | PoolTimeoutError | ConnectionError | TimeoutError | socket.gaierror):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, KafkaError):
        return bool(error.retriable) or isinstance(error, KafkaTimeoutError)
    if (sqlstate := sqlstate_of(error)) is not None:
        return sqlstate[:2] in TRANSIENT_SQLSTATE_CLASSES or sqlstate in TRANSIENT_SQLSTATES
    sqlite_code = getattr(error, "sqlite_errorcode", None)
    if isinstance(sqlite_code, int):
        return sqlite_code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    if isinstance(error, OSError):
        return error.errno in _NETWORK_ERRNOS or (error.errno is None and "Multiple exceptions" in str(error))
    return False
