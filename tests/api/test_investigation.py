"""'Students fell ill after lunch on 2 March at 城关第一小学': from the meal to every lot, supplier, certificate,
person and other school involved, then exported — through the HTTP API."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from openpyxl import load_workbook

from domain.registry import RegisterStaff
from domain.values import Principal
from tests.api.conftest import Api
from tests.county import ADMIN, DAY, WANG, XH_STOREKEEPER, ZHANG, at, food_worker_certificates, retain_sample

LOT = "HX260301-2"


def the_same_pork_at_two_schools(api: Api) -> tuple[str, str]:
    """恒鑫's lot HX260301-2 reached both schools and both lunches; only 城关一小 kept a sample."""
    ledger, county = api.ledger, api.county
    for person, name, role in (("XH01-wu", "吴芳", "storekeeper"), ("XH01-he", "何师傅", "kitchen")):
        ledger.execute(RegisterStaff(person_id=person, name=name, school="XH01", roles=[role]), by=ADMIN, at=at(DAY, 6))
        food_worker_certificates(ledger, person, date(2026, 8, 31), at=at(DAY, 6))
    ours = county.receive(supplier_lot=LOT)
    theirs = county.receive(
        supplier_lot=LOT,
        school="XH01",
        co_signers=["XH01-wu"],
        by=Principal(XH_STOREKEEPER, "storekeeper"),
        place="冷库",
    )
    for code in (ours, theirs):
        county.certify(code)
    county.issue(ours, "12")
    county.issue(theirs, "8", taken_by="XH01-he", by=Principal(XH_STOREKEEPER, "storekeeper"))
    retain_sample(ledger, "红烧肉", [ours], sealed_at=at(DAY, 12, 10), at=at(DAY, 12, 15))
    api.catch_up()
    return ours, theirs


def test_an_investigator_goes_from_a_meal_to_every_lot_supplier_certificate_person_and_school(api: Api) -> None:
    ours, theirs = the_same_pork_at_two_schools(api)
    params = {"school": "CG01", "meal_date": str(DAY), "meal": "lunch"}
    trace = api.get("investigator", "/api/v1/trace/backward", params=params).json()

    assert [b["code"] for b in trace["batches"]] == [ours]
    batch = trace["batches"][0]
    assert {c["number"] for c in batch["certificates"]} == {
        f"{kind[:2].upper()}-{ours}"
        for kind in (
            "quality_inspection_report",
            "invoice",
            "animal_quarantine_certificate",
            "meat_quality_certificate",
        )
    }
    assert [s["code"] for s in trace["suppliers"]] == ["SUP-HX"]
    people = {p["person_id"] for p in trace["people"]}
    assert {WANG.person_id, ZHANG, "CG01-li"} <= people
    assert [s["code"] for s in trace["other_schools"]] == ["XH01"]
    assert [b["code"] for b in trace["other_schools"][0]["batches"]] == [theirs]
    assert [s["dish"] for s in trace["samples"]] == ["红烧肉"]

    forward = api.get("investigator", "/api/v1/trace/forward", params={"lot": LOT}).json()
    assert {s["code"] for s in forward["schools"]} == {"CG01", "XH01"}
    assert {b["code"] for b in forward["batches"]} == {ours, theirs}

    exported = api.get("investigator", "/api/v1/trace/backward", params={**params, "format": "xlsx"})
    assert exported.headers["content-disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.auto_filter.ref  # sortable and filterable in Excel/WPS
    text = "\n".join(" ".join(str(c) for c in row if c is not None) for row in rows)
    assert LOT in text and f"AN-{ours}" in text  # the quarantine certificate number
    assert theirs in text and "新华镇中心小学" in text  # the other school that got the same lot

    as_csv = api.get("investigator", "/api/v1/trace/forward", params={"lot": LOT, "format": "csv"})
    assert as_csv.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese headers correctly
    assert len(list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))) > 3


def test_investigators_pick_from_the_countys_schools(api: Api) -> None:
    the_same_pork_at_two_schools(api)
    schools = api.get("investigator", "/api/v1/schools").json()["items"]
    assert [(s["code"], s["name"]) for s in schools] == [("CG01", "城关第一小学"), ("XH01", "新华镇中心小学")]


def test_traces_cross_schools_so_only_investigators_run_them(api: Api) -> None:
    the_same_pork_at_two_schools(api)
    params = {"school": "CG01", "meal_date": str(DAY), "meal": "lunch"}
    assert api.get("principal", "/api/v1/trace/backward", params=params).status_code == 403
    assert api.get("storekeeper", "/api/v1/trace/forward", params={"lot": LOT}).status_code == 403


def test_search_finds_a_lot_and_keeps_schools_and_suppliers_to_their_own(api: Api) -> None:
    ours, theirs = the_same_pork_at_two_schools(api)
    everywhere = api.get("investigator", "/api/v1/search/batches", params={"lot": LOT}).json()
    assert {b["code"] for b in everywhere["items"]} == {ours, theirs}
    mine = api.get("storekeeper", "/api/v1/search/batches", params={"lot": LOT}).json()
    assert [b["code"] for b in mine["items"]] == [ours]
    assert api.get("other_supplier", "/api/v1/search/batches", params={"lot": LOT}).json()["items"] == []
    paged = api.get("investigator", "/api/v1/search/batches", params={"lot": LOT, "limit": 1}).json()
    assert len(paged["items"]) == 1 and paged["next_cursor"] == "2"


