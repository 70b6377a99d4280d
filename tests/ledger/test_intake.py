"""Intake (入库验收): who may deliver, who must sign, what a receipt must say."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from domain.errors import NotFound, RuleViolation, ValidationError
from domain.ledger import Ledger
from domain.registry import SuspendSupplier
from domain.rules import DEFAULT_PROFILE
from tests.county import DAY, EXPIRED, LI, SUSPENDED, WANG, XH_STOREKEEPER, County, at


def test_receipt_records_the_delivery_as_written(county: County) -> None:
    code = county.receive(supplier_lot="批次 2026-03-01　Ａ")
    batch = county.ledger.batch(code)
    assert batch.product == "猪肉（前腿）"
    assert batch.received_quantity == Decimal("20") and batch.unit == "kg"
    assert batch.supplier_lot == "批次 2026-03-01　Ａ"  # the original, kept as written
    assert batch.lot.startswith("2026-03-01-A") and len(batch.lot) <= 20 and batch.lot.isascii()
    assert batch.gtin == "06901234567892"
    assert batch.signers == [WANG.person_id, LI]
    assert batch.pork is True  # 猪肉 needs the pork certificates
    assert batch.received_by == WANG


def test_batch_code_is_unique_and_carries_a_check_character(county: County) -> None:
    from domain.codes import normalise_batch_code

    codes = {county.receive() for _ in range(5)}
    assert len(codes) == 5
    for code in codes:
        assert normalise_batch_code(code.lower().replace("-", "")) == code


def test_intake_refused_with_a_single_signer(county: County) -> None:
    with pytest.raises(RuleViolation, match="2 people"):
        county.receive(co_signers=[])


def test_intake_refused_when_the_co_signer_is_the_receiver_again(county: County) -> None:
    with pytest.raises(RuleViolation, match="2 people"):
        county.receive(co_signers=[WANG.person_id])


def test_a_county_may_require_three_signers(ledger: Ledger) -> None:
    county = County.set_up(ledger)
    ledger.profile = replace(DEFAULT_PROFILE, intake_signers=3)
    with pytest.raises(RuleViolation, match="3 people"):
        county.receive()
    assert county.receive(co_signers=[LI, "CG01-zhang"])


def test_intake_refused_when_a_signer_has_no_valid_health_certificate(county: County) -> None:
    with pytest.raises(RuleViolation, match="health certificate"):
        county.receive(co_signers=[EXPIRED])


def test_intake_refused_when_a_signer_is_suspended(county: County) -> None:
    with pytest.raises(RuleViolation, match="suspended"):
        county.receive(co_signers=[SUSPENDED])


def test_intake_refused_when_a_signer_works_at_another_school(county: County) -> None:
    with pytest.raises(NotFound, match="not registered"):  # as if unknown: nothing about another school shows
        county.receive(co_signers=[XH_STOREKEEPER])


def test_delivery_refused_from_a_supplier_whose_licence_lapsed(county: County) -> None:
    with pytest.raises(RuleViolation, match="no valid licence"):
        county.receive(supplier="SUP-OLD", product="鸡蛋", category="other", gtin=None)


def test_delivery_refused_from_a_supplier_outside_its_tender_period(county: County) -> None:
    with pytest.raises(RuleViolation, match="tender period"):
        county.receive(supplier="SUP-LOST", product="土豆", category="plant", gtin=None)


def test_delivery_refused_from_a_suspended_supplier(county: County) -> None:
    county.ledger.execute(SuspendSupplier(code="SUP-HX", reason="抽检不合格"), by=WANG, at=at(hour=6))
    with pytest.raises(RuleViolation, match="suspended"):
        county.receive()


def test_delivery_refused_when_the_sensory_check_fails(county: County) -> None:
    with pytest.raises(RuleViolation, match="sensory check failed"):
        county.receive(sensory_ok=False, sensory_notes="有异味")


@pytest.mark.parametrize("quantity", [Decimal("0"), Decimal("-3"), "abc", Decimal("1.2345")])
def test_quantity_must_be_positive_with_at_most_three_decimals(county: County, quantity: object) -> None:
    with pytest.raises(ValidationError) as refused:
        county.receive(quantity=quantity)
    assert refused.value.details["field"] == "quantity"


def test_unknown_unit_is_refused(county: County) -> None:
    with pytest.raises(ValidationError, match="unknown unit"):
        county.receive(unit="斤")


def test_use_by_date_before_production_date_is_refused(county: County) -> None:
    with pytest.raises(ValidationError, match="before the production date"):
        county.receive(production_date=DAY - timedelta(days=1), use_by_date=DAY - timedelta(days=2))


def test_production_date_in_the_future_is_refused(county: County) -> None:
    with pytest.raises(ValidationError, match="production date is in the future"):
        county.receive(production_date=DAY + timedelta(days=1))


def test_delivery_already_past_its_use_by_date_is_refused(county: County) -> None:
    with pytest.raises(RuleViolation, match="past its use-by date"):
        county.receive(production_date=DAY - timedelta(days=5), use_by_date=DAY - timedelta(days=1))


def test_wrong_gtin_check_digit_is_refused(county: County) -> None:
    with pytest.raises(ValidationError, match="check digit"):
        county.receive(gtin="6901234567891")


def test_receipt_needs_a_time_zone(county: County) -> None:
    with pytest.raises(ValidationError, match="time zone"):
        county.receive(at=at(hour=7).replace(tzinfo=None))


def test_a_refused_delivery_records_nothing(county: County) -> None:
    before = county.ledger.recorder.max_notification_id()
    with pytest.raises(RuleViolation):
        county.receive(co_signers=[EXPIRED])
    assert county.ledger.recorder.max_notification_id() == before
