"""The order CSV of manual stores, read alone: real-world files, bad rows by line and column."""

from order_intake.domain.order_csv import parse_orders_csv

UID = "flat_product_pf_a4"
URL = "https://files.example.com/a.pdf"


def test_a_semicolon_file_with_bom_quotes_and_any_header_case_groups_rows_into_orders():
    content = (
        "\ufeffORDER REFERENCE;Recipient Name;address1;City;postcode;Country-Code;Product UID;Quantity;Design File URL\r\n"
        f'A-1;"Ada Lovelace";"1 rue X; bât. 2";Paris;75001;fr;{UID};2;{URL}\r\n'
        f'A-2;Bob;"2 line\nbreak";Lyon;69001;FR;{UID};1;{URL} https://files.example.com/back.pdf\r\n'
        f"a-1;Ada Lovelace;1 rue X;Paris;75001;FR;{UID};1;{URL}\r\n"
    ).encode()
    parsed = parse_orders_csv(content)
    assert parsed.errors == [] and parsed.rows == 3
    assert [(d.reference, len(d.lines)) for d in parsed.drafts] == [("A-1", 2), ("A-2", 1)]
    first = parsed.drafts[0]
    assert (first.address.first_name, first.address.last_name, first.address.address1) == (
        "Ada",
        "Lovelace",
        "1 rue X; bât. 2",
    )
    assert first.address.country_code == "FR"
    assert parsed.drafts[1].lines[0].design_file_urls == (URL, "https://files.example.com/back.pdf")
    assert parsed.draft_lines == {"a-1": [2, 5], "a-2": [3]}


def test_bad_rows_are_named_by_line_and_column_and_their_order_is_left_out():
    content = (
        b"order_reference,recipient_name,address1,city,postcode,country_code,sku,quantity\n"
        b"B-1,Ann,1 Main St,Springfield,62701,US,TEE-1,1\n"
        b"B-2,Ann,1 Main St,Springfield,62701,US,TEE-1,0\n"
        b"B-2,Ann,1 Main St,Springfield,62701,US,,1\n"
        b"B-3,Ann,1 High St,London,NOPE,GB,TEE-1,1\n"
        b",Ann,1 Main St,Springfield,62701,US,TEE-1,1\n"
    )
    parsed = parse_orders_csv(content)
    assert [d.reference for d in parsed.drafts] == []  # B-1: US needs a state
    assert [(e.line, e.column) for e in parsed.errors] == [
        (2, "state"),
        (3, "state"),
        (3, "quantity"),
        (4, "product_uid"),
        (5, "postcode"),
        (6, "order_reference"),
    ]
    assert parsed.failed_orders == 3


def test_a_file_without_its_columns_or_not_utf8_is_refused_whole():
    missing = parse_orders_csv(b"order_reference\tcity\nA\tParis\n")
    assert missing.refused and {e.column for e in missing.errors} >= {"recipient_name", "quantity"}
    latin1 = parse_orders_csv("order_reference;city\nA;Besançon\n".encode("latin-1"))
    assert latin1.refused and "not UTF-8" in latin1.errors[0].message
    assert parse_orders_csv(b"").refused
