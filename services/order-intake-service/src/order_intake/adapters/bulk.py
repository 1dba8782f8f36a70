"""Bulk statements of the hot path without SQLAlchemy's work per bound value.

On PostgreSQL a page of rows is inserted by the driver's executemany of one prepared
statement (asyncpg encodes every value in C, where SQLAlchemy's Core insert runs each value
of each row through Python bind processors and recompiles the multi-row statement per page),
and a list of values is compared as one array (``= ANY(...)``) instead of a bound parameter
per value of an ``IN`` list. Other databases (SQLite) take the Core statements."""

import json
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, ColumnElement, Table, Text, any_, bindparam, insert
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import KeyedColumnElement

#: JSON column values as PostgreSQL reads them; compact, and written once per value.
to_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode

_STATEMENTS: dict[tuple[str, tuple[str, ...]], str] = {}


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _insert(table: Table, names: tuple[str, ...]) -> str:
    """``INSERT INTO t ("a", "b") VALUES ($1, $2)`` in asyncpg's own placeholders, built once."""
    statement = _STATEMENTS.get((table.name, names))
    if statement is None:
        columns = ", ".join(f'"{name}"' for name in names)
        placeholders = ", ".join(f"${i}" for i in range(1, len(names) + 1))
        statement = _STATEMENTS[(table.name, names)] = f'INSERT INTO "{table.name}" ({columns}) VALUES ({placeholders})'
    return statement


async def insert_rows(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Inserts rows that all have the same keys. On PostgreSQL the driver's executemany of one
    prepared statement gets the values as they are (JSON columns as their text)."""
    if not rows:
        return
    if not is_postgres(session):
        await session.execute(insert(table), rows)
        return
    names = tuple(rows[0])
    as_json = [i for i, name in enumerate(names) if isinstance(table.c[name].type, JSON)]
    values = list(map(itemgetter(*names), rows)) if len(names) > 1 else [(row[names[0]],) for row in rows]
    if as_json:
        values = [_json_columns(row, as_json) for row in values]
    connection = await session.connection()
    await connection.exec_driver_sql(_insert(table, names), values)


def _json_columns(row: tuple[Any, ...], as_json: list[int]) -> tuple[Any, ...]:
    values = list(row)
    for i in as_json:
        value = values[i]
        if value is not None:
            values[i] = to_json(value) if value else "[]" if isinstance(value, list) else "{}"
    return tuple(values)


def among(column: KeyedColumnElement[Any], values: Iterable[str], *, postgres: bool) -> ColumnElement[bool]:
    """``column IN (values)``: on PostgreSQL one array parameter, whatever their number."""
    wanted = sorted(set(values))
    if postgres:
        return column == any_(bindparam(None, wanted, type_=ARRAY(Text)))
    return column.in_(wanted)
