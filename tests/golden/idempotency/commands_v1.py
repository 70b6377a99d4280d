"""Every command as a client sent it with an idempotency key before commands were data (v1).

Each entry is the command's v1 name and the fields it was sent with. tests/golden/idempotency/v1.json holds the
records today's code stored for them; tests/ledger/test_idempotency_records_v1.py retries each against its record.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from domain.rules import Category
from tests.county import DAY, LI, ZHANG, at, digest

CODE = "CG01-2603-A7K2-QX9M"
ANNOUNCED = "8d7cb1c0-5b2e-4b8e-9a5e-2f7d7c1d9e01"
SAMPLE = "1f0e6a4a-3c55-4c1a-8a59-0f4e6f3b2a11"
TERM = {"tender_start": date(2025, 9, 1), "tender_end": date(2026, 7, 15)}
DELIVERY: dict[str, Any] = {
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
}
CERTIFICATE: dict[str, Any] = {
    "kind": "quarantine",
    "number": "QU-1",
    "issuer": "县食品检验检测中心",
    "issue_date": DAY - timedelta(days=1),
    "sha256": digest("QU-1"),
}

# (key, v1 command name, fields); ``by`` and ``at`` are not part of a fingerprint.
COMMANDS: list[tuple[str, str, dict[str, Any]]] = [
    ("v1-01", "register_school", {"code": "CG09", "name": "城关第九小学", "district": "城关镇"}),
    (
        "v1-02",
        "register_supplier",
        {
            "code": "SUP-NEW",
            "name": "新供应商",
            "licence_number": "JY1",
            "licence_valid_from": date(2024, 1, 1),
            "licence_valid_until": date(2028, 1, 1),
            **TERM,
        },
    ),
    (
        "v1-03",
        "renew_supplier_licence",
        {"code": "SUP-OLD", "number": "JY1430105-2", "valid_from": DAY, "valid_until": DAY + timedelta(days=1825)},
    ),
    ("v1-04", "suspend_supplier", {"code": "SUP-LY", "reason": "抽检不合格"}),
    ("v1-05", "register_staff", {"person_id": "CG01-new", "name": "新人", "school": "CG01", "roles": ["kitchen"]}),
    ("v1-06", "register_staff", {"person_id": "county-x", "name": "县里", "school": None, "roles": ["admin"]}),
    (
        "v1-07",
        "record_staff_certificate",
        {
            "person_id": ZHANG,
            "kind": "health",
            "number": "JK-2",
            "valid_from": date(2026, 1, 1),
            "valid_until": date(2026, 12, 31),
        },
    ),
    ("v1-08", "record_health_check", {"person_id": ZHANG, "day": DAY, "passed": True, "notes": "体温36.5℃"}),
    ("v1-09", "suspend_staff", {"person_id": ZHANG, "reason": "腹泻"}),
    ("v1-10", "reinstate_staff", {"person_id": ZHANG, "reason": ""}),
    (
        "v1-11",
        "receive_batch",
        {
            **DELIVERY,
            "place": "冷冻库（红）",
            "co_signers": [LI],
            "sensory_ok": True,
            "sensory_notes": "色泽正常",
            "gtin": "6901234567892",
            "unit_price": Decimal("26.00"),
            "arrival_temperature": "3.5",
        },
    ),
    (
        "v1-12",
        "receive_batch",
        {
            **DELIVERY,
            "category": Category.PLANT,
            "quantity": "7.5",
            "place": "常温库",
            "co_signers": [LI],
            "sensory_ok": True,
            "sensory_notes": "",
            "pork": False,
        },
    ),
    ("v1-13", "attach_certificate", {"code": CODE, **CERTIFICATE}),
    ("v1-14", "attach_certificate", {"code": CODE, **CERTIFICATE, "expiry_date": DAY + timedelta(days=30)}),
    ("v1-15", "inspect", {"code": CODE, "stage": "intake", "passed": True, "notes": "温度3.5℃"}),
    ("v1-16", "put_on_hold", {"code": CODE, "reason": "待复检"}),
    ("v1-17", "release", {"code": CODE, "reason": "复检合格"}),
    ("v1-18", "move", {"code": CODE, "place": "冷冻库2号（红）"}),
    (
        "v1-19",
        "issue_to_kitchen",
        {"code": CODE, "quantity": Decimal("5"), "unit": "kg", "meal_date": DAY, "meal": "lunch", "taken_by": ZHANG},
    ),
    (
        "v1-20",
        "offer_issue",
        {"code": CODE, "quantity": "5", "unit": "kg", "meal_date": DAY, "meal": "lunch", "taken_by": ZHANG},
    ),
    ("v1-21", "confirm_issue", {"code": CODE, "offer": 7}),
    ("v1-22", "cancel_issue_offer", {"code": CODE, "offer": 7, "reason": "拿错了"}),
    (
        "v1-23",
        "return_to_store",
        {"code": CODE, "quantity": "2.5", "unit": "kg", "returned_by": ZHANG, "reason": "午餐剩余"},
    ),
    (
        "v1-24",
        "return_to_store",
        {"code": CODE, "quantity": "2.5", "unit": "kg", "returned_by": ZHANG, "reason": "午餐剩余", "issue": 9},
    ),
    ("v1-25", "write_off", {"code": CODE, "reason": "变质", "witness": LI}),
    ("v1-26", "write_off", {"code": CODE, "reason": "变质", "witness": LI, "quantity": "1.5"}),
    ("v1-27", "correct", {"code": CODE, "corrects_version": 5, "reason": "数量录错"}),
    (
        "v1-28",
        "announce_delivery",
        {
            **DELIVERY,
            "supplier": "SUP-HX",
            "reference": "SH-1",
            "expected_on": DAY,
            "gtin": None,
            "unit_price": "26.00",
            "pork": True,
        },
    ),
    ("v1-29", "attach_certificate_to_delivery", {"announcement": ANNOUNCED, **CERTIFICATE}),
    (
        "v1-30",
        "receive_announced",
        {
            "announcement": ANNOUNCED,
            "place": "冷冻库（红）",
            "co_signers": [LI],
            "sensory_ok": True,
            "sensory_notes": "",
            "quantity": "19.5",
            "arrival_temperature": None,
        },
    ),
    ("v1-31", "reject_delivery", {"announcement": ANNOUNCED, "reason": "温度超标"}),
    ("v1-32", "withdraw_delivery", {"announcement": ANNOUNCED, "reason": "缺货"}),
    (
        "v1-33",
        "retain_sample",
        {
            "school": "CG01",
            "meal_date": DAY,
            "meal": "lunch",
            "dish": "红烧肉",
            "grams": 130,
            "fridge": "留样柜1",
            "batch_codes": [CODE],
            "sealed_at": at(hour=12, minute=10),
        },
    ),
    (
        "v1-34",
        "retain_sample",
        {
            "school": "CG01",
            "meal_date": DAY,
            "meal": "lunch",
            "dish": "青菜",
            "grams": 125,
            "fridge": "留样柜1",
            "batch_codes": [],
        },
    ),
    ("v1-35", "dispose_sample", {"sample_id": SAMPLE, "reason": ""}),
    ("v1-36", "send_sample_to_laboratory", {"sample_id": SAMPLE, "laboratory": "县疾控中心", "reason": "疑似中毒"}),
]
