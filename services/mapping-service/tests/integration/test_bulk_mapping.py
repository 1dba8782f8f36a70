"""Bulk mapping by CSV: export → fill → import maps every row; bad rows are reported by line
and column; the same file again changes nothing; a file that is not a usable CSV changes nothing."""

import csv
import io
import uuid

from service_runtime.testing.helpers import eventually, read_topic
from storefront_events import MAPPINGS_V1, ProductMapped, StoreProduct, StoreVariant

from .shop import connected, publish, synced

SIZES = ("S", "M", "L")
COLOURS = ("White", "Black")


def tees(count: int) -> list[StoreProduct]:
    return [
        StoreProduct(
            platform_product_id=f"tee-{n}",
            title=f"Tee {n}",
            variants=[
                StoreVariant(
                    platform_variant_id=f"tee-{n}-{size}-{colour}",
                    sku=f"T{n}-{size}-{colour}",
                    title=f"{size} / {colour}",
                    options={"Size": size, "Colour": colour},
                )
                for size in SIZES
                for colour in COLOURS
            ],
        )
        for n in range(count)
    ]


async def a_store(api, settings, operator, count=5):
    store_id, client_id = f"store-{uuid.uuid4().hex[:8]}", f"client-{uuid.uuid4().hex[:8]}"
    await publish(settings, connected(store_id, client_id), synced(store_id, client_id, tees(count)))

    async def listed():
        answer = await api.get(f"/stores/{store_id}/products", params={"limit": 500}, headers=operator)
        return answer.status_code == 200 and len(answer.json()["items"]) == count * 6

    await eventually(listed)
    return store_id, client_id


def uid_of(row: dict) -> str:
    size, colour = row["options"].split("|")
    return f"apparel_tshirt-gildan-5000_{size.split('=')[1].lower()}_{colour.split('=')[1].lower()}"


async def imported(api, store_id, headers, content: bytes, **params):
    started = await api.post(
        f"/stores/{store_id}/products/import",
        content=content,
        params=params,
        headers=headers | {"content-type": "text/csv"},
    )
    assert started.status_code == 202, started.text
    job_id = started.json()["job_id"]
    report = {}

    async def done():
        nonlocal report
        report = (await api.get(f"/stores/{store_id}/product-imports/{job_id}", headers=headers)).json()
        return report["status"] in ("done", "failed")

    await eventually(done)
    return report


def filled(export: str, base: str, *, separator=",", bom=False) -> bytes:
    """The export filled in as a person would in a spreadsheet: headers in other cases, an
    extra column with separators and a line break in it, semicolons, a BOM."""
    rows = list(csv.DictReader(io.StringIO(export.lstrip("\ufeff"))))
    names = [*rows[0].keys(), *(["design_file_url_back"] if "design_file_url_back" not in rows[0] else []), "Notes"]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator)
    writer.writerow([name.upper() if name.startswith("design") else name.title() for name in names])
    for row in rows:
        row |= {
            "product_uid": uid_of(row),
            "design_file_url": f"{base}/front.png",
            "design_file_url_back": f"{base}/back.png",
            "Notes": "checked; ok,\nby Ada",
        }
        writer.writerow([row[name] for name in names])
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


