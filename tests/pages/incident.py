"""An incident to investigate: 恒鑫's pork lot HX260301-2 went to lunch on 2 March at two schools, and only
城关第一小学 kept a sample. The same story as tests/api/test_investigation.py, told for the pages."""

from __future__ import annotations

from datetime import date

import httpx

from api.tokens import Credentials
from domain.handoff import PutOnHold, ReturnToStore
from domain.registry import RegisterStaff
from domain.values import Principal
from tests.api.files import pdf_report
from tests.county import ADMIN, DAY, WANG, XH_STOREKEEPER, ZHANG, at, food_worker_certificates, retain_sample
from tests.pages.conftest import SchoolDay

LOT = "HX260301-2"
SHARED_LOT = "LY261126-8"  # a produce supplier dates its lots: the same number on two products


def staff_xh01(school_day: SchoolDay) -> None:
    """新华镇中心小学 gets a second storekeeper (intake needs two signers) and a kitchen lead."""
    ledger = school_day.ledger
    for person, name, role in (("XH01-wu", "吴芳", "storekeeper"), ("XH01-he", "何师傅", "kitchen")):
        ledger.execute(RegisterStaff(person_id=person, name=name, school="XH01", roles=[role]), by=ADMIN, at=at(DAY, 6))
        food_worker_certificates(ledger, person, date(2026, 8, 31), at=at(DAY, 6))


def potatoes_and_tomatoes_share_a_lot(school_day: SchoolDay) -> tuple[str, str]:
    """绿源's lot LY261126-8 is on 土豆 at 城关一小 and on 西红柿 at 新华镇: two lots, one number. 2 kg of the
    potatoes came back from lunch, and the rest of the batch was put on hold after lunch."""
    ledger, county = school_day.ledger, school_day.county
    staff_xh01(school_day)
    produce = {"supplier": "SUP-LY", "category": "plant", "supplier_lot": SHARED_LOT, "gtin": None, "place": "蔬菜库"}
    potatoes = county.receive(product="土豆", **produce)
    tomatoes = county.receive(product="西红柿", school="XH01", co_signers=["XH01-wu"],
                              by=Principal(XH_STOREKEEPER, "storekeeper"), **produce)  # fmt: skip
    county.certify(potatoes)
    county.certify(tomatoes)
    county.issue(potatoes, "10")
    county.issue(tomatoes, "6", taken_by="XH01-he", by=Principal(XH_STOREKEEPER, "storekeeper"))
    ledger.execute(
        ReturnToStore(code=potatoes, quantity="2", unit="kg", returned_by=ZHANG, reason="午餐剩余"),
        by=WANG,
        at=at(DAY, 13),
    )
    ledger.execute(PutOnHold(code=potatoes, reason="学生午餐后腹泻，待查"), by=WANG, at=at(DAY, 14))
    school_day.catch_up()
    return potatoes, tomatoes


def same_pork_at_two_schools(school_day: SchoolDay, server: str) -> tuple[str, str]:
    """Both schools' lunches had the lot; 恒鑫 uploaded its quality report for ours as a real PDF."""
    ledger, county = school_day.ledger, school_day.county
    staff_xh01(school_day)
    ours = county.receive(supplier_lot=LOT)
    theirs = county.receive(
        supplier_lot=LOT, school="XH01", co_signers=["XH01-wu"], by=Principal(XH_STOREKEEPER, "storekeeper"),
        place="冷库",
    )  # fmt: skip
    county.certify(ours, skip=("quality_inspection_report",))
    county.certify(theirs)
    upload_quality_report(school_day, server, ours)
    county.issue(ours, "12")
    county.issue(theirs, "8", taken_by="XH01-he", by=Principal(XH_STOREKEEPER, "storekeeper"))
    retain_sample(ledger, "红烧肉", [ours], sealed_at=at(DAY, 12, 10), at=at(DAY, 12, 15))
    school_day.catch_up()
    return ours, theirs


def upload_quality_report(school_day: SchoolDay, server: str, code: str) -> None:
    """恒鑫's ERP attaches the report through the API, at 07:40 by the ledger's clock."""
    token = Credentials(school_day.ledger).create_token("SUP-HX", "supplier", "SUP-HX", "恒鑫ERP", ADMIN)[0]
    school_day.now = at(DAY, 7, 40)
    answer = httpx.post(
        f"{server}/api/v1/batches/{code}/certificates",
        headers={"Authorization": f"Bearer {token}"},
        data={"kind": "quality_inspection_report", "number": "QJ-2026-0301", "issuer": "县食品检验检测中心",
              "issue_date": "2026-03-01"},
        files={"file": ("report.pdf", pdf_report(), "application/pdf")},
    )  # fmt: skip
    assert answer.status_code in (200, 201), answer.text
