"""已过期 is a state: past its use-by date (the county's today), a batch says so wherever its status shows."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta

from openpyxl import load_workbook

from tests.api.conftest import Api
from tests.county import DAY, ZHANG, at

TWO_DAYS_LATER = DAY + timedelta(days=2)


def a_batch_that_expires_tomorrow_and_one_that_keeps(api: Api) -> tuple[str, str]:
    """Pork with use-by DAY + 1, partly issued on DAY, and a later lot with use-by DAY + 10."""
    county = api.county
    short = county.receive(use_by_date=DAY + timedelta(days=1))
    keeps = county.receive(supplier_lot="HX260301-3", use_by_date=DAY + timedelta(days=10))
    for code in (short, keeps):
        county.certify(code)
    county.issue(short, "5")
    api.catch_up()
    return short, keeps


def expired_flags(api: Api, short: str, keeps: str) -> dict[str, tuple[bool, bool]]:
    """Each place a batch's status shows: is (short, keeps) expired there?"""
    cards = [api.get("storekeeper", f"/api/v1/batches/{code}").json() for code in (short, keeps)]
    found = {b["code"]: b for b in api.get("investigator", "/api/v1/search/batches").json()["items"]}
    stock = {b["code"]: b for b in api.get("storekeeper", "/api/v1/schools/CG01/stock").json()["batches"]}
    soon = {b["code"]: b for b in api.get("storekeeper", "/api/v1/schools/CG01/expiring?days=30").json()["batches"]}
    book = api.get("storekeeper", "/api/v1/schools/CG01/ledger?month=2026-03").json()["rows"]
    in_book = {row["code"]: row["expired"] for row in book}
    return {
        "card": (cards[0]["expired"], cards[1]["expired"]),
        "search": (found[short]["expired"], found[keeps]["expired"]),
        "stock": (stock[short]["expired"], stock[keeps]["expired"]),
        "expiring": (soon[short]["expired"], soon[keeps]["expired"]),
        "ledger": (in_book[short], in_book[keeps]),
    }


def test_batch_past_use_by_shows_expired_on_card_search_stock_and_ledger(api: Api) -> None:
    short, keeps = a_batch_that_expires_tomorrow_and_one_that_keeps(api)

    api.ledger.clock = lambda: at(DAY + timedelta(days=1), 9)  # its use-by date: still usable
    assert set(expired_flags(api, short, keeps).values()) == {(False, False)}

    api.ledger.clock = lambda: at(TWO_DAYS_LATER, 9)
    assert set(expired_flags(api, short, keeps).values()) == {(True, False)}
    xlsx = api.get("storekeeper", "/api/v1/schools/CG01/ledger?month=2026-03&format=xlsx").content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet is not None
    remarks = {row[3]: row[-1] or "" for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert remarks[short].startswith("已过期") and "已过期" not in remarks[keeps]


def test_the_county_date_decides_not_the_servers(api: Api) -> None:
    short, _ = a_batch_that_expires_tomorrow_and_one_that_keeps(api)
    use_by = DAY + timedelta(days=1)
    # 17:30 UTC on the use-by date is 01:30 the next morning in Shanghai: the batch has expired there.
    api.ledger.clock = lambda: datetime.combine(use_by, time(17, 30), UTC)
    assert api.get("storekeeper", f"/api/v1/batches/{short}").json()["expired"] is True
    # 23:30 on the use-by date in Shanghai is 15:30 UTC the same day: still usable.
    api.ledger.clock = lambda: datetime.combine(use_by, time(15, 30), UTC)
    assert api.get("storekeeper", f"/api/v1/batches/{short}").json()["expired"] is False


def test_a_batch_used_up_before_its_use_by_date_is_not_expired_stock_in_the_ledger(api: Api) -> None:
    short, _ = a_batch_that_expires_tomorrow_and_one_that_keeps(api)
    api.county.issue(short, "15", at=at(DAY, 11))
    api.catch_up()
    api.ledger.clock = lambda: at(TWO_DAYS_LATER, 9)

    book = api.get("storekeeper", "/api/v1/schools/CG01/ledger?month=2026-03").json()["rows"]

    assert [row["expired"] for row in book if row["code"] == short] == [False, False, False]


def test_issue_of_expired_batch_refused_with_reason(api: Api) -> None:
    short, _ = a_batch_that_expires_tomorrow_and_one_that_keeps(api)
    api.ledger.clock = lambda: at(TWO_DAYS_LATER, 9)
    issue = {"quantity": "2", "unit": "kg", "meal_date": str(TWO_DAYS_LATER), "meal": "lunch", "taken_by": ZHANG}

    refused = api.post("storekeeper", f"/api/v1/batches/{short}/issues", issue)

    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "rule_violation" and "expired" in problem["details"]["reasons"]
    assert "已过期" in problem["zh"] and "past its use-by date" in problem["en"]
    card = api.get("storekeeper", f"/api/v1/batches/{short}").json()
    assert "issue" not in card["actions"] and "已过期" in card["refusals"]["issue"]
    assert api.ledger.batch(short).on_hand == 15
