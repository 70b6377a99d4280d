"""Dishes over HTTP: a storekeeper's issue names its dish, the kitchen lead records the dish served, and an
investigator starts a backward trace from one dish."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.county import DAY, ZHANG

TRACE = f"/api/v1/trace/backward?school=CG01&meal_date={DAY}&meal=lunch"


def issued_for_braised_pork(api: Api) -> str:
    code: str = api.county.ready_to_issue()
    body = {"quantity": "5", "unit": "kg", "meal_date": str(DAY), "meal": "lunch", "taken_by": ZHANG,
            "taker_pin": "2468", "dishes": ["红烧肉"]}  # fmt: skip
    response = api.post("storekeeper", f"/api/v1/batches/{code}/issues", body)
    assert response.status_code == 201, response.text
    return code


def test_the_kitchen_lead_records_a_dish_and_the_trace_starts_from_it(api: Api) -> None:
    code = issued_for_braised_pork(api)
    body = {"meal_date": str(DAY), "meal": "lunch", "dish": "红烧肉", "batch_codes": [code], "portions": 318}
    response = api.post("kitchen", "/api/v1/dish-records", body)
    assert response.status_code == 201, response.text
    assert response.json()["portions"] == 318 and response.json()["school"] == "CG01"
    api.catch_up()
    trace = api.get("investigator", f"{TRACE}&dish=红烧肉").json()
    assert trace["dish"]["portions"] == 318 and [b["code"] for b in trace["batches"]] == [code]
    assert trace["batches"][0]["issues_for_meal"][0]["dishes"] == ["红烧肉"]


def test_a_storekeeper_may_not_record_the_dishes_served(api: Api) -> None:
    body = {"meal_date": str(DAY), "meal": "lunch", "dish": "红烧肉", "batch_codes": [], "portions": 1}
    assert api.post("storekeeper", "/api/v1/dish-records", body).status_code == 403


def test_a_batch_not_issued_for_the_meal_is_refused_in_both_languages(api: Api) -> None:
    code = api.county.ready_to_issue()
    body = {"meal_date": str(DAY), "meal": "lunch", "dish": "红烧肉", "batch_codes": [code], "portions": 300}
    response = api.post("kitchen", "/api/v1/dish-records", body)
    assert response.status_code == 422 and response.json()["field"] == "batch_codes"
    assert "没有出库" in response.json()["zh"] and "not issued" in response.json()["en"]


def test_a_trace_from_a_dish_the_meal_does_not_have_is_404(api: Api) -> None:
    issued_for_braised_pork(api)
    api.catch_up()
    response = api.get("investigator", f"{TRACE}&dish=糖醋排骨")
    assert response.status_code == 404 and response.json()["field"] == "dish"
    assert "糖醋排骨" in response.json()["zh"]
