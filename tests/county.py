"""A small real county to test in: two schools, their staff, and suppliers in and out of good standing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from domain.command import Command
from domain.handoff import Correct, Issue, IssueToKitchen, OfferIssue, ReturnToStore
from domain.intake import AnnounceDelivery, AttachCertificate, ReceiveBatch
from domain.ledger import Ledger
from domain.registry import RecordStaffCertificate, RegisterSchool, RegisterStaff, RegisterSupplier, SuspendStaff
from domain.sampling import RetainSample
from domain.values import Principal

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 2)  # a Monday of the spring term
ADMIN = Principal("county-admin", "admin")
WANG = Principal("CG01-wang", "storekeeper")  # 王建国, storekeeper at 城关第一小学
LI = "CG01-li"  # 李秀英, second storekeeper: co-signs intake
ZHANG = "CG01-zhang"  # 张师傅, kitchen lead
EXPIRED = "CG01-zhao"  # 赵, health certificate ran out in February
SUSPENDED = "CG01-sun"  # 孙, moved off food work (调岗停岗)
XH_STOREKEEPER = "XH01-zhou"  # works at another school
SUPPLIER = Principal("SUP-HX", "supplier")


def at(day: date = DAY, hour: int = 8, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), SHANGHAI)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def send(ledger: Ledger, kind: type[Command], fields: dict[str, Any]) -> dict[str, Any]:
    """Execute a command from one dict of its fields and ``by``, ``at``, ``idempotency_key``, as tests build them."""
    fields = dict(fields)
    outer = {k: fields.pop(k) for k in ("by", "at", "idempotency_key") if k in fields}
    return ledger.execute(kind(**fields), **outer)


def certificate(kind: str, number: str, sha256: str, issuer: str = "县食品检验检测中心") -> dict[str, Any]:
    """A same-batch certificate's fields (索证), issued the day before DAY."""
    return {"kind": kind, "number": number, "issuer": issuer, "issue_date": DAY - timedelta(days=1), "sha256": sha256}


def food_worker_certificates(
    ledger: Ledger, person: str, until: date, *, at: datetime, numbers: tuple[str, str] | None = None
) -> None:
    """二证 for a newly registered food worker: health and training certificates from New Year until ``until``."""
    for kind, number in zip(("health", "training"), numbers or (f"health-{person}", f"training-{person}"), strict=True):
        recorded = RecordStaffCertificate(
            person_id=person, kind=kind, number=number, valid_from=date(2026, 1, 1), valid_until=until
        )
        ledger.execute(recorded, by=ADMIN, at=at)


def retain_sample(
    ledger: Ledger,
    dish: str,
    batch_codes: list[str],
    *,
    sealed_at: datetime,
    at: datetime,
    grams: int = 130,
    fridge: str = "留样柜1",
    meal: str = "lunch",
    by: Principal = WANG,
) -> dict[str, Any]:
    """留样 at CG01 on DAY: the tests' samples differ in the dish, its batches and a few of the other fields."""
    kept = {"school": "CG01", "meal_date": DAY, "meal": meal, "fridge": fridge}
    sample = RetainSample(**kept, dish=dish, grams=grams, batch_codes=batch_codes, sealed_at=sealed_at)
    return ledger.execute(sample, by=by, at=at)


