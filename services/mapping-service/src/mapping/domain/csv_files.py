"""Reading the CSV files people make: UTF-8 with or without a BOM, comma or semicolon
separated, quoted fields holding separators and line breaks, header names in any case,
extra columns ignored. Pure: the file's bytes in, rows with their line numbers out."""

import csv
import io
from dataclasses import dataclass

from mapping.domain.errors import InvalidCsv

csv.field_size_limit(1_000_000)


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
    if not content.strip():
        raise InvalidCsv("csv_empty")
    if b"\x00" in content[:4096]:
        raise InvalidCsv("csv_not_text")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidCsv("csv_not_utf8", position=error.start) from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        raise InvalidCsv("csv_unreadable", reason=str(error)) from error
    columns = [name.strip().lower() for name in header]
    if missing := [name for name in required if name not in columns]:
        raise InvalidCsv("csv_missing_columns", columns=", ".join(missing), expected=", ".join(required))
    wanted = set(required) | set(known)
    rows: list[CsvRow] = []
    line = reader.line_num + 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                values = {
                    name: record[i].strip() if i < len(record) else ""
                    for i, name in enumerate(columns)
                    if name in wanted
                }
                rows.append(CsvRow(line, values))
            line = reader.line_num + 1
    except csv.Error as error:
        raise InvalidCsv("csv_malformed_line", line=line, reason=str(error)) from error
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
