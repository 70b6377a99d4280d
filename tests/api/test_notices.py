"""What each event tells a subscriber (api/notices.py), read from the log as the webhooks feed reads it."""

from __future__ import annotations

from typing import Any

from api.notices import Notice, notices
from domain.handoff import PutOnHold, Release
from domain.intake import AttachCertificateToDelivery, ReceiveAnnounced
from domain.ledger import Ledger
from domain.rules import Category
from tests.county import LI, SUPPLIER, WANG, County, at, certificate, digest, send


def told(ledger: Ledger, since: int) -> list[Notice]:
    """Every notice of the events recorded after ``since``, in log order."""
    found: list[Notice] = []
    for n in ledger.recorder.select_notifications(start=since + 1, limit=1000):
        found += notices(ledger, n.id, ledger.mapper.to_domain_event(n))
    return found


def head(ledger: Ledger) -> int:
    return ledger.recorder.max_notification_id() or 0


def test_a_delivery_typed_at_the_door_is_received_with_its_certificates_missing(ledger: Ledger) -> None:
    county = County.set_up(ledger)
    since = head(ledger)
    code = county.receive()
    received, missing = told(ledger, since)
    assert (received.kind, received.supplier, received.school) == ("delivery.received", "SUP-HX", "CG01")
    assert received.data["code"] == code and received.data["announcement_id"] is None
    assert received.data["quantity"] == "20" and received.data["at"] == "2026-03-02T07:30:00+08:00"
    assert missing.kind == "certificate.missing"
    assert missing.data["missing"] == sorted(ledger.profile.certificates_required(ledger.batch(code).category, True))
    assert "动物检疫合格证明" in missing.data["missing_zh"]


def test_certificates_that_came_with_the_announcement_are_not_missing(ledger: Ledger) -> None:
    county = County.set_up(ledger)
    announced = county.announce()
    for kind in sorted(ledger.profile.certificates_required(Category.MEAT, True)):
        fields: dict[str, Any] = certificate(kind, f"{kind[:2]}-1", digest(kind))
        send(ledger, AttachCertificateToDelivery, {"announcement": announced, **fields, "by": SUPPLIER, "at": at()})
    since = head(ledger)
    acceptance = {"place": "冷冻库（红）", "co_signers": [LI], "sensory_ok": True, "sensory_notes": "色泽正常"}
    send(ledger, ReceiveAnnounced, {"announcement": announced, **acceptance, "by": WANG, "at": at(hour=7, minute=30)})
    [received] = told(ledger, since)
    assert received.kind == "delivery.received"
    assert received.data["announcement_id"] == announced and received.data["reference"] == "HX-DN-0302-01"


def test_a_voided_certificate_a_hold_and_a_release_are_told_with_their_reasons(ledger: Ledger) -> None:
    county = County.set_up(ledger)
    code = county.ready_to_issue()
    voided = next(v for v, kind in ledger.batch(code).kinds.items() if kind == "certificate")
    since = head(ledger)
    county.correct(code, voided, "检测报告批号与货物不符")
    send(ledger, PutOnHold, {"code": code, "reason": "供应商召回通知", "by": WANG, "at": at(hour=9)})
    send(ledger, Release, {"code": code, "reason": "检验合格，解除封存", "by": WANG, "at": at(hour=10)})
    rejected, held, released = told(ledger, since)
    assert rejected.kind == "certificate.rejected" and rejected.data["reason"] == "检测报告批号与货物不符"
    assert rejected.data["certificate"]["number"] == ledger.batch(code).certificates[voided].number
    assert (held.kind, held.data["reason"]) == ("batch.held", "供应商召回通知")
    assert (released.kind, released.data["reason"]) == ("batch.released", "检验合格，解除封存")
    assert {n.supplier for n in (rejected, held, released)} == {"SUP-HX"}


def test_other_events_tell_nothing(ledger: Ledger) -> None:
    county = County.set_up(ledger)
    code = county.ready_to_issue()
    since = head(ledger)
    county.issue(code)
    assert told(ledger, since) == []
