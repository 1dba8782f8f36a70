"""Bulk statements of the hot path without SQLAlchemy's work per bound value.

On PostgreSQL the rows are inserted by one statement whatever their number: each column
goes in as one array and ``unnest`` turns the arrays back into rows (asyncpg encodes the arrays
in C; SQLAlchemy's Core insert would run each value of each row through Python bind processors,
and an executemany makes the server plan and run one INSERT per row, which costs PostgreSQL,
on the same cores as the service, more than the service itself); and a list of values is
compared as one array (``= ANY(...)``) instead of a bound parameter per value of an ``IN``
list. Other databases (SQLite) take the Core statements."""

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import JSON, Boolean, ColumnElement, DateTime, Integer, Table, Text, any_, bindparam, insert
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import KeyedColumnElement

#: JSON column values as PostgreSQL reads them; compact, and written once per value.
to_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode

_STATEMENTS: dict[tuple[str, tuple[str, ...]], str] = {}


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _array_type(table: Table, name: str) -> str:
    """The PostgreSQL array a column's values travel in: text for strings (the INSERT's own
    assignment checks their length, as a row's would) and JSON (its text, cast by the SELECT)."""
    kind = table.c[name].type
    if isinstance(kind, Boolean):
        return "boolean[]"
    if isinstance(kind, Integer):
        return "bigint[]"
    if isinstance(kind, DateTime):
        return "timestamptz[]"
    return "text[]"


def _insert(table: Table, names: tuple[str, ...]) -> str:
    """``INSERT INTO t ("a", "b") SELECT "a", CAST("b" AS json) FROM unnest($1::text[], $2::text[])
    AS u("a", "b")``: one parameter per column, built once per table and columns."""
    statement = _STATEMENTS.get((table.name, names))
    if statement is None:
        columns = ", ".join(f'"{name}"' for name in names)
        selected = ", ".join(
            f'CAST("{name}" AS json)' if isinstance(table.c[name].type, JSON) else f'"{name}"' for name in names
        )
        arrays = ", ".join(f"${i}::{_array_type(table, name)}" for i, name in enumerate(names, start=1))
        statement = _STATEMENTS[(table.name, names)] = (
            f'INSERT INTO "{table.name}" ({columns}) SELECT {selected} FROM unnest({arrays}) AS u({columns})'
        )
    return statement


async def insert_rows(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Inserts rows that all have the same keys. On PostgreSQL one statement of one array per
    column (JSON columns as their text)."""
    if not rows:
        return
    if not is_postgres(session):
        await session.execute(insert(table), rows)
        return
    names = tuple(rows[0])
    columns = [[row[name] for row in rows] for name in names]
    for i, name in enumerate(names):
        if isinstance(table.c[name].type, JSON):
            columns[i] = [_json_text(value) for value in columns[i]]
    connection = await session.connection()
    await connection.exec_driver_sql(_insert(table, names), tuple(columns))


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    return to_json(value) if value else "[]" if isinstance(value, list) else "{}"


def among(column: KeyedColumnElement[Any], values: Iterable[str], *, postgres: bool) -> ColumnElement[bool]:
    """``column IN (values)``: on PostgreSQL one array parameter, whatever their number."""
    wanted = sorted(set(values))
    if postgres:
        return column == any_(bindparam(None, wanted, type_=ARRAY(Text)))
    return column.in_(wanted)