async def test_export_fill_import_maps_every_row_and_the_same_file_again_changes_nothing(
    api, mapping_settings, operator, token_mint, catalog, files
):
    base, requested = files
    store_id, client_id = await a_store(api, mapping_settings, operator)
    admin = token_mint.headers("admin", client_id=client_id)
    export = await api.get(f"/stores/{store_id}/products/export", headers=admin)
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    text = export.content.decode("utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert header == [
        "platform_product_id",
        "platform_variant_id",
        "product_title",
        "variant_title",
        "options",
        "sku",
        "product_uid",
        "design_file_url",
    ]
    assert len(text.splitlines()) == 1 + 30

    content = filled(text, base, separator=";", bom=True)
    report = await imported(api, store_id, admin, content)
    assert report["status"] == "done", report
    assert (report["total_rows"], report["applied"], report["unchanged"], report["refused"]) == (30, 30, 0, 0)
    assert sorted(requested) == ["/back.png", "/front.png"]  # two URLs, each fetched once for 30 rows

    mapped = await api.get(f"/stores/{store_id}/products", params={"state": "mapped", "limit": 500}, headers=admin)
    assert len(mapped.json()["items"]) == 30
    tee = next(v for v in mapped.json()["items"] if v["platform_variant_id"] == "tee-0-M-Black")
    assert tee["mapping"]["product_uid"] == "apparel_tshirt-gildan-5000_m_black"
    assert tee["mapping"]["source"] == "csv_import"
    assert {f["type"]: f["url"] for f in tee["mapping"]["print_files"]} == {
        "front": f"{base}/front.png",
        "back": f"{base}/back.png",
    }
    records = await read_topic(mapping_settings.kafka_bootstrap, mapping_settings.topic(MAPPINGS_V1.name), count=30)
    assert {e.platform_variant_id for _, e, _ in records if isinstance(e, ProductMapped)} == {
        v["platform_variant_id"] for v in mapped.json()["items"]
    }

    again = await imported(api, store_id, admin, content)
    assert (again["applied"], again["unchanged"], again["refused"]) == (0, 30, 0)
    reexport = (await api.get(f"/stores/{store_id}/products/export", headers=admin)).content.decode("utf-8-sig")
    assert "design_file_url_back" in reexport.splitlines()[0]
    assert (await imported(api, store_id, admin, reexport.encode()))["unchanged"] == 30


async def test_a_file_with_three_bad_rows_reports_exactly_those_lines(
    api, mapping_settings, operator, token_mint, catalog, files
):
    base, _ = files
    store_id, client_id = await a_store(api, mapping_settings, operator, count=2)
    admin = token_mint.headers("admin", client_id=client_id)
    lines = ["platform_product_id,platform_variant_id,product_uid,design_file_url"]
    for n in range(2):
        for size in SIZES:
            for colour in COLOURS:
                uid = f"apparel_tshirt-gildan-5000_{size.lower()}_{colour.lower()}"
                lines.append(f"tee-{n},tee-{n}-{size}-{colour},{uid},{base}/front.png")
    lines[3] = lines[3].replace("front.png", "design.png")  # an HTML page named .png
    lines[6] = lines[6].replace("apparel_tshirt-gildan-5000", "apparel_tshirt-nothing")  # a wrong UID
    lines[10] = lines[10].replace("tee-1-M-Black", "tee-1-XXL-Black")  # no such variant
    content = "\n".join(lines).encode()

    report = await imported(api, store_id, admin, content)
    assert [(e["line"], e["column"], e["code"]) for e in report["errors"]] == [
        (4, "design_file_url", "design_file_format_unknown"),
        (7, "product_uid", "uid_unknown"),
        (11, "platform_variant_id", "variant_unknown"),
    ]
    assert (report["applied"], report["refused"]) == (9, 3)

    store2, client2 = await a_store(api, mapping_settings, operator, count=2)
    admin2 = token_mint.headers("admin", client_id=client2)
    nothing = await imported(
        api, store2, admin2, content.replace(store_id.encode(), store2.encode()), all_or_nothing="true"
    )
    assert (nothing["applied"], nothing["refused"]) == (0, 3)
    listed = await api.get(f"/stores/{store2}/products", params={"state": "mapped"}, headers=admin2)
    assert listed.json()["items"] == []


async def test_not_a_csv_or_missing_columns_is_refused_at_once_and_changes_nothing(
    api, mapping_settings, operator, token_mint, catalog
):
    store_id, client_id = await a_store(api, mapping_settings, operator, count=1)
    admin = token_mint.headers(
        "admin",
        client_id=client_id,
    )
    url = f"/stores/{store_id}/products/import"
    pdf = await api.post(url, content=b"%PDF-1.7\x00\x00binary", headers=admin | {"content-type": "text/csv"})
    assert pdf.status_code == 422 and pdf.json()["code"] == "csv_not_text"
    missing = await api.post(
        url, content=b"sku;product_uid\nA;B\n", headers=admin | {"content-type": "text/csv", "Accept-Language": "fr"}
    )
    assert missing.status_code == 422 and missing.json()["code"] == "csv_missing_columns"
    assert "platform_product_id, platform_variant_id" in missing.json()["detail"]
    read_only = token_mint.headers("read_only", client_id=client_id)
    assert (await api.post(url, content=b"a,b\n", headers=read_only)).status_code == 403
