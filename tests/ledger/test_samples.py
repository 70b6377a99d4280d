"""Food samples (食品留样, §14): at least 125 g, kept at least 48 hours, by default."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from domain.errors import NotFound, RuleViolation, ValidationError
from domain.ledger import Ledger
from domain.rules import DEFAULT_PROFILE
from domain.sampling import DisposeSample, RetainSample, SendSampleToLaboratory
from domain.values import Principal
from tests.county import DAY, WANG, County, at, send


def retain(county: County, grams: int = 125, **overrides: object) -> dict[str, str]:
    fields: dict[str, object] = {
        "school": "CG01",
        "meal_date": DAY,
        "meal": "lunch",
        "dish": "红烧肉",
        "grams": grams,
        "fridge": "留样柜1",
        "batch_codes": [],
        "by": WANG,
        "sealed_at": at(hour=12, minute=10),
        "at": at(hour=12, minute=15),
    }
    fields.update(overrides)
    return send(county.ledger, RetainSample, fields)


def test_sample_keeps_its_batches_and_its_keep_until_time(county: County) -> None:
    code = county.receive()
    result = retain(county, batch_codes=[code.lower()])
    sample = county.ledger.sample(result["sample_id"])
    assert sample.batch_codes == [code]
    assert sample.keep_until == at(hour=12, minute=10) + timedelta(hours=48)


def test_sample_under_125_grams_is_refused(county: County) -> None:
    with pytest.raises(RuleViolation, match="at least 125 g"):
        retain(county, grams=124)


def test_a_stricter_county_profile_raises_the_minimum(ledger: Ledger) -> None:
    county = County.set_up(ledger)
    ledger.profile = replace(DEFAULT_PROFILE, sample_grams=150, sample_hours=72)
    with pytest.raises(RuleViolation, match="at least 150 g"):
        retain(county, grams=125)
    sample = ledger.sample(retain(county, grams=150)["sample_id"])
    assert sample.keep_until == at(hour=12, minute=10) + timedelta(hours=72)


def test_disposal_before_48_hours_is_refused_without_a_reason(county: County) -> None:
    sample_id = retain(county)["sample_id"]
    with pytest.raises(RuleViolation, match="must be kept until"):
        county.ledger.execute(
            DisposeSample(sample_id=sample_id, reason=""), by=WANG, at=at(DAY + timedelta(days=2), 12, 9)
        )
    county.ledger.execute(
        DisposeSample(sample_id=sample_id, reason=""), by=WANG, at=at(DAY + timedelta(days=2), 12, 10)
    )
    assert county.ledger.sample(sample_id).disposed_at is not None


def test_early_disposal_with_a_reason_is_recorded(county: County) -> None:
    sample_id = retain(county)["sample_id"]
    county.ledger.execute(
        SendSampleToLaboratory(sample_id=sample_id, laboratory="县疾控中心", reason="学生腹泻，调查员取样"),
        by=Principal("inv-1", "investigator"),
        at=at(hour=20),
    )
    assert county.ledger.sample(sample_id).sent_to == "县疾控中心"
    with pytest.raises(RuleViolation, match="already disposed"):
        county.ledger.execute(DisposeSample(sample_id=sample_id, reason="误操作"), by=WANG, at=at(hour=21))


def test_a_sample_keeps_the_keep_until_of_the_profile_it_was_sealed_under(ledger: Ledger) -> None:
    county = County.set_up(ledger)
    sample_id = retain(county)["sample_id"]
    ledger.profile = replace(DEFAULT_PROFILE, sample_hours=96)  # the county tightens the rule later
    assert ledger.sample(sample_id).keep_until == at(hour=12, minute=10) + timedelta(hours=48)


def test_a_sample_cannot_name_a_batch_of_another_school(county: County) -> None:
    code = county.receive()
    with pytest.raises(NotFound, match=f"no batch {code}"):  # as if unknown: other schools' batches do not show
        retain(county, school="XH01", batch_codes=[code], by=Principal("XH01-zhou", "storekeeper"))


def test_sealing_in_the_future_is_refused(county: County) -> None:
    with pytest.raises(ValidationError, match="future"):
        retain(county, sealed_at=at(hour=14))
