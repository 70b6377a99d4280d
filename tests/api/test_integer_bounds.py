"""An integer the database cannot hold (past 2**63 - 1) is refused as bad input, 422 in Chinese and English, not
a 500 from the driver (SQLite raises OverflowError on binding it)."""

from __future__ import annotations

from tests.api.conftest import Api

PAST_BIGINT = str(2**63)  # one past the largest 64-bit signed integer


def test_a_log_position_past_64_bits_is_bad_input(api: Api) -> None:
    answer = api.client.get("/api/v1/checkpoints", params={"after": PAST_BIGINT})
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["code"] == "invalid_input" and body["field"] == "after" and body["zh"] and body["en"]


def test_the_largest_64_bit_log_position_is_an_empty_answer(api: Api) -> None:
    answer = api.client.get("/api/v1/checkpoints", params={"after": str(2**63 - 1)})
    assert answer.status_code == 200
    assert answer.json()["checkpoints"] == []


def test_reading_after_a_position_past_64_bits_is_bad_input(api: Api) -> None:
    api.catch_up()
    answer = api.get("investigator", "/api/v1/schools/CG01/stock", params={"after": PAST_BIGINT})
    assert answer.status_code == 422 and answer.json()["field"] == "after"


def test_a_hand_off_number_past_64_bits_is_no_such_hand_off(api: Api) -> None:
    # The number is looked up among the batch's own hand-offs, never sent to the database: 404, not 500.
    batch = api.county.receive()
    answer = api.post("kitchen", f"/api/v1/batches/{batch}/issues/{PAST_BIGINT}/confirm")
    assert answer.status_code == 404 and answer.json()["zh"] and answer.json()["en"]
