"""The rules profile: every number and table that FoodTrace enforces, in one place.

Defaults follow ../shared/seed/DIGEST.md, table "Where newer national rules differ": the 2021 county plan
where it is the stricter rule, national law where that is. A county may make the profile stricter; a
profile looser than national law is refused when it is built, so it can never be in force.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from domain.clock import county_time
from domain.errors import ProfileTooLoose


class Category(StrEnum):
    """Ingredient category; it fixes the colour code (色标管理, §14)."""

    PLANT = "plant"  # 植物类 (names shown: domain.glossary)
    MEAT = "meat"  # 肉类
    AQUATIC = "aquatic"  # 水产类
    OTHER = "other"


class CertificateKind(StrEnum):
    QUALITY_INSPECTION_REPORT = "quality_inspection_report"  # 同批次食材质量检测报告
    ANIMAL_QUARANTINE_CERTIFICATE = "animal_quarantine_certificate"  # 动物检疫合格证明
    MEAT_QUALITY_CERTIFICATE = "meat_quality_certificate"  # 肉品品质检验合格证明 (pork)
    INVOICE = "invoice"  # 正式发票
    OTHER = "other"


_ALWAYS = frozenset({CertificateKind.QUALITY_INSPECTION_REPORT, CertificateKind.INVOICE})
_ANIMAL = _ALWAYS | {CertificateKind.ANIMAL_QUARANTINE_CERTIFICATE}

# National minimum (GB 31654-2021; 餐饮服务食品安全操作规范 2018; 学校食品安全与营养健康管理规定 2019).
NATIONAL_SAMPLE_GRAMS = 125
NATIONAL_SAMPLE_HOURS = 48
NATIONAL_INTAKE_SIGNERS = 2
NATIONAL_RETENTION_MONTHS_AFTER_SHELF_LIFE = 6
NATIONAL_MINIMUM_RETENTION_YEARS = 2
NATIONAL_CERTIFICATES: dict[str, frozenset[CertificateKind]] = {
    Category.PLANT: _ALWAYS,
    Category.MEAT: _ANIMAL,
    Category.AQUATIC: _ANIMAL,
    Category.OTHER: _ALWAYS,
}
NATIONAL_PORK_EXTRA = frozenset({CertificateKind.MEAT_QUALITY_CERTIFICATE})


@dataclass(frozen=True)
class RulesProfile:
    """What a county enforces. Build one with ``RulesProfile()`` or ``RulesProfile.from_toml(path)``."""

    sample_grams: int = 125
    sample_hours: int = 48
    intake_signers: int = 2
    retention_years: int = 3  # §16: original vouchers at least 3 years
    retention_months_after_shelf_life: int = 6
    required_certificates: dict[str, frozenset[CertificateKind]] = field(
        default_factory=lambda: dict(NATIONAL_CERTIFICATES)
    )
    pork_extra_certificates: frozenset[CertificateKind] = NATIONAL_PORK_EXTRA
    colours: dict[str, str] = field(
        default_factory=lambda: {
            Category.PLANT: "green",
            Category.MEAT: "red",
            Category.AQUATIC: "yellow",
            Category.OTHER: "none",
        }
    )
    staff_certificate_warning_days: int = 30
    # §15 supervisors' checks (检查记录台帐), from the county plan; national law sets no number for them.
    school_checks_per_week: int = 2  # the school's principal / food-safety officer: 每周抽查不少于2次
    central_principal_checks_per_month: int = 1  # the central school's principal: 每月不少于1次
    central_logistics_checks_per_month: int = 2  # the central school's logistics staff: 每月不少于2次
    require_daily_health_check: bool = False
    timezone: str = "Asia/Shanghai"  # dates (use-by, meal, certificate validity) are the county's local dates
    # How far from the county's today a typed date may lie, so that a mistyped year (or 9999-12-31) is refused:
    date_past_days: int = 3 * 366  # meals, deliveries, certificates recorded late, within the retention period
    date_future_days: int = 366  # a meal or a delivery at most a year ahead
    shelf_life_future_days: int = 5 * 366  # a use-by or expiry date at most five years ahead
    # Business time (domain/business_time.py): how far a phone's clock may run ahead, and how long after the fact an
    # entry may be written up without a principal's approval.
    clock_skew_minutes: int = 5
    late_entry_hours: int = 48

    def __post_init__(self) -> None:
        too_loose = self._looser_than_national()
        if too_loose:
            raise ProfileTooLoose(
                zh="规则配置低于国家标准：" + "；".join(too_loose),
                en="rules profile is looser than national law: " + "; ".join(too_loose),
                fields=too_loose,
            )

    def _looser_than_national(self) -> list[str]:
        problems = []
        if self.sample_grams < NATIONAL_SAMPLE_GRAMS:
            problems.append(f"sample_grams {self.sample_grams} < {NATIONAL_SAMPLE_GRAMS}")
        if self.sample_hours < NATIONAL_SAMPLE_HOURS:
            problems.append(f"sample_hours {self.sample_hours} < {NATIONAL_SAMPLE_HOURS}")
        if self.intake_signers < NATIONAL_INTAKE_SIGNERS:
            problems.append(f"intake_signers {self.intake_signers} < {NATIONAL_INTAKE_SIGNERS}")
        if self.retention_years < NATIONAL_MINIMUM_RETENTION_YEARS:
            problems.append(f"retention_years {self.retention_years} < {NATIONAL_MINIMUM_RETENTION_YEARS}")
        if self.retention_months_after_shelf_life < NATIONAL_RETENTION_MONTHS_AFTER_SHELF_LIFE:
            problems.append("retention_months_after_shelf_life < 6")
        for category, national in NATIONAL_CERTIFICATES.items():
            missing = national - self.required_certificates.get(category, frozenset())
            if missing:
                problems.append(f"{category} must require {', '.join(sorted(missing))}")
        if NATIONAL_PORK_EXTRA - self.pork_extra_certificates:
            problems.append("pork must require meat_quality_certificate")
        return problems

    # Kept once made (the profile is frozen): every view row's local date and lateness asks for them.
    @cached_property
    def zone(self) -> ZoneInfo:
        """The county's clock: every time shown is on it (domain.clock), every date is its local date."""
        return ZoneInfo(self.timezone)

    @cached_property
    def clock_skew(self) -> timedelta:
        return timedelta(minutes=self.clock_skew_minutes)

    @property
    def late_entry_window(self) -> timedelta:
        return timedelta(hours=self.late_entry_hours)

    def local_date(self, moment: datetime) -> date:
        return county_time(moment, self.zone).date()

    @cached_property
    def _date_spans(self) -> tuple[timedelta, timedelta, timedelta]:
        """How far back, ahead and ahead for a shelf life a typed date may lie: every intake checks two dates."""
        past, future, shelf_life = self.date_past_days, self.date_future_days, self.shelf_life_future_days
        return timedelta(days=past), timedelta(days=future), timedelta(days=shelf_life)

    def date_window(self, today: date, *, shelf_life: bool = False) -> tuple[date, date]:
        """The first and last date a command may name, seen from the county's today."""
        back, ahead, shelf_life_ahead = self._date_spans
        return today - back, today + (shelf_life_ahead if shelf_life else ahead)

    def certificates_required(self, category: Category, pork: bool) -> frozenset[CertificateKind]:
        required = self.required_certificates[category]
        return required | self.pork_extra_certificates if pork else required

    def colour(self, category: Category) -> str:
        return self.colours[category]

    @classmethod
    def from_toml(cls, path: Path) -> RulesProfile:
        """Read a county profile; keys not given keep their defaults."""
        with path.open("rb") as file:
            data: dict[str, Any] = tomllib.load(file)
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ProfileTooLoose(
                zh=f"规则配置含未知项：{', '.join(sorted(unknown))}",
                en=f"unknown keys in rules profile: {', '.join(sorted(unknown))}",
            )
        base = cls()
        if "required_certificates" in data:
            data["required_certificates"] = {
                str(Category(k)): frozenset(CertificateKind(v) for v in kinds)
                for k, kinds in data["required_certificates"].items()
            }
        if "pork_extra_certificates" in data:
            data["pork_extra_certificates"] = frozenset(CertificateKind(v) for v in data["pork_extra_certificates"])
        return replace(base, **data)


DEFAULT_PROFILE = RulesProfile()
