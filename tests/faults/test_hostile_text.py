"""Hostile text at the edge: a NUL or a control character in any field is refused, naming the field.

Each case is a real request of a real caller; the hostile character sits in one field of an otherwise good body.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.county import DAY, LI, ZHANG

NUL = "\u0000"
Case = tuple[str, Callable[[dict[str, str]], str], dict[str, Any], str]  # who, path, body, field with the NUL


def intake() -> dict[str, Any]:
    return {
        "supplier": "SUP-HX", "product": "猪肉（前腿）", "category": "meat", "quantity": "20", "unit": "kg",
        "supplier_lot": "HX260301-2", "production_date": str(DAY - timedelta(days=1)),
        "use_by_date": str(DAY + timedelta(days=3)), "invoice_number": "FP20260302001", "place": "冷冻库（红）",
        "co_signers": [LI], "sensory_ok": True, "sensory_notes": "色泽正常",
    }  # fmt: skip


def announcement() -> dict[str, Any]:
    body = {k: v for k, v in intake().items() if k not in ("supplier", "place", "co_signers", "sensory_ok")}
    del body["sensory_notes"]
    return {**body, "reference": "DN-0302-09", "school": "CG01", "expected_on": str(DAY)}


def batch(path: str) -> Callable[[dict[str, str]], str]:
    return lambda made: f"/api/v1/batches/{made['code']}{path}"


CASES: list[Case] = [
    *[("storekeeper", lambda _: "/api/v1/batches", intake(), field)
      for field in ("supplier_lot", "sensory_notes", "product", "invoice_number", "place", "supplier")],
    ("storekeeper", lambda _: "/api/v1/batches", {**intake(), "co_signers": [LI + NUL]}, "co_signers"),
    *[("supplier", lambda _: "/api/v1/deliveries", announcement(), field)
      for field in ("supplier_lot", "reference", "product", "invoice_number")],
    *[("storekeeper", lambda made: f"/api/v1/deliveries/{made['announcement']}/receive",
       {"place": "冷冻库（红）", "co_signers": [LI], "sensory_ok": True, "sensory_notes": "好"}, field)
      for field in ("sensory_notes", "place")],
    ("storekeeper", lambda made: f"/api/v1/deliveries/{made['announcement']}/reject", {"reason": "变质"}, "reason"),
    ("principal", batch("/inspections"), {"stage": "issue", "passed": True, "notes": "正常"}, "notes"),
    ("storekeeper", batch("/moves"), {"place": "冷藏库"}, "place"),
    ("storekeeper", batch("/holds"), {"reason": "召回"}, "reason"),
    ("storekeeper", batch("/releases"), {"reason": "检测合格"}, "reason"),
    ("storekeeper", batch("/issues"),
     {"quantity": "1", "unit": "kg", "meal_date": str(DAY), "meal": "lunch", "taken_by": ZHANG}, "taken_by"),
    ("storekeeper", lambda made: f"/api/v1/batches/{made['code']}/issues/{made['offer']}/cancel",
     {"reason": "拿错了"}, "reason"),
    *[("storekeeper", batch("/returns"),
       {"quantity": "1", "unit": "kg", "returned_by": ZHANG, "reason": "剩余"}, field)
      for field in ("reason", "returned_by")],
    *[("storekeeper", batch("/write-offs"), {"reason": "变质", "witness": LI, "quantity": "1"}, field)
      for field in ("reason", "witness")],
    ("storekeeper", batch("/corrections"), {"corrects_version": 1, "reason": "录错"}, "reason"),
    *[("kitchen", lambda _: "/api/v1/samples",
       {"meal_date": str(DAY), "meal": "lunch", "dish": "红烧肉", "grams": 130, "fridge": "留样柜1"}, field)
      for field in ("dish", "fridge")],
    ("storekeeper", lambda made: f"/api/v1/samples/{made['sample']}/disposal", {"reason": "提前处理"}, "reason"),
    *[("admin", lambda made: f"/api/v1/samples/{made['sample']}/laboratory",
       {"laboratory": "县疾控中心", "reason": "腹泻"}, field) for field in ("laboratory", "reason")],
    *[("admin", lambda _: "/api/v1/schools", {"code": "DX01", "name": "东新小学", "district": "东新镇"}, field)
      for field in ("code", "name", "district")],
    *[("admin", lambda _: "/api/v1/suppliers",
       {"code": "SUP-NEW", "name": "新供应商", "licence_number": "JY1", "licence_valid_from": "2026-01-01",
        "licence_valid_until": "2027-01-01", "tender_start": "2026-01-01", "tender_end": "2026-12-31"}, field)
      for field in ("code", "name", "licence_number")],
    ("admin", lambda _: "/api/v1/suppliers/SUP-HX/licence",
     {"number": "JY2", "valid_from": "2026-01-01", "valid_until": "2027-01-01"}, "number"),
    ("admin", lambda _: "/api/v1/suppliers/SUP-HX/suspension", {"reason": "抽检不合格"}, "reason"),
    *[("admin", lambda _: "/api/v1/staff",
       {"person_id": "CG01-new", "name": "新人", "school": "CG01", "roles": ["kitchen"]}, field)
      for field in ("person_id", "name")],
    ("principal", lambda _: f"/api/v1/staff/{ZHANG}/certificates",
     {"kind": "health", "number": "JK-9", "valid_from": "2026-01-01", "valid_until": "2027-01-01"}, "number"),
    ("principal", lambda _: f"/api/v1/staff/{ZHANG}/health-checks",
     {"day": str(DAY), "passed": True, "notes": "体温正常"}, "notes"),
    ("principal", lambda _: f"/api/v1/staff/{ZHANG}/suspension", {"reason": "发热"}, "reason"),
    ("principal", lambda _: f"/api/v1/staff/{ZHANG}/reinstatement", {"reason": "已痊愈"}, "reason"),
]  # fmt: skip


@pytest.fixture
def made(api: Api) -> dict[str, str]:
    """A received batch with an offer awaiting its taker, an announced delivery and a sample to act on."""
    code = api.county.receive()
    api.county.certify(code)
    issue = {"quantity": "1", "unit": "kg", "meal_date": str(DAY), "meal": "lunch", "taken_by": ZHANG}
    offer = api.post("storekeeper", f"/api/v1/batches/{code}/issues", issue).json()["offer"]
    announced = api.post("supplier", "/api/v1/deliveries", {**announcement(), "reference": "DN-0302-01"})
    sample = {"meal_date": str(DAY), "meal": "lunch", "dish": "红烧肉", "grams": 130, "fridge": "留样柜1"}
    sample_id = api.post("kitchen", "/api/v1/samples", sample).json()["sample_id"]
    return {"code": code, "offer": str(offer), "announcement": announced.json()["announcement_id"], "sample": sample_id}


def poisoned(body: dict[str, Any], field: str, bad: str) -> dict[str, Any]:
    if isinstance(body[field], list):
        return body  # the case's body already carries the hostile item
    return {**body, field: body[field][:1] + bad + body[field][1:]}


def test_nul_in_free_text_is_refused_with_field(api: Api, made: dict[str, str]) -> None:
    head = api.ledger.recorder.max_notification_id()
    answers = {}
    for who, path, body, field in CASES:
        response = api.post(who, path(made), poisoned(body, field, NUL))
        answers[f"{path(made)} {field}"] = (response.status_code, response.json().get("field"))
    assert {case: answer for case, answer in answers.items() if answer != (422, case.split()[-1])} == {}
    assert api.ledger.recorder.max_notification_id() == head  # nothing was recorded


def test_control_characters_are_refused_and_a_note_may_have_lines(api: Api, made: dict[str, str]) -> None:
    holds, inspections = (f"/api/v1/batches/{made['code']}/{what}" for what in ("holds", "inspections"))
    inspection = {"stage": "issue", "passed": True, "notes": "色泽正常"}
    for bad in ("\u0001", "\u001b", "\u0085", "\r", "\ufffe"):
        refused = api.post("storekeeper", holds, {"reason": f"剩{bad}余"})
        assert (refused.status_code, refused.json()["field"]) == (422, "reason"), bad
        if bad != "\r":  # a note's line break from a browser ("\r\n") is kept, as "\n"
            refused = api.post("principal", inspections, poisoned(inspection, "notes", bad))
            assert (refused.status_code, refused.json()["field"]) == (422, "notes"), bad
    noted = api.post("principal", inspections, {**inspection, "notes": "色泽\r\n正常"})
    assert noted.status_code == 200, noted.text
    recorded = [entry for entry in api.ledger.history(made["code"]) if "nspect" in entry.what]
    assert recorded[-1].details["notes"] == "色泽\n正常"
