"""Fresh answers, said out loud: a write names the log position it produced; an answer names the position it
reflects and the views' lag; a read with ?after=<position> includes that write, or says 503 in time."""

from __future__ import annotations

import time
from pathlib import Path

from domain.ledger import Ledger
from tests.api.conftest import Api, open_api
from tests.county import DAY, ZHANG

MEAL = {"school": "CG01", "meal_date": str(DAY), "meal": "lunch"}


def issue_for_lunch(api: Api, key: str | None = None) -> tuple[str, dict]:  # type: ignore[type-arg]
    """The storekeeper issues 5 kg of certified pork to lunch, the kitchen lead signing with a PIN: a 201."""
    code = api.county.receive()
    api.county.certify(code)
    body = {"quantity": "5", "unit": "kg", "meal_date": str(DAY), "meal": "lunch", "taken_by": ZHANG}
    written = api.post("storekeeper", f"/api/v1/batches/{code}/issues", {**body, "taker_pin": "2468"}, key=key)
    assert written.status_code == 201, written.text
    return code, written.json()


def test_write_response_carries_its_log_position(api: Api) -> None:
    code, written = issue_for_lunch(api, key="phone-7-issue-1")
    assert written["position"] == api.ledger.recorder.max_notification_id()

    api.county.receive()  # someone else writes meanwhile
    again = api.post(
        "storekeeper",
        f"/api/v1/batches/{code}/issues",
        {"quantity": "5", "unit": "kg", "meal_date": str(DAY), "meal": "lunch", "taken_by": ZHANG, "taker_pin": "2468"},
        key="phone-7-issue-1",
    )
    # A retry records nothing; its position still includes the first write.
    assert again.status_code == 201 and again.json()["code"] == code
    assert again.json()["position"] >= written["position"]

    hold = api.post("storekeeper", f"/api/v1/batches/{code}/holds", {"reason": "待复检"})
    assert hold.json()["position"] == api.ledger.recorder.max_notification_id() > written["position"]


def test_an_answer_says_which_position_it_reflects_and_how_far_behind_it_is(api: Api) -> None:
    api.catch_up()
    code, written = issue_for_lunch(api)  # the views have not read it yet (this app does not follow the log)

    trace = api.get("investigator", "/api/v1/trace/backward", params=MEAL)

    assert code not in [b["code"] for b in trace.json()["batches"]]  # stale, as seen: but now it says so
    freshness = trace.json()["freshness"]
    assert freshness["head"] == written["position"]
    assert freshness["position"] < written["position"] and freshness["lag"] == freshness["head"] - freshness["position"]
    assert trace.headers["X-Log-Position"] == str(freshness["position"])
    assert trace.headers["X-Log-Lag"] == str(freshness["lag"])
    exported = api.get("investigator", "/api/v1/trace/backward", params={**MEAL, "format": "xlsx"})
    assert exported.headers["X-Log-Position"] == str(freshness["position"])


def test_read_after_position_sees_the_write(ledger: Ledger, tmp_path: Path) -> None:
    with open_api(ledger, tmp_path, follow_projections=True) as api:  # the views follow the log, as served
        code, written = issue_for_lunch(api)
        after = {"after": written["position"]}

        trace = api.get("investigator", "/api/v1/trace/backward", params={**MEAL, **after})
        stock = api.get("storekeeper", "/api/v1/schools/CG01/stock", params=after)
        as_of = api.get("investigator", f"/api/v1/batches/{code}/as-of", params={"at": "2027-01-01T00:00:00Z", **after})

    assert trace.status_code == 200, trace.text
    assert [b["code"] for b in trace.json()["batches"]] == [code]
    assert trace.json()["freshness"]["position"] >= written["position"]
    assert stock.json()["freshness"]["position"] >= written["position"]
    assert as_of.json()["freshness"]["position"] >= written["position"] and as_of.json()["freshness"]["lag"] == 0


def test_read_after_unreached_position_answers_503_within_bound(ledger: Ledger, tmp_path: Path) -> None:
    bound = 0.3
    with open_api(ledger, tmp_path, follow_projections=False, read_wait_seconds=bound) as api:
        _, written = issue_for_lunch(api)  # nothing brings the views up to this position

        started = time.monotonic()
        answer = api.get("investigator", "/api/v1/trace/backward", params={**MEAL, "after": written["position"]})
        waited = time.monotonic() - started
        beyond = api.get("investigator", "/api/v1/trace/backward", params={**MEAL, "after": written["position"] + 1})

    assert answer.status_code == 503 and answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["code"] == "views_behind" and problem["field"] == "after"
    assert "稍后重试" in problem["zh"] and str(written["position"]) in problem["en"]
    assert problem["details"]["position"] < written["position"] == problem["details"]["head"]
    assert answer.headers["Retry-After"]
    assert bound <= waited < bound + 10  # it waited for the views, and not for ever
    assert beyond.status_code == 422 and beyond.json()["field"] == "after"


def test_investigator_may_read_view_status(api: Api) -> None:
    api.catch_up()
    _, written = issue_for_lunch(api)

    status = api.get("investigator", "/api/v1/projections")

    assert status.status_code == 200
    views = {v["name"]: v for v in status.json()["views"]}
    assert set(views) == {"trace", "warehouse"}
    assert all(v["head"] == written["position"] and v["lag"] == v["head"] - v["position"] > 0 for v in views.values())
