"""A realistic county for trying FoodTrace: three schools, five suppliers, sixty days of canteen life.

Everything goes through the Ledger's commands with the times it happened, so the demo obeys every rule
that real use does (a refused delivery is refused by the rules, not staged).
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

from api.cli.demo_kitchen import cooked_from, forgotten_sample
from api.cli.demo_menus import demo_weeks, publish_menus
from api.documents import DocumentStore, inspect_upload
from api.settings import SettingsError
from domain.dishes import RecordDishServed
from domain.errors import RuleViolation
from domain.handoff import Inspect, IssueToKitchen, PutOnHold
from domain.intake import AttachCertificate, ReceiveBatch
from domain.ledger import Ledger
from domain.registry import RecordStaffCertificate, RegisterSchool, RegisterStaff, RegisterSupplier
from domain.rules import CertificateKind
from domain.sampling import RetainSample
from domain.values import Principal
from labels.payload import DEFAULT_BASE

ADMIN = Principal("county-admin", "admin")
SCHOOLS = [
    ("CG01", "城关第一小学", "城关镇"),
    ("CG02", "城关中学", "城关镇"),
    ("XH01", "新华镇中心小学", "新华镇"),
]
# The central school (中心校): its principal and its logistics officer check the other schools' canteens (§15).
CENTRAL = "XH01"
CENTRAL_PRINCIPAL = Principal(f"{CENTRAL}-4", "principal")
CENTRAL_LOGISTICS = Principal(f"{CENTRAL}-5", "logistics")
SUPPLIERS = [
    ("SUP-LY", "绿源蔬菜配送有限公司", "JY14301010001"),
    ("SUP-HX", "恒鑫肉类食品有限公司", "JY14301010002"),
    ("SUP-HY", "海韵水产有限公司", "JY14301010003"),
    ("SUP-WF", "五丰粮油贸易有限公司", "JY14301010004"),
    ("SUP-DQ", "东旗禽蛋专业合作社", "JY14301010005"),  # its licence lapsed: its delivery is refused
]


@dataclass(frozen=True)
class Product:
    supplier: str
    name: str
    category: str
    unit: str
    amount: tuple[int, int]
    shelf_days: int
    gtin: str | None
    price: str


PRODUCTS = [
    Product("SUP-LY", "青菜", "plant", "kg", amount=(15, 30), shelf_days=3, gtin=None, price="4.20"),
    Product("SUP-LY", "土豆", "plant", "kg", amount=(20, 40), shelf_days=20, gtin=None, price="3.10"),
    Product("SUP-LY", "西红柿", "plant", "kg", amount=(10, 25), shelf_days=5, gtin=None, price="5.60"),
    Product("SUP-HX", "猪肉（前腿）", "meat", "kg", amount=(10, 20), shelf_days=3, gtin="6901234567892", price="26.00"),
    Product("SUP-HX", "鸡腿肉", "meat", "kg", amount=(8, 16), shelf_days=3, gtin=None, price="18.50"),
    Product("SUP-HY", "草鱼", "aquatic", "kg", amount=(8, 15), shelf_days=2, gtin=None, price="16.00"),
    Product("SUP-WF", "大米", "plant", "kg", amount=(50, 100), shelf_days=180, gtin="6923456789012", price="5.20"),
    Product("SUP-WF", "食用油", "other", "bottle", amount=(4, 8), shelf_days=365, gtin="6934567890122", price="68.00"),
]
DISHES = {
    "青菜": "清炒青菜",
    "土豆": "土豆丝",
    "西红柿": "西红柿炒蛋",
    "猪肉（前腿）": "红烧肉",
    "鸡腿肉": "宫保鸡丁",
    "草鱼": "红烧鱼块",
    "大米": "米饭",
}
COOKING = {"食用油"}  # goes into the cooked dishes, so their samples name it


class Demo:
    def __init__(self, ledger: Ledger, days: int, seed: int, documents: DocumentStore | None = None) -> None:
        self.ledger = ledger
        self.documents = documents
        self.placeholders: dict[str, str] = {}
        self.days = days
        self.random = random.Random(seed)
        self.zone = ZoneInfo(ledger.profile.timezone)
        self.today = ledger.profile.local_date(ledger.clock())
        self.start = self.today - timedelta(days=days)
        self.checks: dict[tuple[str, str, tuple[int, int]], int] = {}  # (school, inspector, week or month) → days
        self.example_batch = ""  # CG01's last batch issued to a lunch: the newcomer's storekeeper can open it
        self.unsampled = forgotten_sample(self.start, self.today)
        self.example_meal: dict[str, str] = {}
        self.held_batch = ""
        self.counts: dict[str, int] = {
            "batches": 0,
            "certificates": 0,
            "inspections": 0,
            "issues": 0,
            "samples": 0,
            "dish_records": 0,
            "on_hold": 0,
            "refused_deliveries": 0,
        }

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), self.zone)

    def run(self) -> dict[str, Any]:
        set_up = self.at(self.start - timedelta(days=1), 9)
        self.register_county(set_up)
        for school, _, _ in SCHOOLS:
            weeks = demo_weeks(self.start, self.today)
            publish_menus(self.ledger, school, weeks, at=self.at, after=set_up + timedelta(hours=1))
        day = self.start
        while day < self.today:
            if day.weekday() < 5:
                for school, _, _ in SCHOOLS:
                    self.canteen_day(school, day)
            day += timedelta(days=1)
        self.refused_delivery()
        return {
            "example_batch": self.example_batch,
            "example_meal": self.example_meal,
            "held_batch": self.held_batch,
            "schools": len(SCHOOLS),
            "suppliers": len(SUPPLIERS),
            "staff": len(SCHOOLS) * 4 + 1,
            "days": self.days,
            **self.counts,
            "events": self.ledger.recorder.max_notification_id() or 0,
        }

    def register_county(self, at: datetime) -> None:
        ledger = self.ledger
        for code, name, district in SCHOOLS:
            ledger.execute(RegisterSchool(code=code, name=name, district=district), by=ADMIN, at=at)
            for n, (role, name_) in enumerate(
                [("storekeeper", "王建国"), ("storekeeper", "李秀英"), ("kitchen", "张师傅"), ("principal", "陈校长")]
            ):
                person = f"{code}-{n + 1}"
                ledger.execute(RegisterStaff(person_id=person, name=name_, school=code, roles=[role]), by=ADMIN, at=at)
                for kind in ("health", "training"):
                    ledger.execute(
                        RecordStaffCertificate(
                            person_id=person,
                            kind=kind,
                            number=f"{kind[0].upper()}{person}",
                            valid_from=self.start - timedelta(days=200),
                            valid_until=self.today + timedelta(days=165),
                        ),
                        by=ADMIN,
                        at=at,
                    )
        ledger.execute(
            RegisterStaff(person_id=CENTRAL_LOGISTICS.person_id, name="刘建华", school=CENTRAL, roles=["logistics"]),
            by=ADMIN,
            at=at,
        )
        for code, name, licence in SUPPLIERS:
            lapsed = code == "SUP-DQ"
            until = self.today - timedelta(days=3) if lapsed else self.today + timedelta(days=700)
            ledger.execute(
                RegisterSupplier(
                    code=code,
                    name=name,
                    licence_number=licence,
                    licence_valid_from=self.start - timedelta(days=400),
                    licence_valid_until=until,
                    tender_start=self.start - timedelta(days=30),
                    tender_end=self.today + timedelta(days=300),
                ),
                by=ADMIN,
                at=at,
            )

    def canteen_day(self, school: str, day: date) -> None:
        """Lunch: the menu's dishes where the week has a menu (each issue names the dishes it is for, each dish is
        sampled, the kitchen records the main dish), else four products as they came; see api/cli/demo_kitchen.py."""
        keeper = Principal(f"{school}-1", "storekeeper")
        kitchen = f"{school}-3"
        products = [p for p in PRODUCTS if p.category != "other" or day.weekday() == 0]
        planned = self.ledger.dishes_on_menu(school, day, "lunch")
        chosen, dishes_of = cooked_from(planned, products) if planned else (self.random.sample(products, 4), {})
        if planned and not self.counts["on_hold"]:  # the recalled fish arrives on the first day, and is held
            chosen += [p for p in products if p.category == "aquatic" and p not in chosen]
        used: dict[str, list[str]] = {dish.name: [] for dish in planned}
        cooking: list[str] = []
        for product in chosen:
            code = self.receive(school, product, day, keeper)
            if code is None:
                continue
            if self.counts["on_hold"] == 0 and product.category == "aquatic":
                self.ledger.execute(
                    PutOnHold(code=code, reason="供应商通报同批次草鱼孔雀石绿抽检超标，待复检"),
                    by=keeper,
                    at=self.at(day, 8),
                )
                self.counts["on_hold"] += 1
                self.held_batch = code
                continue
            batch = self.ledger.batch(code)
            portion = (batch.on_hand * Decimal("0.8")).quantize(Decimal("1"))
            self.ledger.execute(
                Inspect(code=code, stage="issue", passed=True, notes="出库查验正常"), by=keeper, at=self.at(day, 10)
            )
            named = dishes_of.get(product.name, [])
            handed = IssueToKitchen(
                code=code, quantity=portion, unit=product.unit, meal_date=day, meal="lunch", taken_by=kitchen,
                dishes=named or None,
            )  # fmt: skip
            self.ledger.execute(handed, by=keeper, at=self.at(day, 10, 5))
            self.counts["inspections"] += 1
            self.counts["issues"] += 1
            if school == "CG01":
                self.example_batch = code
                self.example_meal = {"school": school, "date": day.isoformat(), "meal": "lunch"}
            if planned:
                for dish in named:
                    used[dish].append(code)
            elif product.name in DISHES:
                used.setdefault(DISHES[product.name], []).append(code)
            elif product.name in COOKING:
                cooking.append(code)
        cooked = [dish for dish in used if dish != "米饭"] or list(used)
        for dish in [] if planned else cooked:
            used[dish] += cooking
        issued = [code for codes in used.values() for code in codes]
        if issued:
            self.supervise(school, day, issued[0])
        if planned:
            self.served(school, day, planned[1 % len(planned)].name, used)
        for dish, codes in used.items():
            if planned and (school, day) == self.unsampled and dish == planned[-1].name:
                continue  # the week whose compliance shows one dish without its sample
            self.ledger.execute(
                RetainSample(
                    school=school,
                    meal_date=day,
                    meal="lunch",
                    dish=dish,
                    grams=self.random.choice([125, 130, 150]),
                    fridge=f"{school}留样柜",
                    batch_codes=codes,
                    sealed_at=self.at(day, 12, 10),
                ),
                by=keeper,
                at=self.at(day, 12, 15),
            )
            self.counts["samples"] += 1

    def served(self, school: str, day: date, dish: str, used: dict[str, list[str]]) -> None:
        """供餐记录: after lunch the kitchen lead records the main dish's batches and the portions served."""
        served = RecordDishServed(
            school=school, meal_date=day, meal="lunch", dish=dish, batch_codes=used[dish],
            portions=self.random.randint(280, 360),
        )  # fmt: skip
        self.ledger.execute(served, by=Principal(f"{school}-3", "kitchen"), at=self.at(day, 13, 30))
        self.counts["dish_records"] += 1

    def supervise(self, school: str, day: date, code: str) -> None:
        """§15: the school's principal checks the canteen on Tuesdays and Thursdays, the central school's principal
        and logistics officer once and twice a month; any of them on a later day if the week or month would
        otherwise end short (a check is an inspection: one a person and day counts)."""
        profile = self.ledger.profile
        week, month = day.isocalendar()[:2], (day.year, day.month)
        checks = [
            (
                Principal(f"{school}-4", "principal"),
                week,
                profile.school_checks_per_week,
                day.weekday() in (1, 3),
                "校长抽查：库房、出库记录与实物相符",
            )
        ]
        if school != CENTRAL:
            checks.append(
                (
                    CENTRAL_PRINCIPAL,
                    month,
                    profile.central_principal_checks_per_month,
                    day.day >= 10,
                    "中心校校长检查：食堂管理正常",
                )
            )
        checks.append(
            (
                CENTRAL_LOGISTICS,
                month,
                profile.central_logistics_checks_per_month,
                day.weekday() == 2,
                "中心校后勤检查：索证索票、台账齐全",
            )
        )
        for who, period, minimum, usual_day, note in checks:
            key = (school, who.person_id, period)
            done = self.checks.get(key, 0)
            last = _period_end(day, weekly=period == week)
            if done < minimum and (usual_day or minimum - done >= _school_days(day, min(last, self.today))):
                self.ledger.execute(
                    Inspect(code=code, stage="issue", passed=True, notes=note), by=who, at=self.at(day, 10, 30)
                )
                self.checks[key] = done + 1
                self.counts["inspections"] += 1

    def receive(self, school: str, product: Product, day: date, keeper: Principal) -> str | None:
        produced = day - timedelta(days=1)
        at = self.at(day, 7, self.random.randint(0, 40))
        lot = f"{product.supplier[4:]}{produced:%y%m%d}-{self.random.randint(1, 9)}"
        result = self.ledger.execute(
            ReceiveBatch(
                school=school,
                supplier=product.supplier,
                product=product.name,
                category=product.category,
                quantity=Decimal(self.random.randint(*product.amount)),
                unit=product.unit,
                supplier_lot=lot,
                production_date=produced,
                use_by_date=produced + timedelta(days=product.shelf_days),
                invoice_number=f"FP{day:%Y%m%d}{self.random.randint(1000, 9999)}",
                place=_place(product.category),
                co_signers=[f"{school}-2"],
                co_signed=[f"{school}-2"],  # their PIN on the storekeeper's phone
                sensory_ok=True,
                sensory_notes="色泽正常、无异味",
                gtin=product.gtin,
                unit_price=product.price,
                arrival_temperature="4.0" if product.category != "plant" else None,
            ),
            by=keeper,
            at=at,
        )
        code: str = result["code"]
        self.counts["batches"] += 1
        batch = self.ledger.batch(code)
        required = self.ledger.profile.certificates_required(batch.category, batch.pork)
        for kind in sorted(required):
            self.ledger.execute(
                AttachCertificate(
                    code=code,
                    kind=kind,
                    number=f"{_abbreviation(kind)}{day:%Y%m%d}{self.random.randint(100, 999)}",
                    issuer=_issuer(kind),
                    issue_date=produced,
                    sha256=self._document(code, kind),
                ),
                by=Principal(product.supplier, "supplier"),
                at=at + timedelta(minutes=5),
            )
            self.counts["certificates"] += 1
        return code

    def _document(self, code: str, kind: str) -> str:
        """A placeholder file per kind, stored once, so the demo's certificates open and verify."""
        if self.documents is None:
            return _digest(code, kind)
        if kind not in self.placeholders:
            image = Image.new("RGB", (480, 160), "white")
            ImageDraw.Draw(image).text((20, 70), f"FoodTrace demo: {kind}", fill="black")
            buffer = io.BytesIO()
            image.save(buffer, "PNG")
            content = buffer.getvalue()
            document = inspect_upload(content)
            self.documents.put(content, document)
            self.placeholders[kind] = document.sha256
        return self.placeholders[kind]

    def refused_delivery(self) -> None:
        """东旗禽蛋's licence lapsed three days ago: its eggs are refused at the door."""
        day = self.today - timedelta(days=1)
        try:
            self.ledger.execute(
                ReceiveBatch(
                    school="CG01",
                    supplier="SUP-DQ",
                    product="鸡蛋",
                    category="other",
                    quantity=Decimal(30),
                    unit="kg",
                    supplier_lot=f"DQ{day:%y%m%d}",
                    production_date=day,
                    use_by_date=day + timedelta(days=20),
                    invoice_number="FP-DQ-1",
                    place="干货库",
                    co_signers=["CG01-2"],
                    co_signed=["CG01-2"],
                    sensory_ok=True,
                    sensory_notes="",
                ),
                by=Principal("CG01-1", "storekeeper"),
                at=self.at(day, 7, 30),
            )
        except RuleViolation:
            self.counts["refused_deliveries"] += 1