def test_a_school_reads_its_ledger_stock_samples_and_gaps(api: Api) -> None:
    ours, _ = the_same_pork_at_two_schools(api)
    ledger = api.get("storekeeper", "/api/v1/schools/CG01/ledger", params={"month": "2026-03"}).json()
    assert ledger["rows"] and {row["code"] for row in ledger["rows"]} == {ours}
    book = api.get("storekeeper", "/api/v1/schools/CG01/ledger", params={"month": "2026-03", "format": "xlsx"})
    assert load_workbook(io.BytesIO(book.content)).active is not None
    assert api.get("storekeeper", "/api/v1/schools/XH01/ledger", params={"month": "2026-03"}).status_code == 404

    stock = api.get("storekeeper", "/api/v1/schools/CG01/stock").json()
    assert [b["code"] for b in stock["batches"]] == [ours]

    meal = api.get("kitchen", f"/api/v1/meals/{DAY}/lunch/samples").json()
    assert meal["complete"] is True and meal["batches"][0]["sampled_in"] == ["红烧肉"]

    gaps = api.get("investigator", "/api/v1/compliance", params={"start": str(DAY), "end": str(DAY + timedelta(1))})
    meals = gaps.json()["samples"]["meals_without_samples"]
    assert [(m["school"], m["meal"]) for m in meals] == [("XH01", "lunch")]


def test_an_unknown_school_has_no_ledger(api: Api) -> None:
    response = api.get("investigator", "/api/v1/schools/ZZ99/ledger", params={"month": "2026-03"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_return_over_http_names_its_issue_and_the_trace_shows_the_meals_net(api: Api) -> None:
    code = api.county.receive()
    api.county.certify(code)
    lunch = api.county.issue(code, "5", at=at(DAY, 8))
    api.county.issue(code, "4", meal="dinner", at=at(DAY, 8, 30))
    back = {"quantity": "2", "unit": "kg", "returned_by": ZHANG, "reason": "午餐剩余", "issue": lunch["version"]}
    assert api.post("storekeeper", f"/api/v1/batches/{code}/returns", json=back).status_code in (200, 201)
    api.catch_up()

    params = {"school": "CG01", "meal_date": str(DAY), "meal": "lunch"}
    [batch] = api.get("investigator", "/api/v1/trace/backward", params=params).json()["batches"]

    assert (batch["issued_for_meal"], batch["returned_for_meal"], batch["net_for_meal"]) == ("5", "2", "3")
    assert [(m["meal"], m["net"]) for m in batch["meals"]] == [("lunch", "3"), ("dinner", "4")]


def test_product_search_over_http_folds_half_width_brackets(api: Api) -> None:
    code = api.county.receive()  # 猪肉（前腿）
    api.catch_up()

    found = api.get("investigator", "/api/v1/search/batches", params={"product": "猪肉(前腿)"}).json()
    forward = api.get("investigator", "/api/v1/trace/forward", params={"product": "猪肉(前腿)", "lot": LOT,
                                                                        "supplier": "SUP-HX"}).json()  # fmt: skip

    assert [b["code"] for b in found["items"]] == [code]
    assert [b["code"] for b in forward["batches"]] == [code]


def test_compliance_answers_this_week_as_in_progress_in_words_a_principal_uses(api: Api) -> None:
    """The county's today (DAY, a Monday) is in this week and month: short of checks, but not yet failed."""
    api.catch_up()
    week = {"start": str(DAY), "end": str(DAY), "school": "CG01"}
    answer = api.get("investigator", "/api/v1/compliance", params=week)
    rows = {r["check"]: r for r in answer.json()["supervision"]}

    mine = rows["school_principal"]
    assert (mine["count"], mine["status"], mine["period_zh"]) == (0, "in_progress", "第10周（3月2日–3月8日）")
    assert rows["central_logistics"]["period_zh"] == "2026年3月"
    assert all(r["status"] == "in_progress" and "§" not in r["check_zh"] for r in rows.values())


def test_at_county_scale_an_investigator_reads_other_schools_as_lots_and_pages_their_batches(api: Api) -> None:
    ours, theirs = the_same_pork_at_two_schools(api)
    meal = {"school": "CG01", "meal_date": str(DAY), "meal": "lunch"}

    trace = api.get("investigator", "/api/v1/trace/backward", params={**meal, "others": "lots"}).json()
    [xh01] = trace["other_schools"]
    assert (xh01["code"], xh01["batch_count"], xh01["batches"]) == ("XH01", 1, [])
    assert [(lot["lot"], lot["batches"], lot["first_received"]) for lot in xh01["lots"]] == [(LOT, 1, str(DAY))]
    assert [b["code"] for b in trace["batches"]] == [ours]  # the meal itself is whole

    page = api.get("investigator", "/api/v1/trace/backward/others", params={**meal, "at": "XH01", "limit": 1})
    assert page.status_code == 200, page.text
    found = page.json()
    assert ([b["code"] for b in found["batches"]], found["has_more"], found["next_cursor"]) == ([theirs], False, None)
    assert [(m["school"], m["meal"], m["issued"]) for m in found["batches"][0]["meals"]] == [("XH01", "lunch", "8")]
    assert found["freshness"]["lag"] == 0
    beyond = api.get("investigator", "/api/v1/trace/backward/others", params={**meal, "cursor": "2", "limit": 1})
    assert beyond.json()["batches"] == []

    # The exports still list every other school's batch, whatever the page showed.
    exported = api.get("investigator", "/api/v1/trace/backward", params={**meal, "others": "lots", "format": "csv"})
    assert theirs in exported.content.decode("utf-8-sig")
    unknown = api.get("investigator", "/api/v1/trace/backward/others", params={**meal, "at": "NOPE01"})
    assert unknown.status_code == 404 and "school" in unknown.text
    wrong = api.get("investigator", "/api/v1/trace/backward", params={**meal, "others": "all"})
    assert wrong.status_code == 422
    assert api.get("principal", "/api/v1/trace/backward/others", params=meal).status_code == 403
