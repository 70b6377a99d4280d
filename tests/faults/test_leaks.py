# ruff: noqa: F811  (tests take the imported `api` fixture as an argument)
"""Small leaks and slips: out-of-scope records answer 404, tokens stay out of logs, odd input is refused plainly."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import httpx
import pytest

from domain.codes import new_batch_code
from tests.api.conftest import Api, api  # noqa: F401  (the fixture: the real app over a real store)
from tests.api.test_days import ANNOUNCEMENT, GREENS
from tests.county import DAY, XH_STOREKEEPER, ZHANG
from tests.faults.live import serving


def test_naming_another_schools_person_as_co_signer_is_404_without_their_name(api: Api) -> None:
    unknown = api.post("storekeeper", "/api/v1/batches", {**GREENS, "co_signers": ["CG01-nobody"]})
    other = api.post("storekeeper", "/api/v1/batches", {**GREENS, "co_signers": [XH_STOREKEEPER]})
    assert other.status_code == unknown.status_code == 404, other.text
    assert "周明" not in other.text  # the name stays at the other school
    assert other.json()["en"].replace(XH_STOREKEEPER, "?") == unknown.json()["en"].replace("CG01-nobody", "?")


def test_another_schools_batch_in_a_sample_is_404_like_an_unknown_one(api: Api) -> None:
    cg01_batch = api.county.receive()
    sample = {"meal_date": str(DAY), "meal": "lunch", "dish": "青菜", "grams": 130, "fridge": "留样柜"}
    unknown = api.post("other_school", "/api/v1/samples", {**sample, "batch_codes": [new_batch_code()]})
    other = api.post("other_school", "/api/v1/samples", {**sample, "batch_codes": [cg01_batch]})
    assert unknown.status_code == 404, unknown.text
    assert other.status_code == 404 and other.json()["code"] == unknown.json()["code"], other.text
    assert "CG01" not in other.text


def test_receiving_another_schools_delivery_is_404(api: Api) -> None:
    announced = api.post("supplier", "/api/v1/deliveries", ANNOUNCEMENT)
    assert announced.status_code == 201, announced.text
    delivery = announced.json()["announcement_id"]
    body = {"place": "冷冻库", "co_signers": [XH_STOREKEEPER], "sensory_ok": True}
    received = api.post("other_school", f"/api/v1/deliveries/{delivery}/receive", body)
    rejected = api.post("other_school", f"/api/v1/deliveries/{delivery}/reject", {"reason": "不是我们的"})
    for answer in (received, rejected):
        assert answer.status_code == 404, answer.text
        assert "CG01" not in answer.text


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextmanager
def access_log() -> Iterator[Lines]:
    """What uvicorn's access log and ours write, as formatted lines (attached once the server configured logging)."""
    from uvicorn.logging import AccessFormatter

    lines = Lines()
    lines.setFormatter(AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s'))
    ours = Lines()
    loggers = {logging.getLogger("uvicorn.access"): lines, logging.getLogger("foodtrace.requests"): ours}
    for logger, handler in loggers.items():
        logger.addHandler(handler)
    try:
        yield lines
    finally:
        for logger, handler in loggers.items():
            logger.removeHandler(handler)
        lines.lines += ours.lines


def test_tokens_are_redacted_from_every_log_line(api: Api) -> None:
    token = api.tokens["storekeeper"]
    with serving(api.client.app, access_log=True) as base, access_log() as log:
        answer = httpx.get(f"{base}/api/v1/handoffs?access_token={token}&school=CG01")
        httpx.get(f"{base}/api/v1/handoffs?token={token}", headers={"Authorization": f"Bearer {token}"})
        httpx.get(f"{base}/api/v1/handoffs?q={token}", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert sum("/api/v1/handoffs" in line for line in log.lines) >= 3, log.lines
    assert not any(token in line or token[3:20] in line for line in log.lines), log.lines
    assert any("access_token=[redacted]" in line for line in log.lines), log.lines


def test_an_empty_idempotency_key_is_400(api: Api) -> None:
    code = api.county.receive()
    for empty in ("", "   "):
        answer = api.client.post(
            f"/api/v1/batches/{code}/holds",
            json={"reason": "召回"},
            headers=api.headers("storekeeper", **{"Idempotency-Key": empty}),
        )
        assert answer.status_code == 400, answer.text
        assert answer.json()["field"] == "Idempotency-Key" and "Idempotency-Key" in answer.json()["zh"]
    assert len(api.ledger.history(code)) == 1  # nothing recorded


@pytest.mark.parametrize(
    "quantity", ["1_0", "1e1", "1E+1", " 10", "10 ", "+10", "１０", "Infinity", "0x10", ".5", "5."]
)
def test_quantities_are_plain_decimals(api: Api, quantity: str) -> None:
    answer = api.post("storekeeper", "/api/v1/batches", {**GREENS, "quantity": quantity})
    assert answer.status_code == 422 and answer.json()["field"] == "quantity", answer.text
    assert "plain decimal" in answer.json()["en"]


def test_a_meal_date_far_from_today_is_refused(api: Api) -> None:
    code = api.county.receive()
    api.county.certify(code)
    issue = {"quantity": "1", "unit": "kg", "meal": "lunch", "taken_by": ZHANG}
    for far in ("9999-12-31", str(DAY + timedelta(days=400))):
        answer = api.post("storekeeper", f"/api/v1/batches/{code}/issues", {**issue, "meal_date": far})
        assert answer.status_code == 422 and answer.json()["field"] == "meal_date", answer.text
        assert "用餐日期" in answer.json()["zh"] and "meal_date" in answer.json()["en"]
    late = {
        "meal_date": "2019-03-02",
        "meal": "lunch",
        "dish": "青菜",
        "grams": 130,
        "fridge": "留样柜",
        "batch_codes": [],
    }
    answer = api.post("storekeeper", "/api/v1/samples", late)
    assert answer.status_code == 422 and answer.json()["field"] == "meal_date", answer.text


def test_a_huge_body_is_refused_before_it_is_read(api: Api) -> None:
    huge = b'{"reason": "' + b"x" * (60 * 1024 * 1024) + b'"}'
    code = api.county.receive()
    answer = api.client.post(
        f"/api/v1/batches/{code}/holds",
        content=huge,
        headers=api.headers("storekeeper", **{"Content-Type": "application/json"}),
    )
    assert answer.status_code == 413 and answer.headers["content-type"] == "application/problem+json"
    assert "MB" in answer.json()["en"] and answer.json()["zh"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"reason": "'
        for _ in range(60):
            yield b"x" * (1024 * 1024)
        yield b'"}'

    with serving(api.client.app) as base:
        streamed = httpx.post(
            f"{base}/api/v1/batches/{code}/holds",
            content=chunks(),
            headers=api.headers("storekeeper", **{"Content-Type": "application/json"}),
        )
    assert streamed.status_code == 413, streamed.text


def test_405_names_the_allowed_methods(api: Api) -> None:
    answer = api.client.delete("/api/v1/batches", headers=api.headers("storekeeper"))
    assert answer.status_code == 405
    assert answer.headers["Allow"] == "POST" and answer.headers["content-type"] == "application/problem+json"
