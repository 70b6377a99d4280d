"""Food samples (食品留样, §14): every dish of every meal kept sealed, weighed and refrigerated for 48 hours.

The physical samples must agree with the records and with the in/out ledgers (留样实物应与档案记录、进出库台帐一致),
so a sample names the batches it was cooked from. Amount and time come from the rules profile (125 g, 48 h).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from domain.checks import check_date, check_handler
from domain.command import Command, Outcome, handles
from domain.dishes import named_dishes
from domain.errors import NotFound, RuleViolation, ValidationError
from domain.sample import FoodSample
from domain.values import Meal, Principal, optional_text, parse_choice, require_aware, require_text

if TYPE_CHECKING:
    from domain.ledger import Ledger


@dataclass(frozen=True, kw_only=True)
class RetainSample(Command):
    school: str
    meal_date: date
    meal: Meal | str
    dish: str
    grams: int
    fridge: str
    batch_codes: list[str]
    sealed_at: datetime | None = None  # None: when it is recorded


@dataclass(frozen=True, kw_only=True)
class DisposeSample(Command):
    sample_id: UUID | str
    reason: str


@dataclass(frozen=True, kw_only=True)
class SendSampleToLaboratory(Command):
    sample_id: UUID | str
    laboratory: str
    reason: str


@handles(RetainSample)
def retain_sample(ledger: Ledger, c: RetainSample, by: Principal, at: datetime) -> Outcome:
    """留样: at least the profile's grams, sealed by a food worker fit that day, kept the profile's hours."""
    profile = ledger.profile
    check_date(profile, c.meal_date, "meal_date", "用餐日期", profile.local_date(at))
    sealed = require_aware(c.sealed_at, "sealed_at") if c.sealed_at is not None else at
    if sealed > at + timedelta(minutes=5):
        raise ValidationError(zh="封存时间晚于现在", en="the sample is sealed in the future", field="sealed_at")
    if c.grams < profile.sample_grams:
        raise RuleViolation(
            zh=f"留样不少于{profile.sample_grams}克，现为{c.grams}克",
            en=f"a sample must weigh at least {profile.sample_grams} g, this one is {c.grams} g",
            field="grams",
        )
    ledger.school(c.school, read_only=True)
    check_handler(ledger, by.person_id, c.school, profile.local_date(sealed))
    codes = []
    for code in c.batch_codes:
        batch = ledger.batch(code)
        if batch.school_id != c.school:  # as if unknown: another school's batches do not show
            raise NotFound(zh=f"批次{batch.code}不存在", en=f"no batch {batch.code}")
        codes.append(batch.code)
    meal = parse_choice(Meal, c.meal, "meal", "餐次").value
    (dish,) = named_dishes(ledger, c.school, c.meal_date, meal, [c.dish], field="dish")  # on the menu, if any
    sample = FoodSample(
        school_id=c.school,
        meal_date=c.meal_date,
        meal=meal,
        dish=dish,
        grams=c.grams,
        sealed_at=sealed,
        keep_until=sealed + timedelta(hours=profile.sample_hours),
        fridge=require_text(c.fridge, "fridge", "留样柜"),
        sealed_by=by.person_id,
        batch_codes=codes,
        by=by,
        at=at,
    )
    return [sample], {"sample_id": str(sample.id), "keep_until": sample.keep_until.isoformat()}


@handles(DisposeSample)
def dispose_sample(ledger: Ledger, c: DisposeSample, by: Principal, at: datetime) -> Outcome:
    """留样处理: a sample is disposed of once its hours are up; earlier only with a reason."""
    sample = ledger.sample(c.sample_id)
    sample.dispose(optional_text(c.reason, "reason", "处理原因", 500), by, at, ledger.profile.zone)
    return [sample], {"sample_id": str(sample.id)}


@handles(SendSampleToLaboratory)
def send_sample_to_laboratory(ledger: Ledger, c: SendSampleToLaboratory, by: Principal, at: datetime) -> Outcome:
    """送检: a sample goes to a laboratory when a meal is suspected of making someone ill."""
    sample = ledger.sample(c.sample_id)
    laboratory = require_text(c.laboratory, "laboratory", "检测机构")
    sample.send_to_laboratory(laboratory, optional_text(c.reason, "reason", "送检原因", 500), by, at)
    return [sample], {"sample_id": str(sample.id)}
