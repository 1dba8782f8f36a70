"""Bulk statements of the hot path without SQLAlchemy's work per bound value.

On PostgreSQL the rows are inserted by one statement whatever their number: they go in as one
JSON document, an array of one array of values per row, written by pydantic-core's serializer in
one call; ``jsonb_array_elements`` turns it back into rows and each column is read by its
position. The driver sends one text parameter. Measured on the order lines (bench/README.md,
intake): asyncpg's encoding of one array per column (``unnest``) cost about half a microsecond
per value in the service (a check per element); an executemany makes the server plan and run
one INSERT per row; SQLAlchemy's Core insert runs each value of each row through Python bind
processors; ``json_to_recordset`` (one object per row) costs PostgreSQL a third more than the
positional arrays. JSON columns travel as their text (``json_text``), so they are stored as
written: compact, keys in their order. A list of values is compared as one array
(``= ANY(...)``) instead of a bound parameter per value of an ``IN`` list. Other databases
(SQLite) take the Core statements."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pydantic_core import to_json as _to_json_bytes
from sqlalchemy import JSON, Boolean, ColumnElement, DateTime, Integer, Table, Text, any_, bindparam, insert
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import KeyedColumnElement


def to_json(value: Any) -> str:
    """Compact JSON text (UTF-8 as is, as ``json.dumps(separators=(",", ":"), ensure_ascii=False)``
    writes it), by pydantic-core's serializer."""
    return _to_json_bytes(value).decode()


_STATEMENTS: dict[tuple[str, tuple[str, ...]], str] = {}


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _column_type(table: Table, name: str) -> str:
    """The type a column's value is read as: text for strings (the INSERT's own assignment
    checks their length, as a row's would) and JSON (its text)."""
    kind = table.c[name].type
    if isinstance(kind, JSON):
        return "json"
    if isinstance(kind, Boolean):
        return "boolean"
    if isinstance(kind, Integer):
        return "bigint"
    if isinstance(kind, DateTime):
        return "timestamptz"
    return "text"


def _insert(table: Table, names: tuple[str, ...]) -> str:
    """``INSERT INTO t ("a", "b") SELECT CAST(r->>0 AS text), CAST(r->>1 AS json) FROM
    jsonb_array_elements(CAST($1 AS jsonb)) AS r``: one parameter, built once per table and columns."""
    statement = _STATEMENTS.get((table.name, names))
    if statement is None:
        columns = ", ".join(f'"{name}"' for name in names)
        values = ", ".join(f"CAST(r->>{i} AS {_column_type(table, name)})" for i, name in enumerate(names))
        statement = _STATEMENTS[(table.name, names)] = (
            f'INSERT INTO "{table.name}" ({columns}) SELECT {values} FROM jsonb_array_elements(CAST($1 AS jsonb)) AS r'
        )
    return statement


def json_text(value: Any) -> str | None:
    """A JSON column's value as ``insert_rows`` takes it on PostgreSQL: its text (None: NULL)."""
    return None if value is None else to_json(value)


def json_value(value: Any) -> Any:
    """A JSON column's value as ``insert_rows`` takes it elsewhere: as it is."""
    return value


async def insert_rows(
    session: AsyncSession, table: Table, names: tuple[str, ...], rows: Sequence[Sequence[Any]]
) -> None:
    """Inserts rows given as their values in the order of ``names``; JSON columns as their
    text on PostgreSQL (``json_text``), as they are elsewhere (``json_value``): ``json_of``
    says which. On PostgreSQL one statement of one parameter."""
    if not rows:
        return
    if not is_postgres(session):
        await session.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])
        return
    connection = await session.connection()
    await connection.exec_driver_sql(_insert(table, names), (to_json(rows),))


def json_of(session: AsyncSession) -> Callable[[Any], Any]:
    """How ``insert_rows`` takes a JSON column's value on this session's database."""
    return json_text if is_postgres(session) else json_value


def among(column: KeyedColumnElement[Any], values: Iterable[str], *, postgres: bool) -> ColumnElement[bool]:
    """``column IN (values)``: on PostgreSQL one array parameter, whatever their number."""
    wanted = sorted(set(values))
    if postgres:
        return column == any_(bindparam(None, wanted, type_=ARRAY(Text)))
    return column.in_(wanted)