@dataclass
class County:
    ledger: Ledger

    @classmethod
    def set_up(cls, ledger: Ledger) -> County:
        when = at(DAY - timedelta(days=30))
        ledger.execute(RegisterSchool(code="CG01", name="城关第一小学", district="城关镇"), by=ADMIN, at=when)
        ledger.execute(RegisterSchool(code="XH01", name="新华镇中心小学", district="新华镇"), by=ADMIN, at=when)
        term, lost_tender = (date(2025, 9, 1), date(2026, 7, 15)), (date(2024, 9, 1), date(2025, 7, 15))
        columns = ("code", "name", "licence_number", "licence_valid_from", "licence_valid_until")
        suppliers = [
            ("SUP-LY", "绿源蔬菜配送有限公司", "JY1430101", date(2024, 1, 1), date(2028, 1, 1), term),
            ("SUP-HX", "恒鑫肉类食品有限公司", "JY1430102", date(2024, 1, 1), date(2028, 1, 1), term),
            ("SUP-OLD", "东旗禽蛋专业合作社", "JY1430105", date(2021, 1, 1), date(2026, 2, 1), term),
            ("SUP-LOST", "未中标商贸公司", "JY1430106", date(2024, 1, 1), date(2028, 1, 1), lost_tender),
        ]
        for *row, (tender_start, tender_end) in suppliers:
            licensed = dict(zip(columns, row, strict=True))
            supplier = RegisterSupplier(**licensed, tender_start=tender_start, tender_end=tender_end)
            ledger.execute(supplier, by=ADMIN, at=when)
        staff = [
            (WANG.person_id, "王建国", "CG01", "storekeeper"),
            (LI, "李秀英", "CG01", "storekeeper"),
            (ZHANG, "张师傅", "CG01", "kitchen"),
            (EXPIRED, "赵志强", "CG01", "kitchen"),
            (SUSPENDED, "孙丽", "CG01", "storekeeper"),
            (XH_STOREKEEPER, "周明", "XH01", "storekeeper"),
        ]
        for person, name, school, role in staff:
            ledger.execute(RegisterStaff(person_id=person, name=name, school=school, roles=[role]), by=ADMIN, at=when)
            health_until = date(2026, 2, 20) if person == EXPIRED else date(2026, 12, 31)
            certificates = [
                ("health", f"JK-{person}", date(2026, 1, 1), health_until),
                ("training", f"PX-{person}", date(2025, 9, 1), date(2026, 8, 31)),
            ]
            for kind, number, *valid in certificates:
                period = dict(zip(("valid_from", "valid_until"), valid, strict=True))
                recorded = RecordStaffCertificate(person_id=person, kind=kind, number=number, **period)
                ledger.execute(recorded, by=ADMIN, at=when)
        ledger.execute(SuspendStaff(person_id=SUSPENDED, reason="腹泻，调岗停岗"), by=ADMIN, at=when)
        return cls(ledger)

    def receive(self, **overrides: Any) -> str:
        """Pork from 恒鑫, received by 王 and 李 at 7:30 on DAY; the co-signers sign at once unless ``co_signed``
        says who did."""
        fields: dict[str, Any] = {
            "school": "CG01",
            "supplier": "SUP-HX",
            "product": "猪肉（前腿）",
            "category": "meat",
            "quantity": Decimal("20"),
            "unit": "kg",
            "supplier_lot": "HX260301-2",
            "production_date": DAY - timedelta(days=1),
            "use_by_date": DAY + timedelta(days=3),
            "invoice_number": "FP20260302001",
            "place": "冷冻库（红）",
            "co_signers": [LI],
            "sensory_ok": True,
            "sensory_notes": "色泽正常、无异味",
            "by": WANG,
            "gtin": "6901234567892",
            "unit_price": Decimal("26.00"),
            "at": at(hour=7, minute=30),
        }
        fields.update(overrides)
        fields.setdefault("co_signed", [p for p in fields["co_signers"] if p != fields["by"].person_id])
        code: str = send(self.ledger, ReceiveBatch, fields)["code"]
        return code

    def announce(self, reference: str = "HX-DN-0302-01", **overrides: Any) -> str:
        """送货预告: 恒鑫 announces the pork of ``receive`` the evening before DAY. Returns the announcement's id."""
        fields: dict[str, Any] = {
            "supplier": "SUP-HX",
            "reference": reference,
            "school": "CG01",
            "product": "猪肉（前腿）",
            "category": "meat",
            "quantity": "20",
            "unit": "kg",
            "supplier_lot": "HX260301-2",
            "production_date": DAY - timedelta(days=1),
            "use_by_date": DAY + timedelta(days=3),
            "invoice_number": "FP20260302001",
            "expected_on": DAY,
            "gtin": "6901234567892",
            "by": SUPPLIER,
            "at": at(DAY - timedelta(days=1), 18),
        }
        fields.update(overrides)
        announced: str = send(self.ledger, AnnounceDelivery, fields)["announcement_id"]
        return announced

    def ready_to_issue(self, **overrides: Any) -> str:
        """A batch received (see ``receive``) with every certificate attached: nothing stops its issue."""
        code = self.receive(**overrides)
        self.certify(code)
        return code

    def certify(self, code: str, skip: tuple[str, ...] = ()) -> None:
        """The supplier attaches every certificate the batch's category requires, except those in ``skip``."""
        batch = self.ledger.batch(code)
        for kind in sorted(self.ledger.profile.certificates_required(batch.category, batch.pork)):
            if kind not in skip:
                attached = AttachCertificate(
                    code=code, **certificate(kind, f"{kind[:2].upper()}-{code}", digest(code + kind))
                )
                self.ledger.execute(attached, by=SUPPLIER, at=at(hour=7, minute=40))

    def issue(self, code: str, quantity: str = "5", **overrides: Any) -> dict[str, Any]:
        """出库 at lunch on DAY: 王 gives, 张 takes, both signing at once."""
        return self._hand_off(IssueToKitchen, code, quantity, overrides)

    def offer(self, code: str, quantity: str, **overrides: Any) -> dict[str, Any]:
        """出库, 王's signature first: the stock waits for 张 to confirm."""
        return self._hand_off(OfferIssue, code, quantity, overrides)

    def return_to_store(self, code: str, quantity: str, reason: str, **overrides: Any) -> dict[str, Any]:
        """退库: 张 brings back what the kitchen did not use; 王 takes it in."""
        fields = {"code": code, "quantity": quantity, "unit": "kg", "returned_by": ZHANG, "reason": reason, "by": WANG}
        return send(self.ledger, ReturnToStore, {**fields, **overrides})

    def correct(self, code: str, version: int, reason: str, **overrides: Any) -> dict[str, Any]:
        """更正 by 王 of the batch's event ``version``."""
        fields = {"code": code, "corrects_version": version, "reason": reason, "by": WANG}
        return send(self.ledger, Correct, {**fields, **overrides})

    def _hand_off(self, kind: type[Issue], code: str, quantity: str, overrides: dict[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "code": code,
            "quantity": Decimal(quantity),
            "unit": "kg",
            "meal_date": DAY,
            "meal": "lunch",
            "taken_by": ZHANG,
            "by": WANG,
            "at": at(hour=10),
        }
        fields.update(overrides)
        return send(self.ledger, kind, fields)
