"""Two signatures make a hand-off; an announced delivery is received by a scan and a check."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from domain.errors import AlreadyExists, NotFound, RuleViolation, ValidationError
from domain.handoff import CancelIssueOffer, ConfirmIssue, PutOnHold
from domain.intake import AttachCertificateToDelivery, ReceiveAnnounced, RejectDelivery
from domain.values import Principal
from tests.county import DAY, EXPIRED, LI, SUPPLIER, WANG, ZHANG, County, at, certificate, digest

KITCHEN = Principal(ZHANG, "kitchen")


def test_an_issue_is_complete_only_when_the_taker_confirms(county: County) -> None:
    code = county.ready_to_issue()
    offered = county.offer(code, "8")
    batch = county.ledger.batch(code)
    assert offered["status"] == "awaiting_taker"
    assert batch.on_hand == Decimal("20") and batch.reserved == Decimal("8")
    assert not [m for m in batch.live_movements if m.kind == "issue"]

    confirmed = county.ledger.execute(
        ConfirmIssue(code=code, offer=offered["offer"]), by=KITCHEN, at=at(hour=10, minute=2)
    )
    batch = county.ledger.batch(code)
    assert confirmed["status"] == "issued"
    assert batch.on_hand == Decimal("12") and batch.reserved == Decimal("0")
    issued = county.ledger.history(code)[-1]
    assert issued.what == "IssuedToKitchen" and issued.by == KITCHEN
    assert (issued.details["given_by"], issued.details["taken_by"], issued.details["offer"]) == (
        WANG.person_id,
        ZHANG,
        offered["offer"],
    )


def test_only_the_named_taker_can_confirm(county: County) -> None:
    code = county.ready_to_issue()
    offered = county.offer(code, "8")
    with pytest.raises(RuleViolation, match="only CG01-zhang"):
        county.ledger.execute(
            ConfirmIssue(code=code, offer=offered["offer"]), by=Principal(LI, "storekeeper"), at=at(hour=10)
        )


def test_stock_set_aside_for_one_taker_cannot_be_issued_twice(county: County) -> None:
    code = county.ready_to_issue()
    county.offer(code, "15")
    with pytest.raises(RuleViolation, match="awaiting a taker"):
        county.issue(code, "6")


def test_a_hold_placed_after_the_offer_stops_the_confirmation(county: County) -> None:
    code = county.ready_to_issue()
    offered = county.offer(code, "8")
    county.ledger.execute(PutOnHold(code=code, reason="接到召回通知"), by=WANG, at=at(hour=10, minute=1))
    with pytest.raises(RuleViolation, match="on hold"):
        county.ledger.execute(ConfirmIssue(code=code, offer=offered["offer"]), by=KITCHEN, at=at(hour=10, minute=2))


def test_a_cancelled_offer_frees_the_stock_and_cannot_be_confirmed(county: County) -> None:
    code = county.ready_to_issue()
    offered = county.offer(code, "8")
    county.ledger.execute(
        CancelIssueOffer(code=code, offer=offered["offer"], reason="厨师长未到"), by=WANG, at=at(hour=10, minute=30)
    )
    assert county.ledger.batch(code).reserved == Decimal("0")
    with pytest.raises(NotFound, match="no pending hand-off"):
        county.ledger.execute(ConfirmIssue(code=code, offer=offered["offer"]), by=KITCHEN, at=at(hour=10, minute=31))


def test_a_taker_without_valid_certificates_cannot_be_offered_food(county: County) -> None:
    code = county.ready_to_issue()
    with pytest.raises(RuleViolation, match="health certificate"):
        county.offer(code, "8", taken_by=EXPIRED)


def test_an_announced_delivery_is_received_with_its_certificates(county: County) -> None:
    announced = county.announce()
    for kind in ("quality_inspection_report", "invoice", "animal_quarantine_certificate", "meat_quality_certificate"):
        attached = AttachCertificateToDelivery(
            announcement=announced, **certificate(kind, f"{kind[:2]}-1", digest(kind), "县检测中心")
        )
        county.ledger.execute(attached, by=SUPPLIER, at=at(DAY - timedelta(days=1), 18, 5))
    received = county.ledger.execute(
        ReceiveAnnounced(
            announcement=announced,
            place="冷冻库（红）",
            co_signers=[LI],
            co_signed=[LI],  # 李's PIN on 王's phone
            sensory_ok=True,
            sensory_notes="色泽正常",
            quantity="19.5",
        ),
        by=WANG,
        at=at(hour=7, minute=30),
    )
    batch = county.ledger.batch(received["code"])
    assert batch.received_quantity == Decimal("19.5")  # what arrived, not what was announced
    assert batch.gtin == "06901234567892" and batch.lot == "HX260301-2"
    assert {c.attached_by for c in batch.live_certificates} == {SUPPLIER}
    assert county.ledger.announcement(announced).status == "received"
    assert county.ledger.announcement(announced).batch_code == batch.code
    assert county.issue(batch.code, "5")  # every certificate arrived with it


def receive_at_the_door(county: County, announced: str) -> None:
    received = ReceiveAnnounced(
        announcement=announced, place="冷冻库", co_signers=[LI], sensory_ok=True, sensory_notes=""
    )
    county.ledger.execute(received, by=WANG, at=at(hour=7))


def test_an_announced_delivery_is_received_only_once(county: County) -> None:
    announced = county.announce()
    receive_at_the_door(county, announced)
    with pytest.raises(RuleViolation, match="already received"):
        receive_at_the_door(county, announced)


def test_the_same_delivery_note_cannot_be_announced_twice(county: County) -> None:
    county.announce()
    with pytest.raises(AlreadyExists, match="already announced"):
        county.announce()


def test_a_rejected_delivery_cannot_be_received(county: County) -> None:
    announced = county.announce()
    county.ledger.execute(
        RejectDelivery(announcement=announced, reason="到货温度12℃，冷链中断"), by=WANG, at=at(hour=7)
    )
    assert county.ledger.announcement(announced).status == "rejected"
    with pytest.raises(RuleViolation, match="already rejected"):
        receive_at_the_door(county, announced)


def test_a_received_delivery_cannot_then_be_rejected_and_nothing_is_recorded(county: County) -> None:
    announced = county.announce()
    receive_at_the_door(county, announced)
    before = county.ledger.announcement(announced).version
    with pytest.raises(RuleViolation, match="already received"):
        county.ledger.execute(RejectDelivery(announcement=announced, reason="迟到"), by=WANG, at=at(hour=8))
    after = county.ledger.announcement(announced)
    assert (after.version, after.status, after.closed_reason) == (before, "received", "")


def test_announcing_for_after_the_tender_period_is_refused(county: County) -> None:
    with pytest.raises(RuleViolation, match="tender period"):
        county.announce(expected_on=DAY + timedelta(days=200), use_by_date=DAY + timedelta(days=300))


def test_announcing_goods_that_expire_before_arrival_is_refused(county: County) -> None:
    with pytest.raises(ValidationError, match="after its use-by date"):
        county.announce(expected_on=DAY + timedelta(days=5))
