"""Operators manage the catalog over HTTP and by CSV; everyone signed in reads it."""

from mapping.cli import SAMPLE_CATALOG

TEE = {
    "product_uid": "apparel_tshirt-test-100_m_white",
    "title": "Test tee M white",
    "attributes": {"size": "M", "colour": "White"},
    "print_spec": {
        "formats": ["png", "jpg"],
        "min_dpi": 150,
        "width_mm": 300,
        "height_mm": 400,
        "print_files": ["front", "back"],
    },
}


async def test_an_operator_creates_reads_updates_and_retires_a_catalog_product(api, operator, token_mint):
    created = await api.post("/catalog/products", json=TEE, headers=operator)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["product_type"] == "apparel"
    assert body["print_spec"]["formats"] == ["png", "jpeg"]
    assert body["active"] is True

    again = await api.post("/catalog/products", json=TEE, headers=operator)
    assert again.status_code == 409
    assert again.json()["code"] == "catalog_product_exists"

    client_user = token_mint.headers("read_only", client_id="c-1")
    read = await api.get(f"/catalog/products/{TEE['product_uid']}", headers=client_user)
    assert read.status_code == 200 and read.json()["title"] == "Test tee M white"
    assert (
        await api.post("/catalog/products", json=TEE | {"product_uid": "mug_x_y"}, headers=client_user)
    ).status_code == 403

    changed = await api.patch(
        f"/catalog/products/{TEE['product_uid']}", json={"title": "Test tee, medium"}, headers=operator
    )
    assert changed.status_code == 200 and changed.json()["title"] == "Test tee, medium"

    retired = await api.post(f"/catalog/products/{TEE['product_uid']}/retire", headers=operator)
    assert retired.json()["active"] is False
    active = await api.get("/catalog/products", headers=operator)
    assert TEE["product_uid"] not in [p["product_uid"] for p in active.json()["items"]]
    listed = await api.get("/catalog/products", params={"status": "retired"}, headers=operator)
    assert [p["product_uid"] for p in listed.json()["items"]] == [TEE["product_uid"]]


async def test_a_bad_product_is_refused_in_the_readers_language_and_nothing_is_stored(api, operator):
    bad = TEE | {"product_uid": "spaceship_x_y"}
    refused = await api.post("/catalog/products", json=bad, headers=operator | {"Accept-Language": "fr"})
    assert refused.status_code == 422
    assert refused.json()["field"] == "product_uid"
    assert "ne commence pas par un type de produit connu" in refused.json()["detail"]
    wrong_format = TEE | {"print_spec": TEE["print_spec"] | {"formats": ["gif"]}}
    assert (await api.post("/catalog/products", json=wrong_format, headers=operator)).json()["code"] == "format_unknown"
    assert (await api.get("/catalog/products", params={"status": "all"}, headers=operator)).json()["items"] == []
    missing = await api.get("/catalog/products/apparel_nothing_here", headers=operator)
    assert missing.status_code == 404


async def test_the_sample_catalog_imports_and_lists_with_search_filter_and_pages(api, operator):
    content = SAMPLE_CATALOG.read_bytes()
    imported = await api.post("/catalog/import", content=content, headers=operator | {"content-type": "text/csv"})
    assert imported.status_code == 200, imported.text
    report = imported.json()
    assert report["rows"] >= 200 and report["added"] == report["rows"] and report["changed"] == 0
    again = await api.post("/catalog/import", content=content, headers=operator | {"content-type": "text/csv"})
    assert again.json() == {"rows": report["rows"], "added": 0, "changed": 0}

    mugs = await api.get("/catalog/products", params={"type": "mug", "limit": 500}, headers=operator)
    assert mugs.json()["items"] and {p["product_type"] for p in mugs.json()["items"]} == {"mug"}
    found = await api.get("/catalog/products", params={"search": "gildan 5000"}, headers=operator)
    assert {p["product_uid"].split("_")[1] for p in found.json()["items"]} == {"tshirt-gildan-5000"}
    found = await api.get("/catalog/products", params={"search": "gildan-5000_m_white"}, headers=operator)
    assert [p["product_uid"] for p in found.json()["items"]] == ["apparel_tshirt-gildan-5000_m_white"]

    seen, cursor = [], None
    while True:
        page = (
            await api.get(
                "/catalog/products", params={"limit": 40} | ({"cursor": cursor} if cursor else {}), headers=operator
            )
        ).json()
        seen += [p["product_uid"] for p in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    active_rows = sum(1 for line in content.decode().splitlines()[1:] if not line.endswith(",false"))
    assert len(seen) == len(set(seen)) == active_rows
    assert seen == sorted(seen)
    assert (await api.get("/catalog/products", params={"cursor": "nope"}, headers=operator)).status_code == 400


async def test_a_catalog_file_with_bad_lines_names_each_and_changes_nothing(api, operator):
    content = (
        "\ufeffProduct_UID;Title;Formats;Min_DPI;Width_mm;Height_mm;Print_files;Notes\n"
        "poster_a4_matte;Poster A4;pdf|png;300;210;297;default;fine\n"
        'poster_a3_matte;"Poster A3; matte";pdf;three hundred;297;420;default;x\n'
        "POSTER A2;Poster A2;pdf;300;420;594;default;x\n"
        "poster_a1_matte;Poster A1;gif;300;594;841;default;x\n"
        "poster_a4_matte;Poster A4 again;pdf;300;210;297;default;x\n"
    ).encode()
    refused = await api.post("/catalog/import", content=content, headers=operator | {"content-type": "text/csv"})
    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert [(e["line"], e["column"], e["type"]) for e in errors] == [
        (3, "min_dpi", "number_invalid"),
        (4, "product_uid", "uid_malformed"),
        (5, "formats", "format_unknown"),
        (6, "product_uid", "uid_repeated"),
    ]
    assert "'three hundred' is not a number" in errors[0]["message"]
    assert (await api.get("/catalog/products", headers=operator)).json()["items"] == []


async def test_not_a_csv_or_missing_columns_is_refused_clearly(api, operator):
    png = await api.post(
        "/catalog/import",
        content=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        headers=operator | {"content-type": "text/csv"},
    )
    assert png.status_code == 422 and png.json()["code"] == "csv_not_text"
    missing = await api.post(
        "/catalog/import",
        content=b"product_uid,title\nposter_a4_x,Poster\n",
        headers=operator | {"content-type": "text/csv"},
    )
    assert missing.json()["code"] == "csv_missing_columns"
    assert "formats, min_dpi" in missing.json()["detail"]


async def test_the_load_catalog_command_loads_the_sample_into_the_service_database(
    mapping_settings, monkeypatch, api, operator
):
    from mapping.cli import _load_catalog

    assert await _load_catalog(mapping_settings, "sample", SAMPLE_CATALOG.read_bytes()) == 0
    assert await _load_catalog(mapping_settings, "sample", SAMPLE_CATALOG.read_bytes()) == 0  # again: nothing changes
    tee = await api.get("/catalog/products/apparel_tshirt-gildan-5000_m_white", headers=operator)
    assert tee.status_code == 200
    assert tee.json()["print_spec"]["print_files"] == ["front", "back"]
