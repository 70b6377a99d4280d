"""One clock in answers: every time the API gives is the county's wall clock with its offset (+08:00), for events
recorded live (stored in UTC, as the server's clock gives them) as for any other, whatever the server's zone."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from datetime import datetime
from datetime import time as dt_time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from domain.ledger import Ledger
from tests.api.conftest import LI_PIN, Api, open_api
from tests.api.files import pdf_report
from tests.clock import COUNTY, OTHER_ZONES, live_clock, off_the_county_clock, times_in
from tests.county import DAY, LI, ZHANG


@pytest.fixture(params=OTHER_ZONES)
def server_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The server process's own zone (TZ): it must change nothing in an answer."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def live(ledger: Ledger, tmp_path: Path, server_zone: str) -> Iterator[Api]:
    with open_api(ledger, tmp_path, follow_projections=False) as opened:
        ledger.clock = lambda: live_clock(7, 30)
        yield opened


def a_day_recorded_live(api: Api) -> dict[str, Any]:
    """Intake, certificates, an issue signed with a PIN, a hold and a release, a sample: all through the API."""
    answers: dict[str, Any] = {}
    received = api.post(
        "storekeeper",
        "/api/v1/batches",
        {
            "supplier": "SUP-HX", "product": "猪肉（前腿）", "category": "meat", "quantity": "20", "unit": "kg",
            "supplier_lot": "HX260301-2", "production_date": "2026-03-01", "use_by_date": "2026-03-05",
            "invoice_number": "FP1", "place": "冷冻库（红）", "co_signers": [LI], "sensory_ok": True,
            "co_signer_pin": LI_PIN,
        },
    )  # fmt: skip
    assert received.status_code == 201, received.text
    answers["received"] = received.json()
    code = received.json()["code"]
    api.ledger.clock = lambda: live_clock(7, 40)
    for kind in ("quality_inspection_report", "invoice", "animal_quarantine_certificate", "meat_quality_certificate"):
        attached = api.client.post(
            f"/api/v1/batches/{code}/certificates",
            headers=api.headers("supplier"),
            data={"kind": kind, "number": f"N-{kind}", "issuer": "县检测中心", "issue_date": str(DAY)},
            files={"file": ("report.pdf", pdf_report(kind))},
        )
        assert attached.status_code in (200, 201), attached.text
        answers[f"attached {kind}"] = attached.json()
    api.ledger.clock = lambda: live_clock(10)
    issued = api.post(
        "storekeeper",
        f"/api/v1/batches/{code}/issues",
        {"quantity": "5", "unit": "kg", "meal_date": str(DAY), "meal": "lunch", "taken_by": ZHANG, "taker_pin": "2468"},
    )
    assert issued.status_code in (200, 201), issued.text
    answers["issued"] = issued.json()
    api.ledger.clock = lambda: live_clock(10, 30)
    offered = api.post(
        "storekeeper",
        f"/api/v1/batches/{code}/issues",
        {"quantity": "2", "unit": "kg", "meal_date": str(DAY), "meal": "lunch", "taken_by": ZHANG},
    )
    assert offered.status_code in (200, 201), offered.text
    api.ledger.clock = lambda: live_clock(11)
    held = api.post("storekeeper", f"/api/v1/batches/{code}/holds", {"reason": "颜色异常"})
    answers["held"] = held.json()
    api.ledger.clock = lambda: live_clock(11, 30)
    answers["released"] = api.post("storekeeper", f"/api/v1/batches/{code}/releases", {"reason": "复查正常"}).json()
    api.ledger.clock = lambda: live_clock(12, 15)
    sealed = api.post(
        "kitchen",
        "/api/v1/samples",
        {"meal_date": str(DAY), "meal": "lunch", "dish": "红烧肉", "grams": 130, "fridge": "留样柜1",
         "batch_codes": [code], "sealed_at": "2026-03-02T04:10:00Z"},
    )  # fmt: skip
    assert sealed.status_code == 201, sealed.text
    answers["sealed"] = sealed.json()
    api.catch_up()
    answers["code"] = code
    return answers


def test_write_results_give_times_on_the_county_clock(live: Api) -> None:
    answers = a_day_recorded_live(live)
    assert answers["sealed"]["keep_until"] == "2026-03-04T12:10:00+08:00"  # sealed at 04:10Z: 12:10 in the county
    signed_in = live.client.post("/api/v1/sessions", json={"person_id": ZHANG, "pin": "2468"})
    assert signed_in.status_code == 201, signed_in.text
    answers["signed in"] = signed_in.json()
    checkpoint = live.post("admin", "/api/v1/checkpoints")
    assert checkpoint.status_code == 201, checkpoint.text
    answers["checkpoint"] = checkpoint.json()
    assert len(list(times_in(answers))) >= 3  # the net caught something to check
    assert off_the_county_clock(answers) == []


def test_a_refusal_names_a_time_on_the_county_clock(live: Api) -> None:
    sample = a_day_recorded_live(live)["sealed"]["sample_id"]
    refused = live.post("kitchen", f"/api/v1/samples/{sample}/disposal", {"reason": ""})
    assert refused.status_code == 422
    assert "2026-03-04T12:10+08:00" in refused.json()["zh"] and off_the_county_clock(refused.json()) == []


def test_a_batch_recorded_live_reads_on_the_county_clock_in_its_history_and_as_of(live: Api) -> None:
    code = a_day_recorded_live(live)["code"]
    history = live.get("investigator", f"/api/v1/batches/{code}/history").json()["items"]
    assert [e["at"] for e in history[:2]] == ["2026-03-02T07:30:00+08:00", "2026-03-02T07:40:00+08:00"]
    assert all(e["recorded_at"].endswith(COUNTY) for e in history)  # the store's own timestamp, UTC underneath

    # Asked in UTC and in New York's zone: the same moment, 12:00 in the county, answered on its clock.
    for asked in ("2026-03-02T04:00:00Z", "2026-03-01T23:00:00-05:00"):
        state = live.get("investigator", f"/api/v1/batches/{code}/as-of", params={"at": asked}).json()
        assert state["as_of"] == "2026-03-02T12:00:00+08:00"
        assert [m["at"] for m in state["movements"]] == ["2026-03-02T10:00:00+08:00"]
        assert state["on_hand"] == "15"


def test_the_trace_exports_write_the_county_wall_clock_and_name_its_offset(live: Api) -> None:
    a_day_recorded_live(live)
    params = {"school": "CG01", "meal_date": str(DAY), "meal": "lunch"}
    book = live.get("investigator", "/api/v1/trace/backward", params={**params, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "日期时间（+08:00）"
    assert rows[1][:2] == (datetime(2026, 3, 2, 7, 30), "入库验收")  # received at 23:30Z the evening before

    as_csv = live.get("investigator", "/api/v1/trace/backward", params={**params, "format": "csv"})
    lines = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert lines[0][0] == "日期时间（+08:00）"
    assert lines[1][:2] == ["2026-03-02 07:30:00", "入库验收"]

    ledger = live.get("storekeeper", "/api/v1/schools/CG01/ledger", params={"month": "2026-03", "format": "xlsx"})
    ledger_sheet = load_workbook(io.BytesIO(ledger.content)).active
    assert ledger_sheet is not None
    ledger_rows = list(ledger_sheet.iter_rows(values_only=True))
    assert ledger_rows[2][:2] == ("日期", "时间（+08:00）")
    assert ledger_rows[3][:2] == (datetime(2026, 3, 2), dt_time(7, 30))


def test_every_answer_about_a_live_day_gives_times_on_the_county_clock(live: Api) -> None:
    answers = a_day_recorded_live(live)
    code, sample = answers["code"], answers["sealed"]["sample_id"]
    day = str(DAY)
    meal = {"school": "CG01", "meal_date": day, "meal": "lunch"}
    reads = {
        "card": ("storekeeper", f"/api/v1/batches/{code}", {}),
        "history": ("storekeeper", f"/api/v1/batches/{code}/history", {}),
        "as-of (asked in UTC)": ("investigator", f"/api/v1/batches/{code}/as-of", {"at": "2026-03-02T04:00:00Z"}),
        "as-of (asked in New York's zone)": (
            "investigator", f"/api/v1/batches/{code}/as-of", {"at": "2026-03-01T23:00:00-05:00"},
        ),
        "handoffs": ("kitchen", "/api/v1/handoffs", {}),
        "sample": ("storekeeper", f"/api/v1/samples/{sample}", {}),
        "meal samples": ("kitchen", f"/api/v1/meals/{day}/lunch/samples", {}),
        "trace backward": ("investigator", "/api/v1/trace/backward", meal),
        "trace forward": ("investigator", "/api/v1/trace/forward", {"lot": "HX260301-2"}),
        "search": ("investigator", "/api/v1/search/batches", {"lot": "HX260301-2"}),
        "台账": ("storekeeper", "/api/v1/schools/CG01/ledger", {"month": "2026-03"}),
        "stock": ("storekeeper", "/api/v1/schools/CG01/stock", {}),
        "expiring": ("storekeeper", "/api/v1/schools/CG01/expiring", {"days": 30}),
        "compliance": ("investigator", "/api/v1/compliance", {"start": day, "end": day}),
        "projections": ("investigator", "/api/v1/projections", {}),
        "session": ("kitchen", "/api/v1/sessions/current", {}),
        "staff": ("principal", f"/api/v1/staff/{ZHANG}", {}),
        "deliveries": ("supplier", "/api/v1/deliveries", {}),
    }  # fmt: skip
    found, checked = {}, {}
    for name, (who, path, params) in reads.items():
        response = live.get(who, path, params=params)
        assert response.status_code == 200, (name, response.text)
        found[name] = off_the_county_clock(response.json())
        checked[name] = len(list(times_in(response.json())))
    assert {name: wrong for name, wrong in found.items() if wrong} == {}
    # The net held times to check in every answer that has them.
    assert all(checked[name] for name in ("card", "history", "as-of (asked in UTC)", "handoffs", "sample", "台账"))
    assert all(checked[name] for name in ("trace backward", "trace forward", "search", "meal samples"))
