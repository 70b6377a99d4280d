"""Issue to the kitchen (出库): the rules that keep unsafe or undocumented food out of the kitchen."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from domain.errors import NotFound, RuleViolation, ValidationError
from domain.handoff import Inspect, Move, PutOnHold, Release, WriteOff
from domain.intake import AttachCertificate
from domain.registry import RecordHealthCheck
from domain.rules import CertificateKind
from domain.values import Principal
from tests.county import DAY, EXPIRED, LI, SUSPENDED, WANG, ZHANG, County, at


def test_issue_hands_over_stock_from_giver_to_taker(county: County) -> None:
    code = county.ready_to_issue()
    result = county.issue(code, "7.5")
    assert result["on_hand"] == "12.5"
    movement = county.ledger.batch(code).live_movements[-1]
    assert (movement.given_by, movement.taken_by, movement.meal) == (WANG.person_id, ZHANG, "lunch")


def test_issue_refused_beyond_stock_on_hand(county: County) -> None:
    code = county.ready_to_issue()
    county.issue(code, "15")
    with pytest.raises(RuleViolation, match="only 5 kg on hand"):
        county.issue(code, "5.001")
    assert county.ledger.batch(code).on_hand == Decimal("5")


def test_issue_refused_while_batch_on_hold(county: County) -> None:
    code = county.ready_to_issue()
    county.ledger.execute(PutOnHold(code=code, reason="供应商通报同批次抽检不合格"), by=WANG, at=at(hour=9))
    with pytest.raises(RuleViolation, match="on hold"):
        county.issue(code)
    county.ledger.execute(Release(code=code, reason="复检合格"), by=WANG, at=at(hour=9, minute=30))
    assert county.issue(code)["on_hand"] == "15"


def test_issue_refused_past_the_use_by_date(county: County) -> None:
    code = county.receive(use_by_date=DAY + timedelta(days=1))
    county.certify(code)
    later = DAY + timedelta(days=2)
    with pytest.raises(RuleViolation, match="past its use-by date"):
        county.issue(code, meal_date=later, at=at(later, 10))


def test_issue_allowed_on_the_use_by_date_itself(county: County) -> None:
    code = county.receive(use_by_date=DAY + timedelta(days=1))
    county.certify(code)
    last = DAY + timedelta(days=1)
    assert county.issue(code, meal_date=last, at=at(last, 10))


def test_issue_refused_after_a_failed_inspection(county: County) -> None:
    code = county.ready_to_issue()
    county.ledger.execute(
        Inspect(code=code, stage="issue", passed=False, notes="表面发黏，有异味"), by=WANG, at=at(hour=9)
    )
    with pytest.raises(RuleViolation, match="failed an inspection"):
        county.issue(code)


@pytest.mark.parametrize(
    "missing",
    [
        CertificateKind.QUALITY_INSPECTION_REPORT,
        CertificateKind.INVOICE,
        CertificateKind.ANIMAL_QUARANTINE_CERTIFICATE,
        CertificateKind.MEAT_QUALITY_CERTIFICATE,
    ],
)
def test_pork_is_not_issued_without_each_of_its_four_certificates(county: County, missing: str) -> None:
    code = county.receive()
    county.certify(code, skip=(missing,))
    with pytest.raises(RuleViolation, match=f"missing {missing.replace('_', ' ')}") as refused:
        county.issue(code)
    assert refused.value.details["missing"] == [missing]


def test_aquatic_products_need_the_animal_quarantine_certificate(county: County) -> None:
    code = county.receive(product="草鱼", category="aquatic", gtin=None, place="冷藏库（黄）")
    county.certify(code, skip=(CertificateKind.ANIMAL_QUARANTINE_CERTIFICATE,))
    with pytest.raises(RuleViolation, match="animal quarantine certificate"):
        county.issue(code)


def test_chicken_needs_quarantine_but_not_the_pork_certificate(county: County) -> None:
    code = county.receive(product="鸡腿肉", gtin=None)
    county.certify(code)
    kinds = {c.kind for c in county.ledger.batch(code).live_certificates}
    assert CertificateKind.MEAT_QUALITY_CERTIFICATE not in kinds
    assert county.issue(code)


def test_vegetables_need_quality_report_and_invoice_only(county: County) -> None:
    code = county.receive(supplier="SUP-LY", product="青菜", category="plant", gtin=None, place="蔬菜库（绿）")
    county.certify(code)
    assert {c.kind for c in county.ledger.batch(code).live_certificates} == {
        CertificateKind.QUALITY_INSPECTION_REPORT,
        CertificateKind.INVOICE,
    }
    assert county.issue(code)


def test_an_expired_certificate_does_not_count(county: County) -> None:
    code = county.receive(product="青菜", category="plant", gtin=None)
    county.certify(code, skip=(CertificateKind.QUALITY_INSPECTION_REPORT,))
    county.ledger.execute(
        AttachCertificate(
            code=code,
            kind="quality_inspection_report",
            number="QJ-OLD",
            issuer="县检测中心",
            issue_date=DAY - timedelta(days=30),
            sha256="c" * 64,
            expiry_date=DAY - timedelta(days=1),
        ),
        by=WANG,
        at=at(hour=8),
    )
    with pytest.raises(RuleViolation, match="quality inspection report"):
        county.issue(code)


@pytest.mark.parametrize(
    ("error", "match", "quantity", "issued"),
    [
        pytest.param(ValidationError, "unit", "500", {"unit": "g"}, id="quantity must be in the batch unit"),
        pytest.param(RuleViolation, "health certificate", "5", {"taken_by": EXPIRED}, id="taker without health cert"),
        pytest.param(RuleViolation, "suspended", "5", {"by": Principal(SUSPENDED, "storekeeper")},
                     id="giver suspended"),
        pytest.param(RuleViolation, "two different people", "5", {"taken_by": WANG.person_id}, id="giver is taker"),
        pytest.param(ValidationError, "before the batch was received", "5", {"meal_date": DAY - timedelta(days=1)},
                     id="meal date before receipt"),
    ],
)  # fmt: skip
def test_issue_refused(
    county: County, error: type[Exception], match: str, quantity: str, issued: dict[str, Any]
) -> None:
    code = county.ready_to_issue()
    with pytest.raises(error, match=match):
        county.issue(code, quantity, **issued)


def test_a_failed_daily_health_check_stops_the_taker_that_day(county: County) -> None:
    code = county.ready_to_issue()
    county.ledger.execute(
        RecordHealthCheck(person_id=ZHANG, day=DAY, passed=False, notes="发热"), by=WANG, at=at(hour=6)
    )
    with pytest.raises(RuleViolation, match="health check"):
        county.issue(code)


def test_unknown_batch_code_says_so(county: County) -> None:
    from domain.codes import new_batch_code

    with pytest.raises(NotFound, match="no batch"):
        county.ledger.batch(new_batch_code())


def test_mistyped_batch_code_is_caught_by_its_check_character(county: County) -> None:
    code = county.receive()
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="check character"):
        county.ledger.batch(typo)


def test_return_and_write_off_keep_the_balance(county: County) -> None:
    code = county.ready_to_issue()
    county.issue(code, "10")
    county.return_to_store(code, "2", "午餐剩余", at=at(hour=13))
    assert county.ledger.batch(code).on_hand == Decimal("12")
    with pytest.raises(RuleViolation, match="cannot return more"):
        county.return_to_store(code, "9", "", at=at(hour=13))
    county.ledger.execute(WriteOff(code=code, reason="冷库断电，变质", witness=LI), by=WANG, at=at(hour=15))
    assert county.ledger.batch(code).on_hand == Decimal("0")
    with pytest.raises(RuleViolation, match="nothing of this batch"):
        county.ledger.execute(WriteOff(code=code, reason="再次报损", witness=LI), by=WANG, at=at(hour=15))


def test_write_off_needs_a_witness_other_than_the_recorder(county: County) -> None:
    code = county.receive()
    with pytest.raises(RuleViolation, match="witness"):
        county.ledger.execute(WriteOff(code=code, reason="变质", witness=WANG.person_id), by=WANG, at=at(hour=15))


def test_move_changes_the_storage_place(county: County) -> None:
    code = county.receive()
    county.ledger.execute(Move(code=code, place="冷冻库2号（红）"), by=WANG, at=at(hour=8))
    assert county.ledger.batch(code).place == "冷冻库2号（红）"
    with pytest.raises(ValidationError, match="already in"):
        county.ledger.execute(Move(code=code, place="冷冻库2号（红）"), by=WANG, at=at(hour=8))


def test_issue_refused_for_a_meal_after_the_use_by_date(county: County) -> None:
    code = county.receive(use_by_date=DAY + timedelta(days=1))
    county.certify(code)
    with pytest.raises(RuleViolation, match="past its use-by date"):
        county.issue(code, meal_date=DAY + timedelta(days=2))


def test_a_return_names_the_issue_it_comes_back_from(county: County) -> None:
    code = county.ready_to_issue()
    lunch = county.issue(code, "5")
    dinner = county.issue(code, "4", meal="dinner", at=at(hour=16))
    county.return_to_store(code, "3", "午餐剩余", issue=lunch["version"], at=at(hour=17))
    county.return_to_store(code, "1", "晚餐剩余", at=at(hour=19))
    batch = county.ledger.batch(code)
    assert (batch.still_out(lunch["version"]), batch.still_out(dinner["version"])) == (Decimal(2), Decimal(3))


def test_a_return_is_refused_beyond_what_its_issue_still_has_out(county: County) -> None:
    code = county.ready_to_issue()
    lunch = county.issue(code, "5")
    county.issue(code, "4", meal="dinner", at=at(hour=16))
    with pytest.raises(RuleViolation, match="still has out"):
        county.return_to_store(code, "6", "", issue=lunch["version"], at=at(hour=17))
    with pytest.raises(NotFound, match="no live issue"):
        county.return_to_store(code, "1", "", issue=1, at=at(hour=17))
