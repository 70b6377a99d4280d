"""The county the histories happen in: its schools, suppliers, staff, products and lots, and its clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate

from domain.gs1 import gtin_check_digit
from domain.ledger import Ledger
from domain.school import School
from domain.staff import StaffMember
from domain.supplier import Supplier
from domain.values import Principal

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 27, 7, 0, tzinfo=SHANGHAI)  # a Friday: the histories run into April
ADMIN = Principal("county-admin", "admin")
SCHOOLS = ("CG01", "CG02", "XH01")
SUPPLIERS = ("SUP-LY", "SUP-HX", "SUP-DQ")
PORK_GTIN = "690123456789" + gtin_check_digit("690123456789")
FISH_GTIN = "692345678901" + gtin_check_digit("692345678901")
# name, category, unit, GTIN: the two ways of typing 猪肉（前腿） and 豆腐（内酯） are one product each
PRODUCTS = (
    ("猪肉（前腿）", "meat", "kg", PORK_GTIN),
    ("猪肉(前腿)", "meat", "kg", PORK_GTIN),
    ("土豆", "plant", "kg", None),
    ("西红柿", "plant", "kg", None),
    ("豆腐（内酯）", "other", "box", None),
    ("豆腐(内酯)", "other", "box", None),
    ("草鱼", "aquatic", "kg", FISH_GTIN),
)
LOTS = ("LY261126-8", "ＬＹ261126-8", "HX260301-2", "A1")  # the second is the first typed full-width
MEALS = ("breakfast", "lunch", "dinner")
DISHES = ("米饭", "红烧肉", "清炒青菜", "番茄蛋汤")  # what menus plan, issues name, samples and the kitchen record
NAMED_ON_ISSUES = ((), (), ("米饭",), ("红烧肉",), ("红烧肉", "清炒青菜"), ("番茄蛋汤",))
MENUS = ((), DISHES, ("米饭", "红烧肉"), ("红烧肉",))  # () cancels a planned meal
PLACES = ("冷藏库", "冷冻库（红）", "干货库")


def keeper(school: str, n: int = 1) -> Principal:
    return Principal(f"{school}-keeper{n}", "storekeeper")


def cook(school: str) -> str:
    return f"{school}-cook"


def head(school: str) -> Principal:
    return Principal(f"{school}-head", "principal")


STAFF = [(p, s) for s in SCHOOLS for p in (keeper(s).person_id, keeper(s, 2).person_id, cook(s), head(s).person_id)]


@dataclass
class Clock:
    """The county's clock: the machine moves it forward; every command is recorded at its time."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now


LICENCE_AND_TENDER = {
    "licence_valid_from": date(2024, 1, 1),
    "licence_valid_until": date(2028, 1, 1),
    "tender_start": date(2025, 9, 1),
    "tender_end": date(2026, 7, 15),
}


def set_up_county(ledger: Ledger) -> None:
    """Schools, suppliers and staff with their certificates, saved at once (the registry is not under test here;
    each command would be a transaction of its own, and the histories are what the examples spend time on)."""
    at = START - timedelta(days=30)
    registry: list[Aggregate] = [School(code, f"{code}学校", "城关镇", ADMIN, at) for code in SCHOOLS]
    registry += [
        Supplier(code, f"{code}公司", f"JY{code}", **LICENCE_AND_TENDER, by=ADMIN, at=at) for code in SUPPLIERS
    ]
    for person, school in STAFF:
        role = {"keeper": "storekeeper", "cook": "kitchen", "head": "principal"}[person.split("-")[1].rstrip("12")]
        member = StaffMember.register(person, person, school, [role], by=ADMIN, at=at)
        # XH01's second storekeeper's health certificate runs out on the histories' third day
        health_until = date(2026, 3, 29) if person == "XH01-keeper2" else date(2026, 12, 31)
        member.record_certificate("health", f"JK-{person}", date(2026, 1, 1), health_until, by=ADMIN, at=at)
        member.record_certificate("training", f"PX-{person}", date(2025, 9, 1), date(2026, 8, 31), by=ADMIN, at=at)
        registry.append(member)
    ledger.save(*registry)