def seed_demo(
    ledger: Ledger, days: int = 60, seed: int = 2021, documents: DocumentStore | None = None
) -> dict[str, Any]:
    """Seed the county; with a document store, each certificate names a stored placeholder file of its kind."""
    return Demo(ledger, days, seed, documents).run()


def newcomer_credentials(ledger: Ledger, address: str, resolver_base: str = DEFAULT_BASE) -> dict[str, Any]:
    """What a newcomer needs next: where the pages are, PINs to sign in on them, an investigator's API token, and
    what a phone's camera opens when it reads a label.

    PINs and the token are drawn afresh for each demo and shown only here (the store keeps their hashes).
    """
    from api.tokens import Credentials

    credentials = Credentials(ledger)
    sign_in = []
    for person, role in (("CG01-1", "storekeeper"), ("CG01-3", "kitchen"), ("CG01-4", "principal")):
        pin = f"{secrets.randbelow(10**6):06d}"
        credentials.set_pin(person, pin, by=ADMIN)
        sign_in.append({"person": person, "name": ledger.staff(person).name, "role": role, "pin": pin})
    token, _ = credentials.create_token("inv-demo", "investigator", None, "demo investigator", ADMIN)
    labels = f"labels' QR codes open {resolver_base}/b/CODE"
    if resolver_base == DEFAULT_BASE:  # a dead address on purpose: say how to make a phone's camera reach us
        labels += (
            "; for a phone's camera to open this server, restart with FOODTRACE_RESOLVER_BASE=http://<this computer's"
            " address on the school network>:PORT and make run HOST=0.0.0.0 / 标签二维码默认指向示例地址；"
            "要让手机相机直接打开本机，请设置 FOODTRACE_RESOLVER_BASE 为本机在校园网中的地址并以 HOST=0.0.0.0 运行"
        )
    return {"pages": address.rstrip("/") + "/app", "sign_in": sign_in, "investigator_token": token, "labels": labels}


