"""Nothing is edited: a mistake is voided by a new event, and the history shows both."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import NotFound, RuleViolation
from domain.handoff import Inspect, Move
from tests.county import LI, WANG, ZHANG, County, at


def test_a_wrongly_recorded_failed_inspection_is_voided_by_a_correction(county: County) -> None:
    code = county.ready_to_issue()
    failed = county.ledger.execute(
        Inspect(code=code, stage="issue", passed=False, notes="误录：应为合格"), by=WANG, at=at(hour=9)
    )
    county.correct(code, failed["version"], "录入错误，实为合格", at=at(hour=9, minute=5))
    assert county.issue(code)["on_hand"] == "15"
    whats = [entry.what for entry in county.ledger.history(code)]
    assert whats[-3:] == ["Inspected", "Corrected", "IssuedToKitchen"]


def test_correcting_an_issue_puts_the_quantity_back(county: County) -> None:
    code = county.ready_to_issue()
    issued = county.issue(code, "8")
    county.correct(code, issued["version"], "重复录入", at=at(hour=11))
    assert county.ledger.batch(code).on_hand == Decimal("20")


def test_an_event_can_be_corrected_only_once(county: County) -> None:
    code = county.ready_to_issue()
    issued = county.issue(code, "8")
    county.correct(code, issued["version"], "重复录入", at=at(hour=11))
    with pytest.raises(RuleViolation, match="already corrected"):
        county.correct(code, issued["version"], "再次更正", at=at(hour=11))


def test_the_receipt_itself_cannot_be_voided(county: County) -> None:
    code = county.receive()
    with pytest.raises(NotFound, match="cannot be corrected"):
        county.correct(code, 1, "想删除", at=at(hour=11))


def test_voiding_a_return_that_stock_no_longer_covers_is_refused(county: County) -> None:
    code = county.ready_to_issue()
    county.issue(code, "10")
    returned = county.return_to_store(code, "10", "未用", at=at(hour=13))
    county.issue(code, "20", at=at(hour=16), meal="dinner")
    with pytest.raises(RuleViolation, match="negative"):
        county.correct(code, returned["version"], "误录", at=at(hour=17))


def test_history_replays_every_event_in_order_with_who_and_when(county: County) -> None:
    code = county.ready_to_issue()
    county.ledger.execute(Move(code=code, place="冷冻库2号（红）"), by=WANG, at=at(hour=9))
    county.issue(code, "5")
    history = county.ledger.history(code)
    assert [e.version for e in history] == list(range(1, len(history) + 1))
    assert history[0].what == "Received" and history[0].by == WANG and history[0].at == at(hour=7, minute=30)
    assert history[0].details["signers"] == [WANG.person_id, LI]
    assert history[-1].what == "IssuedToKitchen" and history[-1].details["taken_by"] == ZHANG
    assert [e.what_zh for e in history][-2:] == ["移库", "出库至厨房"]
    assert all(e.recorded_at.tzinfo is not None for e in history)


def test_state_as_of_a_past_moment(county: County) -> None:
    code = county.ready_to_issue()
    county.issue(code, "5", at=at(hour=10))
    county.issue(code, "5", at=at(hour=16), meal="dinner")
    assert county.ledger.batch_as_of(code, at(hour=7)) is None
    morning = county.ledger.batch_as_of(code, at(hour=9))
    assert morning is not None and morning.on_hand == Decimal("20")
    noon = county.ledger.batch_as_of(code, at(hour=12))
    assert noon is not None and noon.on_hand == Decimal("15")


def test_an_issue_partly_returned_cannot_be_voided_before_its_return(county: County) -> None:
    code = county.ready_to_issue()
    issued = county.issue(code, "10")
    county.return_to_store(code, "4", "未用完", at=at(hour=13))
    with pytest.raises(RuleViolation, match="correct the return first"):
        county.correct(code, issued["version"], "误录", at=at(hour=14))
    assert county.ledger.batch(code).on_hand == Decimal("14")
