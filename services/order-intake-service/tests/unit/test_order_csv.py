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


HEADER = "order_reference,recipient_name,address1,city,postcode,state,country_code,product_uid,sku,design_file_urls,quantity\n"


def _said(rows: str) -> list[tuple[int, str | None, str | None, dict[str, str], str]]:
    parsed = parse_orders_csv((HEADER + rows).encode())
    return [(e.line, e.column, e.code, e.params, e.message) for e in parsed.errors]


def test_each_kind_of_bad_row_is_said_by_a_code_and_the_values_its_english_sentence_names():
    said = _said(
        "C-1,Ann,1 Main St,Springfield,62701,IL,US,,TEE-1,,two\n"  # 2
        "C-2,Ann,1 Main St,Springfield,62701,IL,US,,TEE-1,,100001\n"  # 3
        f"C-3,Ann,1 Main St,Springfield,62701,IL,US,{UID},TEE-1,{URL},1\n"  # 4
        "C-4,Ann,1 Main St,Springfield,62701,IL,US,,,,1\n"  # 5
        f"C-5,Ann,1 Main St,Springfield,62701,IL,US,{UID},,,1\n"  # 6
        f"C-6,Ann,1 Main St,Springfield,62701,IL,US,{UID},,ftp://x/a.pdf,1\n"  # 7
        f"C-7,Ann,1 Main St,Springfield,62701,IL,US,,TEE-1,{URL},1\n"  # 8
        ",Ann,1 Main St,Springfield,62701,IL,US,,TEE-1,,1\n"  # 9
        "C-8,Ann,1 Main St,Springfield,62701,IL,XX,,TEE-1,,1\n"  # 10
        "C-9,,,,,,,,TEE-1,,1\n"  # 11
        "C-10,Ann,1 High St,London,NOPE,,GB,,TEE-1,,1\n"  # 12
        "C-11,Ann,1 Main St,Springfield,,,US,,TEE-1,,1\n"  # 13
    )
    assert said == [
        (
            2,
            "quantity",
            "order_csv.quantity_not_whole",
            {"quantity": "two"},
            "quantity 'two' is not a whole number from 1",
        ),
        (
            3,
            "quantity",
            "order_line.quantity_range",
            {"max": "100000"},
            "quantity must be a whole number from 1 to 100000",
        ),
        (4, "product_uid", "order_line.product_and_sku", {}, "give a product UID or a SKU, not both"),
        (5, "product_uid", "order_line.product_or_sku_required", {}, "a product UID or a SKU is required"),
        (
            6,
            "design_file_urls",
            "order_line.design_files_required",
            {},
            "a line by product UID needs at least one design file URL",
        ),
        (
            7,
            "design_file_urls",
            "order_line.design_file_not_url",
            {"url": "ftp://x/a.pdf"},
            "'ftp://x/a.pdf' is not an http(s) URL",
        ),
        (
            8,
            "design_file_urls",
            "order_line.design_files_with_sku",
            {},
            "a line by SKU takes its design files from the store's mapping",
        ),
        (9, "order_reference", "order_csv.reference_missing", {}, "order reference missing"),
        (
            10,
            "country_code",
            "address.country_unknown",
            {"country": "XX"},
            "country code 'XX' is not an ISO country code",
        ),
        (11, "recipient_name", "address.name_missing", {}, "recipient name missing"),
        (11, "address1", "address.street_missing", {}, "street address missing"),
        (11, "city", "address.city_missing", {}, "city missing"),
        (11, "country_code", "address.country_missing", {}, "country code missing"),
        (
            12,
            "postcode",
            "address.postcode_invalid",
            {"postcode": "NOPE", "country": "GB"},
            "postcode 'NOPE' is not a valid GB postcode",
        ),
        (13, "state", "address.state_missing", {"country": "US"}, "state or province missing (required for US)"),
        (13, "postcode", "address.postcode_missing", {"country": "US"}, "postcode missing (required for US)"),
    ]


def test_a_refused_file_is_said_by_codes_too():
    missing = parse_orders_csv(b"order_reference\tcity\nA\tParis\n")
    assert [(e.column, e.code, e.params) for e in missing.errors][:2] == [
        ("recipient_name", "order_csv.column_missing", {"column": "recipient_name"}),
        ("address1", "order_csv.column_missing", {"column": "address1"}),
    ]
    assert (missing.errors[-1].column, missing.errors[-1].code, missing.errors[-1].message) == (
        "product_uid or sku",
        "order_csv.product_column_missing",
        "column 'product_uid or sku' is missing",
    )
    latin1 = parse_orders_csv("order_reference;city\nA;Besançon\n".encode("latin-1"))
    assert (latin1.errors[0].code, latin1.errors[0].message) == (
        "order_csv.not_utf8",
        f"the file is not UTF-8 (byte {latin1.errors[0].params['position']})",
    )
    assert [(e.line, e.code) for e in parse_orders_csv(b"").errors] == [(1, "order_csv.no_header")]


def test_a_report_kept_before_row_errors_had_codes_still_reads_with_its_english_words():
    from datetime import UTC, datetime

    from order_intake.adapters.db import _job_of, _job_values
    from order_intake.adapters.tables import ImportJobRow
    from order_intake.entrypoints.schemas import ImportJobPublic

    now = datetime.now(UTC)
    counts = dict.fromkeys(("rows", "orders_total", "orders_done", "orders_created", "orders_existing"), 1)
    old = ImportJobRow(
        id="j-1", client_id="c", store_id="s", created_by="u", created_at=now, status="done",
        **counts, orders_flagged=0, orders_failed=1, finished_at=now,
        errors=[{"line": 4, "column": "quantity", "message": "quantity 'many' is not a whole number from 1"}],
    )  # fmt: skip
    job = _job_of(old)
    [public] = ImportJobPublic.of(job).errors
    assert (public.line, public.message, public.code, public.params) == (
        4,
        "quantity 'many' is not a whole number from 1",
        None,
        None,
    )
    job.errors = parse_orders_csv((HEADER + "C-1,Ann,1 Main St,Springfield,62701,IL,US,,TEE-1,,many\n").encode()).errors
    [kept] = _job_of(ImportJobRow(**_job_values(job))).errors  # stored in the same JSON column, read back
    assert (kept.code, kept.params) == ("order_csv.quantity_not_whole", {"quantity": "many"})
    [public] = ImportJobPublic.of(_job_of(ImportJobRow(**_job_values(job)))).errors
    assert (public.code, public.params) == ("order_csv.quantity_not_whole", {"quantity": "many"})
