"""The API's as-of state is the CLI's (one builder for both), and the OpenAPI document describes the traces and the
as-of state an investigator reads."""

from __future__ import annotations

import json

import pytest

from api.cli import main
from domain.handoff import Correct, OfferIssue, PutOnHold, Release, ReturnToStore, WriteOff
from tests.api.conftest import Api
from tests.county import DAY, LI, WANG, ZHANG, at

MOMENT = "2026-03-02T12:00:00+08:00"


def test_api_as_of_state_matches_cli(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given pork issued to lunch, partly returned, some set aside for a hand-off, then put on hold
    ledger, county = api.ledger, api.county
    code = county.ready_to_issue()
    county.issue(code, "5")
    ledger.execute(
        ReturnToStore(code=code, quantity="2", unit="kg", returned_by=ZHANG, reason="剩余"),
        by=WANG,
        at=at(hour=10, minute=30),
    )
    ledger.execute(
        OfferIssue(code=code, quantity="3", unit="kg", meal_date=DAY, meal="lunch", taken_by=ZHANG),
        by=WANG,
        at=at(hour=11),
    )
    ledger.execute(PutOnHold(code=code, reason="供应商召回通知"), by=WANG, at=at(hour=11, minute=30))

    # When an investigator asks the API and the command line for its state at noon
    answer = api.get("investigator", f"/api/v1/batches/{code}/as-of", params={"at": MOMENT}).json()
    monkeypatch.setenv("FOODTRACE_DATABASE_URL", database_url)
    assert main(["batch", code, "--as-of", MOMENT, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)

    # Then both say the same, field for field (the API adds how fresh its answer is)
    assert answer.pop("freshness")["lag"] == 0
    assert answer == printed
    assert answer["reserved"] == "3" and answer["on_hold"] is True and answer["hold_reason"] == "供应商召回通知"
    assert [m["kind"] for m in answer["movements"]] == ["issue", "return"]
    assert len(answer) >= 23


def test_openapi_describes_the_trace_and_as_of_answers(api: Api) -> None:
    document = api.client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]

    def answer_schema(path: str) -> str:
        ref: str = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        return ref.rsplit("/", 1)[-1]

    assert answer_schema("/api/v1/trace/forward") == "TraceForwardOut"
    assert answer_schema("/api/v1/trace/backward") == "TraceBackwardOut"
    assert answer_schema("/api/v1/batches/{code}/as-of") == "BatchAsOfOut"
    assert {"batches", "other_schools", "same_lots_at_school", "people", "freshness"} <= set(
        schemas["TraceBackwardOut"]["properties"]
    )
    assert {"code", "lot", "supplier", "product", "issues"} <= set(schemas["TraceBatch"]["required"])
    assert {"reserved", "movements", "hold_reason", "certificates", "events", "freshness"} <= set(
        schemas["BatchAsOfOut"]["properties"]
    )
    assert {"position", "head", "lag"} <= set(schemas["Freshness"]["required"])
    assert {"issued", "returned", "net", "returns", "write_offs", "holds", "meals"} <= set(
        schemas["TraceBatch"]["required"]
    )
    assert {"issued_for_meal", "net_for_meal", "returns_for_meal"} <= set(schemas["MealBatch"]["required"])
    assert "voided_batches" in schemas["TraceBackwardOut"]["properties"]


def test_a_complete_trace_answers_within_its_schema(api: Api) -> None:
    # Given a lunch with a return, a hold and its release, a write-off, and a dinner issue voided by a correction
    ledger, county = api.ledger, api.county
    code = county.ready_to_issue()
    county.issue(code, "5")
    ledger.execute(
        ReturnToStore(code=code, quantity="2", unit="kg", returned_by=ZHANG, reason="剩余"), by=WANG, at=at(hour=13)
    )
    ledger.execute(PutOnHold(code=code, reason="待复检"), by=WANG, at=at(hour=14))
    ledger.execute(Release(code=code, reason="复检合格"), by=WANG, at=at(hour=14, minute=30))
    wrong = county.issue(code, "1", meal="dinner", at=at(hour=15))
    ledger.execute(
        Correct(code=code, corrects_version=wrong["version"], reason="录错餐次"), by=WANG, at=at(hour=15, minute=5)
    )
    ledger.execute(WriteOff(code=code, reason="变质", witness=LI, quantity="4"), by=WANG, at=at(hour=16))
    api.catch_up()

    # When an investigator traces the lunch, the dinner and the lot over HTTP
    lunch = api.get(
        "investigator", "/api/v1/trace/backward", params={"school": "CG01", "meal_date": str(DAY), "meal": "lunch"}
    )
    dinner = api.get(
        "investigator", "/api/v1/trace/backward", params={"school": "CG01", "meal_date": str(DAY), "meal": "dinner"}
    )
    forward = api.get("investigator", "/api/v1/trace/forward", params={"lot": "HX260301-2"})

    # Then every answer passes its response model (a mismatch would be a 500) and carries the whole story
    assert lunch.status_code == dinner.status_code == forward.status_code == 200
    [batch] = lunch.json()["batches"]
    assert (batch["issued_for_meal"], batch["returned_for_meal"], batch["net_for_meal"]) == ("5", "2", "3")
    assert [h["action"] for h in batch["holds"]] == ["hold", "release"] and batch["written_off"] == "4"
    assert [i["voided"] for i in dinner.json()["voided_batches"][0]["issues_for_meal"]] == [True]
    assert forward.json()["batches"][0]["net"] == "3"
