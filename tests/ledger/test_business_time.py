"""Business time in the ledger: events keep when they happened (``at``) and when they were recorded.

Events stored before business time read with recorded_at = at (occurred = recorded); a new event records both,
and the rules keep backdating honest (domain/business_time.py).
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest

from domain.business_time import LateApproval
from domain.errors import RuleViolation
from domain.handoff import Move, PutOnHold
from domain.ledger import Ledger
from domain.registry import RegisterStaff
from tests.county import ADMIN, DAY, WANG, County, at
from tests.ledger.test_golden_events import load


def test_golden_events_read_as_recorded_when_they_happened(ledger: Ledger) -> None:
    load(ledger, "events-v1.json")
    read = 0
    for stored in ledger.recorder.select_notifications(start=1, limit=100_000):
        event = ledger.mapper.to_domain_event(stored)
        if "at" in vars(event):
            assert event.recorded_at == event.at  # type: ignore[attr-defined]
            assert "late_approval" not in vars(event)
            read += 1
    assert read > 20


def test_golden_history_shows_no_late_entries(ledger: Ledger) -> None:
    code = load(ledger, "events-v1.json")

    entries = ledger.history(code)

    assert entries and all(e.recorded_at == e.at and not e.late for e in entries)


def test_an_event_records_when_it_happened_and_when_it_was_recorded(county: County) -> None:
    code = county.receive(at=at(DAY, 9), occurred_at=at(DAY, 6, 45))

    [received] = county.ledger.history(code)

    assert (received.at, received.recorded_at, received.late) == (at(DAY, 6, 45), at(DAY, 9), True)
    assert county.ledger.batch(code).received_at == at(DAY, 6, 45)


def test_within_the_clock_skew_is_not_late(county: County) -> None:
    code = county.receive(at=at(DAY, 9), occurred_at=at(DAY, 8, 56))

    assert not county.ledger.history(code)[0].late


def test_the_as_of_answer_between_occurred_and_recorded_uses_business_time(county: County) -> None:
    code = county.receive(at=at(DAY, 9), occurred_at=at(DAY, 7))

    assert county.ledger.batch_as_of(code, at(DAY, 8)) is not None  # it was there at 8, though recorded at 9
    assert county.ledger.batch_as_of(code, at(DAY, 6, 59)) is None


def test_three_days_late_needs_a_principal_of_the_school(county: County) -> None:
    code = county.receive()
    three_days_ago = at(DAY, 9) - timedelta(days=3)

    with pytest.raises(RuleViolation, match="48 h"):
        county.ledger.execute(PutOnHold(code=code, reason="复查", occurred_at=three_days_ago), by=WANG, at=at(DAY, 9))
    county.ledger.execute(
        RegisterStaff(person_id="XH01-principal", name="周校长", school="XH01", roles=["principal"]),
        by=ADMIN,
        at=at(DAY, 6),
    )
    other_school = LateApproval(approver="XH01-principal", reason="补录")
    with pytest.raises(RuleViolation, match="not a principal of this school"):
        county.ledger.execute(
            Move(code=code, place="二号库", occurred_at=at(DAY, 8), late_approval=other_school), by=WANG, at=at(DAY, 9)
        )


def test_the_principals_approval_is_stored_on_the_event(county: County) -> None:
    county.ledger.execute(
        RegisterStaff(person_id="CG01-principal", name="陈校长", school="CG01", roles=["principal"]),
        by=ADMIN,
        at=at(DAY, 6),
    )
    code = county.receive(at=at(DAY, 7, 30))
    approval = LateApproval(approver="CG01-principal", reason="周末停电补录")

    county.ledger.execute(
        Move(code=code, place="二号库", occurred_at=at(DAY, 8), late_approval=approval),
        by=WANG,
        at=at(DAY + timedelta(days=3), 9),
    )

    moved = county.ledger.history(code)[-1]
    assert moved.late and moved.late_approval == {"approver": "CG01-principal", "reason": "周末停电补录"}


def test_a_command_without_business_time_keeps_its_v1_fingerprint() -> None:
    v1 = json.dumps(["move", {"code": "3775-ABCD", "place": "二号库"}], sort_keys=True, default=str)

    assert Move(code="3775-ABCD", place="二号库").fingerprint() == hashlib.sha256(v1.encode("utf-8")).hexdigest()
    assert (
        Move(code="3775-ABCD", place="二号库", occurred_at=at(DAY, 8)).fingerprint()
        != hashlib.sha256(v1.encode("utf-8")).hexdigest()
    )