def saved_summary(path: Path, key: str = "") -> str:
    """The summary the demo printed when it seeded this store, or one value of it by a dotted KEY."""
    if not path.exists():
        raise SettingsError(
            f"此数据库不是由 foodtrace demo 在本机生成的（没有 {path}） / "
            f"this store was not seeded by `foodtrace demo` here (no {path})"
        )
    value: Any = json.loads(path.read_text(encoding="utf-8"))
    for part in key.split(".") if key else []:
        try:
            value = value[int(part)] if isinstance(value, list) else value[part]
        except (KeyError, IndexError, ValueError, TypeError):
            raise SettingsError(f"演示摘要中没有 {key} / the demo's summary has no {key}") from None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=2)


def _period_end(day: date, weekly: bool) -> date:
    """The day after the week (Monday to Sunday) or the month that ``day`` is in."""
    if weekly:
        return day + timedelta(days=7 - day.weekday())
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _school_days(first: date, until: date) -> int:
    """Weekdays from ``first`` up to, not including, ``until``."""
    return sum((first + timedelta(days=n)).weekday() < 5 for n in range((until - first).days))


def _place(category: str) -> str:
    return {"meat": "冷冻库（红）", "aquatic": "冷藏库（黄）", "plant": "蔬菜库（绿）"}.get(category, "干货库")


def _abbreviation(kind: CertificateKind) -> str:
    return {
        "quality_inspection_report": "QJ",
        "animal_quarantine_certificate": "DJ",
        "meat_quality_certificate": "RP",
        "invoice": "FP",
    }.get(kind, "QT")


def _issuer(kind: CertificateKind) -> str:
    return {
        "animal_quarantine_certificate": "县动物卫生监督所",
        "meat_quality_certificate": "定点屠宰场品质检验室",
        "invoice": "国家税务总局",
    }.get(kind, "县食品检验检测中心")


def _digest(code: str, kind: str) -> str:
    return hashlib.sha256(f"{code}:{kind}".encode()).hexdigest()
