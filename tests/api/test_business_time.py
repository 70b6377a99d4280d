"""Business time over the API: a receipt written up late keeps when it happened and says when it was recorded (补录)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain.business_time import LATE_ZH
from domain.registry import RegisterStaff
from tests.api.conftest import LI_PIN, Api
from tests.api.files import pdf_report
from tests.api.test_days import GREENS, announce_with_certificates
from tests.county import ADMIN, DAY, LI, at

# The delivery arrived at 6:45; the storekeeper writes it up from the paper slip at 9:00 (the API's clock).
ARRIVED = at(DAY, 6, 45)


def receive_greens(api: Api, **extra: Any) -> str:
    received = api.post("storekeeper", "/api/v1/batches", {**GREENS, "co_signer_pin": LI_PIN, **extra})
    assert received.status_code == 201, received.text
    return str(received.json()["code"])


def history(api: Api, code: str) -> list[dict[str, Any]]:
    answer = api.get("storekeeper", f"/api/v1/batches/{code}/history")
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def test_a_receipt_written_up_two_hours_late_is_late_with_both_times(api: Api) -> None:
    code = receive_greens(api, occurred_at=ARRIVED.isoformat())

    [received] = history(api, code)
    assert received["at"] == "2026-03-02T06:45:00+08:00"
    assert received["recorded_at"] == "2026-03-02T09:00:00+08:00"
    assert received["late"] is True and received["late_approval"] is None


def test_a_receipt_recorded_as_it_happens_is_not_late(api: Api) -> None:
    code = receive_greens(api)

    [received] = history(api, code)
    assert received["at"] == received["recorded_at"] == "2026-03-02T09:00:00+08:00"
    assert received["late"] is False


def test_a_time_without_an_offset_is_refused(api: Api) -> None:
    answer = api.post("storekeeper", "/api/v1/batches", {**GREENS, "occurred_at": "2026-03-02T06:45:00"})

    assert answer.status_code == 422, answer.text


def test_an_entry_in_the_future_beyond_the_clock_skew_is_refused(api: Api) -> None:
    answer = api.post("storekeeper", "/api/v1/batches", {**GREENS, "occurred_at": at(DAY, 9, 6).isoformat()})

    assert answer.status_code == 422, answer.text
    assert "5" in answer.json()["zh"] and "future" in answer.json()["en"]
    soon = receive_greens(api, occurred_at=at(DAY, 9, 4).isoformat())  # within the skew: a phone's clock runs ahead
    assert history(api, soon)[0]["at"] == "2026-03-02T09:04:00+08:00"


def three_days_ago() -> datetime:
    return at(DAY - timedelta(days=3), 7)


# What that delivery's papers said: produced that morning (a date after the day it happened would be refused).
EARLIER = {"production_date": str(DAY - timedelta(days=3)), "use_by_date": str(DAY - timedelta(days=1))}


def test_three_days_late_without_a_principals_approval_is_refused_naming_the_window(api: Api) -> None:
    answer = api.post("storekeeper", "/api/v1/batches", {**GREENS, "occurred_at": three_days_ago().isoformat()})

    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert "48小时" in body["zh"] and "48 h" in body["en"], body
    assert "principal" in body["en"]


def test_three_days_late_with_the_principals_pin_is_recorded_naming_the_approver(api: Api) -> None:
    api.client.app.state.credentials.set_pin("CG01-principal", "1357", by=ADMIN)  # type: ignore[attr-defined]
    approval = {"approver": "CG01-principal", "reason": "周五停电，纸质验收单补录", "pin": "1357"}
    code = receive_greens(api, **EARLIER, occurred_at=three_days_ago().isoformat(), late_approval=approval)

    [received] = history(api, code)
    assert received["at"] == "2026-02-27T07:00:00+08:00" and received["late"] is True
    assert received["late_approval"] == {"approver": "CG01-principal", "reason": "周五停电，纸质验收单补录"}
    assert LATE_ZH == "补录"


def test_a_wrong_approver_pin_records_nothing(api: Api) -> None:
    api.client.app.state.credentials.set_pin("CG01-principal", "1357", by=ADMIN)  # type: ignore[attr-defined]
    approval = {"approver": "CG01-principal", "reason": "补录", "pin": "9999"}
    answer = api.post(
        "storekeeper",
        "/api/v1/batches",
        {**GREENS, "occurred_at": three_days_ago().isoformat(), "late_approval": approval},
    )

    assert answer.status_code == 403 and answer.json()["code"] == "wrong_pin", answer.text
    unsigned = {**approval, "pin": None}
    answer = api.post(
        "storekeeper",
        "/api/v1/batches",
        {**GREENS, "occurred_at": three_days_ago().isoformat(), "late_approval": unsigned},
    )
    assert answer.status_code == 403 and answer.json()["code"] == "approver_not_signed", answer.text


def test_the_principal_approves_with_their_own_credential(api: Api) -> None:
    approval = {"approver": "CG01-principal", "reason": "周五停电，纸质记录补录"}
    code = receive_greens(api)
    held = api.post(
        "principal",
        f"/api/v1/batches/{code}/holds",
        {"reason": "复查", "occurred_at": at(DAY, 9).isoformat(), "late_approval": approval},
    )

    assert held.status_code == 200, held.text
    assert history(api, code)[-1]["late_approval"] == approval


def test_only_a_principal_of_the_school_may_approve(api: Api) -> None:
    code = receive_greens(api)
    approval = {"approver": LI, "reason": "补录"}
    answer = api.post("co_signer", f"/api/v1/batches/{code}/moves", {"place": "二号库", "late_approval": approval})

    assert answer.status_code == 422, answer.text
    assert "principal" in answer.json()["en"] and "校长" in answer.json()["zh"]
    assert [e["what"] for e in history(api, code)] == ["Received"]


def test_a_batch_story_stays_in_order(api: Api) -> None:
    code = receive_greens(api, occurred_at=ARRIVED.isoformat())
    moved = api.post(
        "storekeeper", f"/api/v1/batches/{code}/moves", {"place": "二号库", "occurred_at": at(DAY, 8).isoformat()}
    )
    assert moved.status_code == 200, moved.text

    before_move = api.post(
        "storekeeper", f"/api/v1/batches/{code}/holds", {"reason": "复查", "occurred_at": at(DAY, 7, 30).isoformat()}
    )
    before_receipt = api.post(
        "storekeeper", f"/api/v1/batches/{code}/moves", {"place": "三号库", "occurred_at": at(DAY, 6).isoformat()}
    )

    assert before_move.status_code == 422, before_move.text
    assert "previous event" in before_move.json()["en"] and "08:00" in before_move.json()["en"]
    assert before_receipt.status_code == 422 and "received" in before_receipt.json()["en"]
    assert [e["what"] for e in history(api, code)] == ["Received", "Moved"]


def test_a_retry_with_the_same_business_time_is_answered_from_the_first(api: Api) -> None:
    body = {**GREENS, "occurred_at": ARRIVED.isoformat()}
    first = api.post("storekeeper", "/api/v1/batches", body, key="slip-0302-1")
    again = api.post("storekeeper", "/api/v1/batches", body, key="slip-0302-1")
    other = api.post(
        "storekeeper", "/api/v1/batches", {**body, "occurred_at": at(DAY, 7).isoformat()}, key="slip-0302-1"
    )

    assert first.json()["code"] == again.json()["code"]
    assert other.status_code == 409, other.text


def test_the_as_of_answer_between_occurred_and_recorded_shows_the_late_receipt(api: Api) -> None:
    code = receive_greens(api, occurred_at=ARRIVED.isoformat())  # happened 06:45, recorded 09:00

    between = api.get("investigator", f"/api/v1/batches/{code}/as-of", params={"at": at(DAY, 8).isoformat()})
    before = api.get("investigator", f"/api/v1/batches/{code}/as-of", params={"at": at(DAY, 6, 30).isoformat()})

    assert between.status_code == 200, between.text
    assert between.json()["exists"] and between.json()["on_hand"] == "25"
    assert [(e["what"], e["late"]) for e in between.json()["events"]] == [("Received", True)]
    assert before.json()["exists"] is False


def test_a_certificate_handed_over_at_the_door_keeps_that_time(api: Api) -> None:
    code = receive_greens(api, occurred_at=ARRIVED.isoformat())
    handed = api.client.post(
        f"/api/v1/batches/{code}/certificates",
        headers=api.headers("storekeeper"),
        data={
            "kind": "quality_inspection_report",
            "number": "QJ-0302",
            "issuer": "县检测中心",
            "issue_date": str(DAY),
            "occurred_at": at(DAY, 6, 50).isoformat(),
        },
        files={"file": ("report.pdf", pdf_report())},
    )

    assert handed.status_code == 201, handed.text
    attached = history(api, code)[-1]
    assert attached["what"] == "CertificateAttached" and attached["at"] == "2026-03-02T06:50:00+08:00"
    assert attached["late"] is True


def test_a_co_signer_signing_later_from_the_paper_slip_says_when_they_signed(api: Api) -> None:
    received = api.post("storekeeper", "/api/v1/batches", {**GREENS, "occurred_at": ARRIVED.isoformat()})
    assert received.status_code == 201 and received.json()["status"] == "awaiting_co_signer", received.text
    code = received.json()["code"]

    signed = api.post("co_signer", f"/api/v1/batches/{code}/co-sign", {"occurred_at": at(DAY, 6, 55).isoformat()})

    assert signed.status_code == 200, signed.text
    assert [(e["what"], e["at"]) for e in history(api, code)][-1] == ("CoSigned", "2026-03-02T06:55:00+08:00")


def test_a_late_refusal_of_a_delivery_is_approved_only_by_a_principal_of_its_school(api: Api) -> None:
    api.ledger.execute(
        RegisterStaff(person_id="XH01-principal", name="刘校长", school="XH01", roles=["principal"]), by=ADMIN
    )
    for principal in ("XH01-principal", "CG01-principal"):
        api.client.app.state.credentials.set_pin(principal, "1357", by=ADMIN)  # type: ignore[attr-defined]
    delivery = announce_with_certificates(api)  # for CG01
    late = {"reason": "温度超标", "occurred_at": three_days_ago().isoformat()}

    by_another_school = api.post(
        "storekeeper",
        f"/api/v1/deliveries/{delivery}/reject",
        {**late, "late_approval": {"approver": "XH01-principal", "reason": "停电补录", "pin": "1357"}},
    )
    by_its_own = api.post(
        "storekeeper",
        f"/api/v1/deliveries/{delivery}/reject",
        {**late, "late_approval": {"approver": "CG01-principal", "reason": "停电补录", "pin": "1357"}},
    )

    assert by_another_school.status_code == 422 and "校长" in by_another_school.json()["zh"], by_another_school.text
    assert by_its_own.status_code == 200, by_its_own.text
