"""Hostile text, and a batch that stores it the way data stored before the door's text policy (step 7) did.

Every place text leaves FoodTrace (API JSON, CLI, xlsx, CSV, PDF, labels, pages) must show these as typed and run
none of them. ``ACCEPTED`` is text a person may type today; ``STORED`` is text the domain now refuses at the door
but that years of events may still hold, so it is written here straight through the aggregate, as old code did.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from domain.batch import IngredientBatch
from domain.codes import new_batch_code
from domain.ledger import Ledger
from domain.sample import FoodSample
from domain.values import Meal
from tests.county import DAY, LI, WANG, ZHANG, at

FORMULA = '=HYPERLINK("http://evil.example","点击")'
IMG = '<img src=x onerror="alert(1)">'
SCRIPT = "</script><script>alert(2)</script>"
LINK = "javascript:alert(3)"
MARKUP = f'{IMG}{SCRIPT}<a href="{LINK}">证明</a>'  # every HTML and script payload in one field

ACCEPTED = {
    "formula": FORMULA,
    "plus": "+SUM(1,2)",
    "minus": "-2+3",
    "at": "@SUM(1,2)",
    "img": IMG,
    "script": SCRIPT,
    "link": LINK,
    "anchor": f'<a href="{LINK}">证明</a>',
    "bidi": "猪肉\u202egpj.exe",  # right-to-left override: shows as "猪肉exe.jpg"
    "zero_width": "猪\u200b肉\u200d\ufeff",
    "cjk": "五花肉" * 60,  # 180 characters, within the 200 a field holds
    "emoji": "🐷🥩 猪肉 👨‍👩‍👧",
}
STORED = {
    "controls": "剩\u0001余\u001b",
    "nul": "猪\u0000肉",
    "tab": "\t=1+2",
    "carriage_return": "\r=1+2",
    "del_c1": "猪\u007f肉\u0085",
}
CORPUS = {**ACCEPTED, **STORED}


def viewed(text: str) -> str:
    """As the views hold it (step 7: PostgreSQL cannot hold a NUL, so every view writes U+FFFD for one)."""
    return text.replace("\x00", "\ufffd")


def stored_batch(ledger: Ledger, text: str, *, school: str = "CG01", meal: str = "lunch") -> str:
    """A batch whose product, supplier lot, notes, certificate number, reasons and sample hold ``text``,
    written as events straight through the aggregates (no command checks), as data stored long ago would be."""
    batch = IngredientBatch(
        code=new_batch_code(), school_id=school, supplier_id="SUP-HX", product=text, category="meat", pork=True,
        quantity=Decimal(20), unit="kg", supplier_lot=text, lot="HX260301-9", gtin=None,
        production_date=DAY - timedelta(days=1), use_by_date=DAY + timedelta(days=3), invoice_number=text,
        unit_price=None, place=text, signers=[WANG.person_id, LI], sensory_check=text, arrival_temperature=None,
        by=WANG, at=at(hour=7, minute=30),
    )  # fmt: skip
    kinds = ("animal_quarantine_certificate", "invoice", "meat_quality_certificate", "quality_inspection_report")
    for n, kind in enumerate(kinds):
        number = text if n == 0 else f"{kind[:2].upper()}-{batch.code}"
        sha = f"{n:064x}"
        batch.trigger_event(
            batch.CertificateAttached,
            kind=kind,
            number=number,
            issuer=text,
            issue_date=DAY - timedelta(days=1),
            expiry_date=None,
            sha256=sha,
            by=WANG,
            at=at(hour=7, minute=40),
        )
    batch._inspected("intake", False, text, WANG.person_id, by=WANG, at=at(hour=7, minute=45))
    people = {"given_by": WANG.person_id, "taken_by": ZHANG}
    batch._issued(Decimal(5), DAY, Meal(meal), people, offer=None, dishes=(text,), by=WANG, at=at(hour=10))
    written_off = {"quantity": Decimal(1), "reason": text, "witness": LI, "disposal": "destroyed"}
    batch.trigger_event(batch.WrittenOff, **written_off, by=WANG, at=at(hour=16))
    sample = FoodSample(
        school_id=school, meal_date=DAY, meal=meal, dish=text, grams=150, sealed_at=at(hour=12, minute=10),
        keep_until=at(hour=12, minute=10) + timedelta(hours=48), fridge=text, sealed_by=WANG.person_id,
        batch_codes=[batch.code], by=WANG, at=at(hour=12, minute=15),
    )  # fmt: skip
    ledger.save(batch, sample)
    return batch.code
