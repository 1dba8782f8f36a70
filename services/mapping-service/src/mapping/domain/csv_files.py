"""The mapping service's CSV files: rows read by the runtime's reader (BOM, `,`/`;`, quotes,
header names in any case), required columns checked, extra columns ignored; and writing them."""

import csv
import io
from dataclasses import dataclass

from mapping.domain.errors import InvalidCsv
from service_runtime.csv_files import CsvRefused, read_table


@dataclass(frozen=True)
class CsvRow:
    line: int  # the file's line where the row starts (the header is line 1)
    values: dict[str, str]  # lower-case column name -> value, stripped


@dataclass(frozen=True)
class RowProblem:
    """One refused cell: which line and column, and why (a message key and its values)."""

    line: int
    column: str
    code: str
    values: dict[str, object]


def read_csv(content: bytes, *, required: tuple[str, ...], known: tuple[str, ...] = ()) -> list[CsvRow]:
    """The rows of a CSV file, or InvalidCsv when it is not a CSV or lacks a required column."""
    try:
        table = read_table(content)
    except CsvRefused as refused:
        code = "csv_empty" if refused.code == "csv_no_header" else refused.code
        raise InvalidCsv(code, field=None, extra=None, **refused.values) from refused
    if missing := [name for name in required if name not in table.columns]:
        raise InvalidCsv("csv_missing_columns", columns=", ".join(missing), expected=", ".join(required))
    wanted = set(required) | set(known)
    kept = [(i, name) for i, name in enumerate(table.columns) if name in wanted]  # once, not per row
    width = max((i for i, _ in kept), default=-1) + 1
    rows = []
    for line, record in table.rows:
        if len(record) >= width:
            rows.append(CsvRow(line, {name: record[i].strip() for i, name in kept}))
        else:
            rows.append(CsvRow(line, {name: record[i].strip() if i < len(record) else "" for i, name in kept}))
    return rows


def write_csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def split_list(value: str) -> list[str]:
    """A list inside one cell: ``png|jpeg`` (``|`` since commas and semicolons separate columns)."""
    return [part.strip() for part in value.split("|") if part.strip()]


def split_pairs(value: str) -> dict[str, str]:
    """``size=M|colour=White`` → {"size": "M", "colour": "White"}; a part without ``=`` raises ValueError."""
    pairs: dict[str, str] = {}
    for part in split_list(value):
        name, sep, item = part.partition("=")
        if not sep:
            raise ValueError(part)
        pairs[name.strip()] = item.strip()
    return pairs
