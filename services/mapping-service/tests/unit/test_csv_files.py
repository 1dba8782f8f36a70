"""Real-world CSV files: BOM, semicolons, quoted separators and line breaks, header case, extra columns."""

import pytest

from mapping.domain.csv_files import read_csv
from mapping.domain.errors import InvalidCsv


def test_bom_semicolons_quoted_newlines_and_header_case():
    content = '\ufeffSKU;Title;Ignored\nA1;"Tee; ""best""\nsecond line";x\n\nB2;Mug;y\n'.encode()
    rows = read_csv(content, required=("sku", "title"))
    assert [(r.line, r.values) for r in rows] == [
        (2, {"sku": "A1", "title": 'Tee; "best"\nsecond line'}),
        (5, {"sku": "B2", "title": "Mug"}),
    ]


def test_commas_without_bom():
    rows = read_csv(b'sku,title\nA1,"Tee, white"\n', required=("sku",), known=("title",))
    assert rows[0].values == {"sku": "A1", "title": "Tee, white"}


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "csv_empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "csv_not_text"),
        ("sku,title\nA1,Caf\u00e9\n".encode("latin-1"), "csv_not_utf8"),
        (b"name,price\nTee,10\n", "csv_missing_columns"),
    ],
)
def test_what_is_not_a_usable_csv_is_refused(content, code):
    with pytest.raises(InvalidCsv) as refused:
        read_csv(content, required=("sku", "title"))
    assert refused.value.key == code
