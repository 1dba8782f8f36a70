"""The runtime's CSV reader, shared by the mapping and order imports: the files people make."""

import pytest

from service_runtime.csv_files import CsvRefused, read_table


def test_a_semicolon_file_with_a_bom_and_a_quoted_line_break_keeps_each_rows_file_line():
    content = '\ufeffSKU;Title\r\nA-1;"Summer tee;\r\nwhite"\r\n\r\nB-2;Mug\r\n'.encode()
    table = read_table(content)
    assert table.columns == ["sku", "title"]
    assert table.rows == [(2, ["A-1", "Summer tee;\r\nwhite"]), (5, ["B-2", "Mug"])]


def test_the_headers_separator_wins_and_the_callers_rule_names_the_columns():
    table = read_table(b"Order Reference\tQty\nR1\t2\n", normalise=lambda name: name.strip().replace(" ", "_"))
    assert table.columns == ["Order_Reference", "Qty"] and table.rows == [(2, ["R1", "2"])]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"  \n", "csv_empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "csv_not_text"),
        ("sku\ncaf\u00e9\n".encode("latin-1"), "csv_not_utf8"),
        (b",,\nA,B\n", "csv_no_header"),
        (b'sku,title\nA,"unclosed\n', "csv_malformed_line"),
    ],
)
def test_a_file_that_is_not_a_readable_csv_is_refused_with_its_reason(content, code):
    with pytest.raises(CsvRefused) as refused:
        read_table(content)
    assert refused.value.code == code
