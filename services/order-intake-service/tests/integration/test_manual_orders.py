"""Manual stores on the real stack: "Place order" and CSV import, idempotent on the client's
order reference; a CSV's bad rows are reported by line and column and their orders not imported."""

from pathlib import Path

import pytest

from service_runtime.testing.helpers import eventually, load_module

samples = load_module("order_intake_test_samples", Path(__file__).parents[1] / "samples.py")

CLIENT = "client-manual"
MANUAL, SHOPIFY = "store-manual", "store-shopify"
UID = "flat_product_pf_a4_pt_200-gsm-uncoated_cl_4-0_ver"
ADDRESS = {
    "first_name": "Marie",
    "last_name": "Curie",
    "address1": "11 rue Pierre et Marie Curie",
    "city": "Paris",
    "postcode": "75005",
    "country_code": "fr",  # as people type it
}


@pytest.fixture
async def stores(api, publish, operator):
    mapped_line = samples.line(1, sku="POSTER-A4")
    await publish(
        samples.store(MANUAL, CLIENT, platform="manual", name="Phone orders", shop_url=None),
        samples.store(SHOPIFY, CLIENT),
        samples.mapped(MANUAL, CLIENT, mapped_line, platform="manual"),
    )

    async def known():
        placed = await api.post("/orders", json=_order("probe"), headers=operator)
        return placed.status_code == 201

    await eventually(known)


def _order(reference, **changes):
    body = {
        "store_id": MANUAL,
        "reference": reference,
        "shipping_address": ADDRESS,
        "lines": [
            {"product_uid": UID, "design_file_urls": ["https://files.example.com/poster.pdf"], "quantity": 2},
            {"sku": "POSTER-A4", "quantity": 1},
        ],
    }
    return body | changes


async def test_place_order_by_uid_and_by_mapped_sku(api, stores, token_mint):
    order_manager = token_mint.headers("order_manager", client_id=CLIENT)
    placed = await api.post("/orders", json=_order("PO-1"), headers=order_manager)
    assert placed.status_code == 201, placed.text
    body = placed.json()
    assert (body["status"], body["source"], body["client_reference"]) == ("accepted", "manual", "PO-1")
    assert body["shipping_address"]["country_code"] == "FR"
    assert [(line["product_uid"], line["print_files"][0]["url"]) for line in body["lines"]] == [
        (UID, "https://files.example.com/poster.pdf"),
        (samples.mapped(MANUAL, CLIENT, samples.line(1)).product_uid, "https://files.example.com/summer-front.pdf"),
    ]
    again = await api.post("/orders", json=_order("PO-1"), headers=order_manager)
    assert again.status_code == 200 and again.json()["id"] == body["id"]

    other = await api.post(
        "/orders", json=_order("PO-1", lines=[{"sku": "POSTER-A4", "quantity": 5}]), headers=order_manager
    )
    assert other.status_code == 409 and other.json()["order_id"] == body["id"]
    assert (await api.get(f"/orders/{body['id']}", headers=order_manager)).json()["possible_duplicate"] is True


