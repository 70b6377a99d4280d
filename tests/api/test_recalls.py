"""召回 over HTTP: the logistics office opens a recall and every school's batch of the lot is held; schools account
for every unit; the view, its xlsx and the close say the same."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from tests.api.conftest import Api
from tests.county import LI

RECALL = {
    "notice_number": "县市监召〔2026〕3号",
    "reason": "同批次猪肉抽检兽药残留超标",
    "supplier": "SUP-HX",
    "product": "猪肉（前腿）",
    "lot": "HX260301-2",
}


def open_recall(api: Api, **overrides: Any) -> dict[str, Any]:
    answer = api.post("logistics", "/api/v1/recalls", {**RECALL, **overrides}, key="recall-1")
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def view(api: Api, who: str, recall_id: str) -> dict[str, Any]:
    api.catch_up()
    answer = api.get(who, f"/api/v1/recalls/{recall_id}")
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def write_off(api: Api, code: str, **body: Any) -> None:
    answer = api.post("storekeeper", f"/api/v1/batches/{code}/write-offs", {"witness": LI, **body})
    assert answer.status_code == 200, answer.text


def test_the_logistics_office_recalls_a_lot_and_closes_it_once_every_unit_is_accounted(api: Api) -> None:
    # Given pork of the lot at 城关一小, half of it served at lunch
    code = api.county.ready_to_issue()
    api.county.issue(code, "5")
    # When the county's logistics office recalls the lot
    assert api.post("storekeeper", "/api/v1/recalls", RECALL).status_code == 403
    recall = open_recall(api)
    assert recall["held"] == 1 and recall["schools"] == ["CG01"] and recall["open"] is True
    assert open_recall(api) == recall  # a retry with the same key answers the first result
    # Then the batch is held in the recall's name and cannot be released
    card = api.get("storekeeper", f"/api/v1/batches/{code}").json()
    assert card["on_hold"] is True and "县市监召〔2026〕3号" in card["hold_reason"]
    released = api.post("storekeeper", f"/api/v1/batches/{code}/releases", {"reason": "误封"})
    assert released.status_code == 422 and "召回" in released.json()["zh"]
    # And a batch of the lot received afterwards is held on receipt
    later = api.county.receive()
    assert api.get("storekeeper", f"/api/v1/batches/{later}").json()["on_hold"] is True
    # And the close is refused while stock is held, in both languages
    close = f"/api/v1/recalls/{recall['recall_id']}/close"
    refused = api.post("logistics", close, {"note": "处置完毕"})
    assert refused.status_code == 422, refused.text
    assert "不能结案" in refused.json()["zh"] and "cannot be closed" in refused.json()["en"]
    shown = view(api, "logistics", recall["recall_id"])
    assert (shown["schools_done"], shown["schools_pending"]) == (0, 1)
    [kilograms] = shown["totals"]
    assert (kilograms["received"], kilograms["served"], kilograms["held"]) == ("40", "5", "35")
    # When the school returns some to the supplier and destroys the rest before a witness
    write_off(api, code, reason="召回退货", quantity="10", disposal="returned_to_supplier")
    write_off(api, code, reason="召回销毁")
    write_off(api, later, reason="召回退货", disposal="returned_to_supplier")
    # Then the view shows the school done, everything accounted, and the close is accepted
    shown = view(api, "storekeeper", recall["recall_id"])
    [school] = shown["schools"]
    assert school["done"] is True and len(school["batches"]) == 2
    [kilograms] = shown["totals"]
    amounts = {k: kilograms[k] for k in ("served", "returned", "destroyed", "accounted", "outstanding")}
    assert amounts == {"served": "5", "returned": "30", "destroyed": "5", "accounted": "40", "outstanding": "0"}
    closed = api.post("logistics", close, {"note": "处置完毕"})
    assert closed.status_code == 200, closed.text
    assert closed.json()["open"] is False
    api.catch_up()
    listed = api.get("storekeeper", "/api/v1/recalls").json()
    assert [(r["notice_number"], r["open"]) for r in listed] == [(RECALL["notice_number"], False)]
    assert api.get("storekeeper", "/api/v1/recalls", params={"open": True}).json() == []


def test_a_recall_finds_batches_in_the_view_and_those_received_since_it_caught_up(api: Api) -> None:
    # Given a batch of the lot the trace view has indexed, and one received after the view last caught up
    indexed = api.county.receive()
    api.catch_up()
    unseen = api.county.receive()
    # When the lot is recalled
    recall = open_recall(api)
    # Then both are held: the view's batches, and the log's receipts after the view's position
    assert recall["held"] == 2
    for code in (indexed, unseen):
        assert api.get("storekeeper", f"/api/v1/batches/{code}").json()["on_hold"] is True
    # And once the recall is closed, a batch of the lot received later is not held on receipt
    for code in (indexed, unseen):
        write_off(api, code, reason="召回退货", disposal="returned_to_supplier")
    assert api.post("logistics", f"/api/v1/recalls/{recall['recall_id']}/close", {}).status_code == 200
    after = api.county.receive()
    assert api.get("storekeeper", f"/api/v1/batches/{after}").json()["on_hold"] is False


def test_another_school_does_not_see_a_recall_that_holds_none_of_its_batches(api: Api) -> None:
    api.county.receive()
    recall = open_recall(api)
    api.catch_up()
    assert api.get("other_school", f"/api/v1/recalls/{recall['recall_id']}").status_code == 404
    assert api.get("other_school", "/api/v1/recalls").json() == []
    assert len(api.get("investigator", "/api/v1/recalls").json()) == 1


def test_a_recall_that_names_neither_lot_nor_range_is_refused_in_both_languages(api: Api) -> None:
    answer = api.post("logistics", "/api/v1/recalls", {**RECALL, "lot": None})
    assert answer.status_code == 422
    assert "二选一" in answer.json()["zh"] and "production-date range" in answer.json()["en"]


def test_the_recall_spreadsheet_counts_per_school_and_keeps_supplier_text_as_text(api: Api) -> None:
    product = '=HYPERLINK("http://x","猪肉")'
    code = api.county.receive(product=product)
    recall = open_recall(api, product=product, reason="@SUM(1+1) 召回")
    write_off(api, code, reason="召回销毁", quantity="8")
    api.catch_up()
    answer = api.get("logistics", f"/api/v1/recalls/{recall['recall_id']}", params={"format": "xlsx"})
    assert answer.status_code == 200, answer.text
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    headings = rows[3]
    assert headings[:6] == ["学校编号", "学校", "状态", "批次码", "品名", "单位"]
    batch = next(row for row in rows if row[3] == code)
    assert batch[4] == product and batch[2] == "未完成"
    assert [batch[i] for i in range(6, 12)] == [20, 0, 0, 8, 12, 12]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert rows[-1][0] == "合计"


def test_the_county_registers_its_logistics_staff_and_a_school_may_not(api: Api) -> None:
    staff = {"person_id": "county-liu", "name": "刘建华", "school": None, "roles": ["logistics"]}
    assert api.post("principal", "/api/v1/staff", {**staff, "school": "CG01"}).status_code == 403
    registered = api.post("admin", "/api/v1/staff", staff)
    assert registered.status_code == 201, registered.text
    assert api.ledger.staff("county-liu").roles == ["logistics"]
