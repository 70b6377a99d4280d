"""The county bench/dataset.py stores: schools, suppliers and staff, and each school day's batches and samples.

At scale 1: 300 schools, three school years (2023-09 to 2026-06, about 190 school days a year), 15 receipts per
school per school day — about 2.5 million batches and 20 million events. Forty suppliers deliver the same lot
to every school that orders that product that day, as a county's tendered distributors do, so a lot reaches
dozens of schools. Each batch gets its required certificates, an intake and an issue inspection, issues to
lunch (and often dinner), sometimes a return, and a write-off of perishable leftovers; each school day keeps
food samples (disposed of after 49 h) and, twice a week, the principal's check (§15).

Aggregates are built with their own command methods (so every rule on the batch applies). The people and licence
checks of the Ledger's commands are skipped for speed: the generator only ever uses fit staff and licensed
suppliers. All follows from the seed but the food samples' ids (random) and the events' timestamps (when made).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate

from domain.batch import IngredientBatch
from domain.batch_state import Certificate
from domain.codes import ALPHABET, check_character, format_code
from domain.gs1 import normalise_lot
from domain.rules import DEFAULT_PROFILE, Category
from domain.sample import FoodSample
from domain.school import School
from domain.staff import StaffMember
from domain.supplier import Supplier
from domain.values import Meal, Principal, Stage

ZONE = ZoneInfo("Asia/Shanghai")
ADMIN = Principal("county-admin", "admin")
FIRST_DAY, LAST_DAY = date(2023, 9, 1), date(2026, 6, 30)
TERM_MONTHS = {9, 10, 11, 12, 1, 3, 4, 5, 6}  # February, July and August are holidays
RECEIPTS_PER_DAY = 15
SUPPLIERS = 40
CATEGORIES = [("plant", 0.6, 3), ("meat", 0.2, 3), ("aquatic", 0.1, 2), ("other", 0.1, 180)]
PLACES = {"plant": "蔬菜库（绿）", "meat": "冷冻库（红）", "aquatic": "冷藏库（黄）", "other": "干货库"}
PRODUCT_NAMES = {
    "plant": ["青菜", "土豆", "西红柿", "白菜", "萝卜", "黄瓜", "豆腐", "大米", "面粉", "胡萝卜"],
    "meat": ["猪肉（前腿）", "猪里脊", "鸡腿肉", "牛肉", "鸡胸肉"],
    "aquatic": ["草鱼", "鲫鱼", "虾仁"],
    "other": ["食用油", "酱油", "鸡蛋"],
}
ISSUERS = {
    "animal_quarantine_certificate": "县动物卫生监督所",
    "meat_quality_certificate": "定点屠宰场品质检验室",
    "invoice": "国家税务总局",
}


@dataclass(frozen=True)
class Product:
    supplier: str
    index: int
    name: str
    category: str
    shelf_days: int

    @property
    def pork(self) -> bool:
        return self.category == "meat" and "猪" in self.name


def school_days() -> Iterator[date]:
    day = FIRST_DAY
    while day <= LAST_DAY:
        if day.weekday() < 5 and day.month in TERM_MONTHS:
            yield day
        day += timedelta(days=1)


def catalogue(rng: random.Random) -> list[Product]:
    products = []
    for n in range(SUPPLIERS):
        for index in range(3):
            category = rng.choices([c for c, _, _ in CATEGORIES], [w for _, w, _ in CATEGORIES])[0]
            shelf = dict((c, s) for c, _, s in CATEGORIES)[category]
            products.append(Product(f"SUP-{n:02d}", index, rng.choice(PRODUCT_NAMES[category]), category, shelf))
    return products


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, clock(hour, minute), ZONE)


def seeded_code(rng: random.Random) -> str:
    data = "".join(rng.choice(ALPHABET) for _ in range(8))
    return format_code(data + check_character(data))


class County:
    def __init__(self, scale: float, seed: int) -> None:
        self.scale = scale
        self.schools = [f"S{n:03d}" for n in range(max(1, round(300 * scale)))]
        self.seed = seed
        self.products = catalogue(random.Random(seed))

    def register(self) -> list[Aggregate]:
        when = at(FIRST_DAY - timedelta(days=7), 9)
        found: list[Aggregate] = []
        for n in range(SUPPLIERS):
            licence = {"licence_valid_from": date(2023, 1, 1), "licence_valid_until": date(2027, 12, 31)}
            tender = {"tender_start": date(2023, 8, 1), "tender_end": date(2026, 7, 31)}
            name = f"第{n + 1}号食材配送有限公司"
            found.append(Supplier(f"SUP-{n:02d}", name, f"JY1430{n:07d}", **licence, **tender, by=ADMIN, at=when))
        for school in self.schools:
            found.append(School(school, f"第{school[1:]}学校", f"第{int(school[1:]) % 12 + 1}镇", ADMIN, when))
            for n, role in enumerate(("storekeeper", "storekeeper", "kitchen", "principal"), start=1):
                found.append(
                    StaffMember.register(f"{school}-{n}", f"{school}员工{n}", school, [role], by=ADMIN, at=when)
                )
        return found

    def renew_certificates(self, staff: list[StaffMember], day: date) -> None:
        """At each school year's start, everyone's health (1 year) and training certificates are renewed."""
        for member in staff:
            until = date(day.year + 1, 8, 31)
            member.record_certificate("health", f"JK{day.year}{member.person_id}", day, until, by=ADMIN, at=at(day, 7))
            member.record_certificate(
                "training", f"PX{day.year}{member.person_id}", day, until, by=ADMIN, at=at(day, 7)
            )

    def school_days(self, day: date, schools: list[str]) -> list[Aggregate]:
        return [aggregate for school in schools for aggregate in self.school_day(school, day)]

    def school_day(self, school: str, day: date) -> list[Aggregate]:
        rng = random.Random(f"{self.seed}:{school}:{day.isoformat()}")
        keeper, second, kitchen, principal = (f"{school}-{n}" for n in range(1, 5))
        by = Principal(keeper, "storekeeper")
        batches = [
            self.receive(rng, school, product, day, by=by, second=second)
            for product in rng.sample(self.products, RECEIPTS_PER_DAY)
        ]
        for batch in batches:
            self.use(rng, batch, day, by=by, second=second, kitchen=kitchen)
        if day.weekday() in (1, 3):  # the principal's spot checks, twice a week (§15)
            checked = rng.choice(batches)
            checked.inspect(
                Stage.ISSUE, True, "校长抽查：正常", principal, by=Principal(principal, "principal"), at=at(day, 9, 30)
            )
        return [*batches, *self.samples(rng, school, day, batches, by)]

    def receive(
        self, rng: random.Random, school: str, product: Product, day: date, by: Principal, second: str
    ) -> IngredientBatch:
        produced = day - timedelta(days=1)
        lot = f"{product.supplier[4:]}{produced:%y%m%d}-{product.index}"
        moment = at(day, 7, rng.randint(0, 40))
        batch = IngredientBatch(
            code=seeded_code(rng), school_id=school, supplier_id=product.supplier, product=product.name,
            category=product.category, pork=product.pork, quantity=Decimal(rng.randint(10, 60)), unit="kg",
            supplier_lot=lot, lot=normalise_lot(lot), gtin=None, production_date=produced,
            use_by_date=produced + timedelta(days=product.shelf_days),
            invoice_number=f"FP{day:%Y%m%d}{rng.randint(1000, 9999)}",
            unit_price=Decimal("12.50"), place=PLACES[product.category], signers=[by.person_id, second],
            sensory_check="合格", arrival_temperature=None, by=by, at=moment,
        )  # fmt: skip
        supplier = Principal(product.supplier, "supplier")
        for kind in sorted(DEFAULT_PROFILE.certificates_required(Category(product.category), product.pork)):
            number = f"{kind[:2].upper()}{day:%Y%m%d}{rng.randint(100000, 999999)}"
            digest = hashlib.sha256(f"{batch.code}:{kind}".encode()).hexdigest()
            issuer = ISSUERS.get(kind, "县食品检验检测中心")
            certificate = Certificate(kind, number, issuer, produced, None, sha256=digest, attached_by=supplier)
            batch.attach_certificate(certificate, moment + timedelta(minutes=5))
        batch.inspect(Stage.INTAKE, True, "入库查验正常", by.person_id, by=by, at=moment + timedelta(minutes=10))
        return batch

    def use(
        self, rng: random.Random, batch: IngredientBatch, day: date, by: Principal, second: str, kitchen: str
    ) -> None:
        required = DEFAULT_PROFILE.certificates_required(batch.category, batch.pork)
        batch.inspect(Stage.ISSUE, True, "出库查验正常", by.person_id, by=by, at=at(day, 10))
        lunch = (batch.on_hand * Decimal(rng.choice(["0.6", "0.7", "0.8"]))).quantize(Decimal(1))
        rules = {"required": required, "today": day}
        batch.issue_to_kitchen(
            lunch, "kg", day, Meal.LUNCH, by.person_id, taken_by=kitchen, **rules, by=by, at=at(day, 10, 5)
        )
        if rng.random() < 0.1:
            batch.return_to_store(Decimal(1), "kg", kitchen, by.person_id, "未用完", by=by, at=at(day, 13, 30))
        if rng.random() < 0.4 and batch.on_hand > 1:
            dinner = (batch.on_hand / 2).quantize(Decimal(1))
            batch.issue_to_kitchen(
                dinner, "kg", day, Meal.DINNER, by.person_id, taken_by=kitchen, **rules, by=by, at=at(day, 15)
            )
        if batch.use_by_date <= day + timedelta(days=1) and batch.on_hand > 0:
            batch.write_off(None, "临期剩余，销毁", second, by, at(day, 17, 30))

    def samples(
        self, rng: random.Random, school: str, day: date, batches: list[IngredientBatch], by: Principal
    ) -> list[FoodSample]:
        cooked = [b for b in batches if b.category != Category.OTHER]
        found = []
        for n in range(0, min(len(cooked), 8), 2):
            sealed = at(day, 12, 10)
            sample = FoodSample(
                school_id=school, meal_date=day, meal="lunch", dish=f"{cooked[n].product}菜{n // 2 + 1}",
                grams=rng.choice([125, 130, 150]), sealed_at=sealed, keep_until=sealed + timedelta(hours=48),
                fridge=f"{school}留样柜", sealed_by=by.person_id, batch_codes=[b.code for b in cooked[n : n + 2]],
                by=by, at=sealed,
            )  # fmt: skip
            sample.dispose("到期处理", by, sealed + timedelta(hours=49), ZONE)
            found.append(sample)
        return found
