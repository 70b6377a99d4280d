"""Text a supplier or a storekeeper typed is written to every export as text: opening the file runs nothing."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from projections.exports import LEDGER_COLUMNS
from tests.api.conftest import Api
from tests.api.test_days import ANNOUNCEMENT, receive
from tests.county import DAY
from tests.hostile import FORMULA, STORED, stored_batch


def a_delivery_named_like_a_formula(api: Api) -> str:
    announced = api.post("supplier", "/api/v1/deliveries", {**ANNOUNCEMENT, "product": FORMULA}, key="dn-evil")
    assert announced.status_code == 201, announced.text
    code = receive(api, announced.json()["announcement_id"])
    api.catch_up()
    return code


def test_a_product_named_like_a_formula_is_a_string_cell_in_the_ledger(api: Api) -> None:
    a_delivery_named_like_a_formula(api)

    book = api.get("principal", "/api/v1/schools/CG01/ledger", params={"month": "2026-03", "format": "xlsx"})

    assert book.status_code == 200, book.text
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows(min_row=4) for cell in row if cell.value == FORMULA]
    assert cells and {cell.data_type for cell in cells} == {"s"}
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_a_product_named_like_a_formula_is_neutralised_in_the_trace_csv(api: Api) -> None:
    a_delivery_named_like_a_formula(api)

    exported = api.get(
        "investigator", "/api/v1/trace/forward", params={"lot": ANNOUNCEMENT["supplier_lot"], "format": "csv"}
    )

    assert exported.status_code == 200, exported.text
    text = exported.content.decode("utf-8-sig")
    assert '"\'=HYPERLINK(""http://evil.example"",""点击"")"' in text  # OWASP: a leading apostrophe, the cell quoted
    products = {row[6] for row in list(csv.reader(io.StringIO(text)))[1:]}
    assert products == {"'" + FORMULA}


def test_controls_stored_before_the_text_policy_never_stop_an_export(api: Api) -> None:
    """Step 7 point 2: a reason holding controls made the month's 台账 and the trace answer 500, for good."""
    code = stored_batch(api.ledger, STORED["controls"])
    api.catch_up()
    visible = "剩\\u0001余\\u001b"

    book = api.get("principal", "/api/v1/schools/CG01/ledger", params={"month": "2026-03", "format": "xlsx"})
    trace = {"school": "CG01", "meal_date": str(DAY), "meal": "lunch"}
    as_xlsx = api.get("investigator", "/api/v1/trace/backward", params={**trace, "format": "xlsx"})
    as_csv = api.get("investigator", "/api/v1/trace/backward", params={**trace, "format": "csv"})

    assert [book.status_code, as_xlsx.status_code, as_csv.status_code] == [200, 200, 200]
    ledger_rows = list(load_workbook(io.BytesIO(book.content)).active.iter_rows(min_row=4, values_only=True))
    remark = [key for key, _ in LEDGER_COLUMNS].index("remark")
    assert [r[remark] for r in ledger_rows if r[3] == code] == [
        None,
        None,
        visible,
    ]  # in, issue, the write-off's reason
    trace_rows = list(load_workbook(io.BytesIO(as_xlsx.content)).active.iter_rows(values_only=True))
    assert {r[6] for r in trace_rows if r[4] == code} == {visible}
    assert {r[6] for r in list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))[1:]} == {visible}
