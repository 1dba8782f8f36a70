"""Reading the CSV files people make, for every service that imports them: UTF-8 with or
without a BOM, comma, semicolon or tab separated (the header's separator), quoted fields
holding separators and line breaks, blank lines skipped, each row with the file line it
starts on. Pure: bytes in, a table out; what the columns mean is the caller's."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

csv.field_size_limit(1_000_000)


class CsvRefused(ValueError):
    """The file cannot be read as a CSV: ``code`` (csv_empty, csv_not_text, csv_not_utf8,
    csv_unreadable, csv_no_header, csv_malformed_line) and its values say why."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass(frozen=True)
class CsvTable:
    columns: list[str]  # the header's names, normalised by the caller's rule
    rows: list[tuple[int, list[str]]]  # (file line where the row starts, its cells); blank rows left out


def header_name(name: str) -> str:
    return name.strip().lower()


def read_table(
    content: bytes,
    *,
    normalise: Callable[[str], str] = header_name,
    delimiters: tuple[str, ...] = (",", ";", "\t"),
    strict: bool = True,
) -> CsvTable:
    """The header and rows of a CSV file, or CsvRefused. ``strict``: a malformed quoted field
    refuses the file (else the csv module reads it as best it can)."""
    if not content.strip():
        raise CsvRefused("csv_empty")
    if b"\x00" in content[:4096]:
        raise CsvRefused("csv_not_text")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvRefused("csv_not_utf8", position=error.start) from error
    first_line = text.split("\n", 1)[0]
    delimiter = max(delimiters, key=first_line.count)  # the first on a tie
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        raise CsvRefused("csv_unreadable", reason=str(error)) from error
    if not any(cell.strip() for cell in header):
        raise CsvRefused("csv_no_header")
    rows: list[tuple[int, list[str]]] = []
    line = reader.line_num + 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                rows.append((line, record))
            line = reader.line_num + 1
    except csv.Error as error:
        raise CsvRefused("csv_malformed_line", line=line, reason=str(error)) from error
    return CsvTable([normalise(name) for name in header], rows)