async def test_place_order_refuses_what_cannot_be_produced_and_changes_nothing(api, stores, token_mint, operator):
    admin = token_mint.headers("admin", client_id=CLIENT)
    cases = {
        "unmapped sku": (_order("PO-2", lines=[{"sku": "NOPE", "quantity": 1}]), 422, "lines[0].sku"),
        "uid without file": (
            _order("PO-2", lines=[{"product_uid": UID, "quantity": 1}]),
            422,
            "lines[0].design_file_urls",
        ),
        "file not a URL": (
            _order("PO-2", lines=[{"product_uid": UID, "design_file_urls": ["file:///etc/passwd"], "quantity": 1}]),
            422,
            "lines[0].design_file_urls",
        ),
        "shop store": (_order("PO-2", store_id=SHOPIFY), 409, None),
    }
    for name, (body, status, field) in cases.items():
        refused = await api.post("/orders", json=body, headers=admin)
        assert refused.status_code == status, (name, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
        if field:
            assert refused.json()["field"] == field, name
    reader = token_mint.headers("read_only", client_id=CLIENT)
    assert (await api.post("/orders", json=_order("PO-2"), headers=reader)).status_code == 403
    stranger = token_mint.headers("admin", client_id="client-other")
    assert (await api.post("/orders", json=_order("PO-2"), headers=stranger)).status_code == 404
    listed = (await api.get("/orders", headers=operator, params={"search": "PO-2"})).json()["items"]
    assert listed == []


async def test_a_placed_order_with_a_bad_address_is_held_naming_the_field(api, stores, token_mint):
    admin = token_mint.headers("admin", client_id=CLIENT)
    placed = await api.post(
        "/orders", json=_order("PO-3", shipping_address=ADDRESS | {"country_code": None}), headers=admin
    )
    assert placed.status_code == 201
    assert [(h["field"], h["message"]) for h in placed.json()["holds"]] == [("country_code", "country code missing")]
    assert placed.json()["status"] == "on_hold"


HEADER = "Order Reference;Recipient Name;Address1;City;Postcode;State;Country Code;Email;Product UID;SKU;Quantity;Design File URLs;Shipping method"


def _csv(orders: int, bad: dict[int, str]) -> tuple[bytes, list[int]]:
    """``orders`` orders of two rows each (semicolons, a BOM, quoted fields); ``bad``: order
    number -> what is wrong with its second row. Returns the file and the bad rows' lines."""
    rows, bad_lines = [HEADER], []
    for n in range(orders):
        reference = f"CSV-{n:04d}"
        address = f'{reference};"Jeanne Dupont";"3 rue des Lilas; bât. B";Lyon;69003;;fr;jeanne@example.com'
        rows.append(f"{address};{UID};;1;https://files.example.com/{n}.pdf;standard")
        second = f"{address};;POSTER-A4;2;;standard"
        if bad.get(n) == "quantity":
            second = f"{address};;POSTER-A4;two;;standard"
        elif bad.get(n) == "sku":
            second = f"{address};;UNKNOWN-SKU;1;;standard"
        elif bad.get(n) == "uid":
            second = f"{address};;;1;;standard"
        if n in bad:
            bad_lines.append(len(rows) + 1)
        rows.append(second)
    return ("\ufeff" + "\r\n".join(rows) + "\r\n").encode(), bad_lines


async def _finished(api, headers, job_id):
    async def done():
        job = (await api.get(f"/order-imports/{job_id}", headers=headers)).json()
        return job if job["status"] == "done" else None

    return await eventually(done, timeout=120, interval=0.5)


async def test_a_csv_of_1000_orders_with_five_bad_rows_imports_the_rest_and_reports_the_five(api, stores, token_mint):
    admin = token_mint.headers("admin", client_id=CLIENT)
    bad = {10: "quantity", 250: "sku", 499: "uid", 777: "quantity", 998: "sku"}
    content, bad_lines = _csv(1000, bad)
    started = await api.post(
        "/order-imports", params={"store_id": MANUAL}, content=content, headers=admin | {"content-type": "text/csv"}
    )
    assert started.status_code == 202, started.text
    job = await _finished(api, admin, started.json()["id"])
    assert (job["orders_total"], job["orders_created"], job["orders_failed"]) == (1000, 995, 5)
    assert [(e["line"], e["column"]) for e in job["errors"]] == list(
        zip(bad_lines, ["quantity", "sku", "product_uid", "quantity", "sku"], strict=True)
    )
    assert job["errors"][1]["message"] == "SKU 'UNKNOWN-SKU' is not mapped in this store"
    # each said by a code and its values too, for the reader's language (kept in the job's errors)
    assert (job["errors"][1]["code"], job["errors"][1]["params"]) == ("order_csv.sku_unmapped", {"sku": "UNKNOWN-SKU"})
    assert {e["code"] for e in job["errors"]} >= {"order_csv.sku_unmapped", "order_line.product_or_sku_required"}

    listed = (await api.get("/orders", headers=admin, params={"search": "CSV-0010"})).json()["items"]
    assert listed == []  # an order with a bad row is not half-imported
    [imported] = (await api.get("/orders", headers=admin, params={"search": "CSV-0011"})).json()["items"]
    detail = (await api.get(f"/orders/{imported['id']}", headers=admin)).json()
    assert (detail["status"], detail["source"], len(detail["lines"])) == ("accepted", "csv_import", 2)
    assert detail["shipping_address"]["address1"] == "3 rue des Lilas; bât. B"

    again = await api.post(
        "/order-imports", params={"store_id": MANUAL}, content=content, headers=admin | {"content-type": "text/csv"}
    )
    job = await _finished(api, admin, again.json()["id"])
    assert (job["orders_created"], job["orders_existing"], job["orders_failed"]) == (0, 995, 5)


async def test_a_csv_without_its_required_columns_is_refused_with_the_columns_named(api, stores, token_mint):
    admin = token_mint.headers("admin", client_id=CLIENT)
    started = await api.post(
        "/order-imports", params={"store_id": MANUAL}, content=b"reference,city\nA,Paris\n", headers=admin
    )
    assert started.status_code == 202
    job = started.json()
    assert job["status"] == "refused"
    assert {e["column"] for e in job["errors"]} == {
        "recipient_name",
        "address1",
        "country_code",
        "quantity",
        "product_uid or sku",
    }


async def test_an_import_cut_by_a_restart_says_interrupted(intake_settings, token_mint):
    """An import whose process stopped (no progress for a minute) is said interrupted; one
    another process of the service is running (progress just now) is left alone."""
    from datetime import UTC, datetime, timedelta

    from order_intake.domain.imports import ImportJob
    from order_intake.main import create_app
    from service_runtime.testing.helpers import eventually, running

    app = create_app(intake_settings)
    async with running(app):
        async with app.state.runtime.uow() as uow:
            before = datetime.now(UTC) - timedelta(minutes=2)
            await uow.import_jobs.add(ImportJob("job-cut", CLIENT, MANUAL, "someone", before, rows=10, orders_total=5))
            await uow.import_jobs.add(
                ImportJob("job-elsewhere", CLIENT, MANUAL, "someone", before, rows=10, orders_total=5)
            )
            await uow.commit()
        async with app.state.runtime.uow() as uow:  # another process saves this one's progress
            job = await uow.import_jobs.get("job-elsewhere")
            job.progress(created=2, existing=0, flagged=0, failed=0, errors=[])
            await uow.import_jobs.save(job)
            await uow.commit()
    app = create_app(intake_settings)
    async with running(app) as api:
        admin = token_mint.headers("admin", client_id=CLIENT)

        async def interrupted():
            job = (await api.get("/order-imports/job-cut", headers=admin)).json()
            return job if job["status"] == "interrupted" else None

        job = await eventually(interrupted, timeout=10)
        assert job["finished_at"]
        elsewhere = (await api.get("/order-imports/job-elsewhere", headers=admin)).json()
        assert (elsewhere["status"], elsewhere["orders_created"]) == ("running", 2)
        other = token_mint.headers("admin", client_id="client-other")
        assert (await api.get("/order-imports/job-cut", headers=other)).status_code == 404


async def test_a_placed_order_has_no_made_up_total_and_names_who_placed_it(api, stores, token_mint, operator):
    ada = token_mint.headers("order_manager", client_id=CLIENT, subject="u-ada", name="Ada Lovelace")
    placed = await api.post("/orders", json=_order("PO-4"), headers=ada)
    assert placed.status_code == 201, placed.text
    body = placed.json()
    assert (body["total"], body["currency"]) == (None, "EUR")  # its lines have no prices: no total, never 0
    assert [(h["actor"], h["actor_name"], h["code"]) for h in body["history"]] == [
        ("u-ada", "Ada Lovelace", "history.received"),
        ("u-ada", "Ada Lovelace", "history.resolved"),
    ]
    [listed] = (await api.get("/orders", headers=operator, params={"search": "PO-4"})).json()["items"]
    assert listed["total"] is None


async def test_a_country_code_that_cannot_be_one_is_refused_next_to_its_field_and_nothing_is_placed(
    api, stores, token_mint, operator
):
    admin = token_mint.headers("admin", client_id=CLIENT)
    refused = await api.post(
        "/orders", json=_order("PO-5", shipping_address=ADDRESS | {"country_code": "France"}), headers=admin
    )
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert (problem["field"], problem["code"], problem["params"], problem["detail"]) == (
        "shipping_address.country_code",
        "address.country_unknown",
        {"country": "France"},  # as typed
        "Country code 'France' is not an ISO country code.",
    )
    assert "errors" not in problem or not problem["errors"]  # not pydantic's "at most 2 characters"
    assert (await api.get("/orders", headers=operator, params={"search": "PO-5"})).json()["items"] == []


async def test_bad_lines_are_refused_each_by_its_line_field_and_code_in_the_readers_language_and_nothing_is_placed(
    api, stores, token_mint, operator
):
    admin = token_mint.headers("admin", client_id=CLIENT)
    lines = [
        {"product_uid": UID, "design_file_urls": ["https://files.example.com/poster.pdf"], "quantity": 1},
        {"product_uid": UID, "design_file_urls": ["ftp://files.example.com/poster.pdf"], "quantity": 1},
        {"sku": "POSTER-A4", "quantity": 0},
    ]
    refused = await api.post("/orders", json=_order("PO-6", lines=lines), headers=admin)
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert (problem["title"], problem["field"], problem["code"], problem["params"], problem["detail"]) == (
        "Invalid order",
        "lines[1].design_file_urls",
        "order_line.design_file_not_url",
        {"url": "ftp://files.example.com/poster.pdf"},
        "Line 2: 'ftp://files.example.com/poster.pdf' is not an http(s) URL.",
    )
    assert [(e["line"], e["location"], e["code"], e["params"], e["message"]) for e in problem["errors"]] == [
        (
            2,
            ["body", "lines", "1", "design_file_urls"],
            "order_line.design_file_not_url",
            {"url": "ftp://files.example.com/poster.pdf"},
            "'ftp://files.example.com/poster.pdf' is not an http(s) URL.",
        ),
        (
            3,
            ["body", "lines", "2", "quantity"],
            "order_line.quantity_range",
            {"max": "100000"},
            "Quantity must be a whole number from 1 to 100000.",
        ),
    ]

    french = await api.post("/orders", json=_order("PO-6", lines=lines), headers=admin | {"Accept-Language": "fr-FR"})
    assert french.status_code == 422
    said = french.json()
    assert (said["title"], said["detail"], said["code"]) == (
        "Commande non valide",
        "Ligne 2 : « ftp://files.example.com/poster.pdf » n'est pas une URL http(s).",
        "order_line.design_file_not_url",
    )
    assert [e["code"] for e in said["errors"]] == ["order_line.design_file_not_url", "order_line.quantity_range"]

    unmapped = [{"sku": "POSTER-A4", "quantity": 1}, {"sku": "POSTER-A3", "quantity": 1}]
    refused = await api.post("/orders", json=_order("PO-6", lines=unmapped), headers=admin | {"Accept-Language": "fr"})
    assert refused.status_code == 422
    problem = refused.json()
    assert (problem["field"], problem["code"], problem["params"], problem["detail"]) == (
        "lines[1].sku",
        "order_csv.sku_unmapped",
        {"sku": "POSTER-A3"},
        "Ligne 2 : le SKU « POSTER-A3 » n'est pas relié dans cette boutique.",
    )
    assert [(e["line"], e["location"]) for e in problem["errors"]] == [(2, ["body", "lines", "1", "sku"])]
    assert (await api.get("/orders", headers=operator, params={"search": "PO-6"})).json()["items"] == []
