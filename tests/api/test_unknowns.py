"""A typo must not read as "nothing happened": an unknown school, supplier, lot or batch is 404 problem+json with
Chinese and English text in every investigation route."""

from __future__ import annotations

from typing import Any

from domain.codes import new_batch_code
from tests.api.conftest import Api
from tests.county import DAY

UNKNOWN_SCHOOL = "CG99"
MEAL = {"meal_date": str(DAY), "meal": "lunch"}

# Every investigation route that names a school, as an investigator asks it.
SCHOOL_ROUTES: list[tuple[str, dict[str, Any]]] = [
    ("/api/v1/trace/backward", {"school": UNKNOWN_SCHOOL, **MEAL}),
    ("/api/v1/trace/backward", {"school": UNKNOWN_SCHOOL, **MEAL, "format": "xlsx"}),
    ("/api/v1/search/batches", {"school": UNKNOWN_SCHOOL}),
    (f"/api/v1/schools/{UNKNOWN_SCHOOL}/ledger", {"month": "2026-03"}),
    (f"/api/v1/schools/{UNKNOWN_SCHOOL}/ledger", {"month": "2026-03", "format": "xlsx"}),
    (f"/api/v1/schools/{UNKNOWN_SCHOOL}/stock", {}),
    (f"/api/v1/schools/{UNKNOWN_SCHOOL}/expiring", {}),
    ("/api/v1/compliance", {"start": "2026-03-01", "end": "2026-03-31", "school": UNKNOWN_SCHOOL}),
    (f"/api/v1/meals/{DAY}/lunch/samples", {"school": UNKNOWN_SCHOOL}),
]


def problems(api: Api, routes: list[tuple[str, dict[str, Any]]], who: str = "investigator") -> dict[str, Any]:
    """Each route's answer, where it is not a 404 problem+json naming the field in both languages."""
    wrong = {}
    for path, params in routes:
        answer = api.get(who, path, params=params)
        body = answer.json() if answer.headers["content-type"] == "application/problem+json" else {}
        if not (answer.status_code == 404 and body.get("code") == "not_found" and body.get("zh") and body.get("en")):
            wrong[f"{path} {params}"] = (answer.status_code, answer.headers["content-type"], body)
    return wrong


def test_unknown_school_is_404_in_every_investigation_route(api: Api) -> None:
    api.catch_up()
    assert problems(api, SCHOOL_ROUTES) == {}
    answer = api.get("investigator", "/api/v1/trace/backward", params={"school": UNKNOWN_SCHOOL, **MEAL})
    assert answer.json()["field"] == "school" and UNKNOWN_SCHOOL in answer.json()["zh"]
    # The school's own day with nothing issued yet is an empty answer, not a 404.
    assert api.get("investigator", "/api/v1/trace/backward", params={"school": "CG01", **MEAL}).status_code == 200


def test_unknown_supplier_lot_or_batch_is_404(api: Api) -> None:
    api.county.receive(supplier_lot="HX260301-2")
    api.catch_up()
    nowhere = new_batch_code()
    routes: list[tuple[str, dict[str, Any]]] = [
        ("/api/v1/trace/forward", {"supplier": "SUP-XX"}),
        ("/api/v1/trace/forward", {"lot": "HX269999-9"}),
        ("/api/v1/trace/forward", {"lot": "HX269999-9", "format": "csv"}),
        ("/api/v1/search/batches", {"supplier": "SUP-XX"}),
        ("/api/v1/search/batches", {"lot": "HX269999-9"}),
        (f"/api/v1/batches/{nowhere}/as-of", {"at": "2026-03-02T12:00:00+08:00"}),
        (f"/api/v1/batches/{nowhere}/history", {}),
    ]
    assert problems(api, routes) == {}
    lot = api.get("investigator", "/api/v1/trace/forward", params={"lot": "HX269999-9"}).json()
    assert lot["field"] == "lot" and "HX269999-9" in lot["zh"] and "HX269999-9" in lot["en"]
    # A lot that exists, outside the dates asked, is an empty answer; a school sees only its own receipts.
    late = api.get("investigator", "/api/v1/trace/forward", params={"lot": "HX260301-2", "received_from": "2026-04-01"})
    assert late.status_code == 200 and late.json()["batches"] == []
    theirs = api.get("other_school", "/api/v1/search/batches", params={"lot": "HX260301-2"})
    assert theirs.status_code == 200 and theirs.json()["items"] == []
