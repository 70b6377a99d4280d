"""签字背书 at intake: each co-signer signs with their own credential, at once (their PIN, checked by the API) or
later (CoSign with their own session); until every co-signer has signed, the batch is received but not issued."""

from __future__ import annotations

import pytest

from domain.errors import NotFound, RuleViolation, ValidationError
from domain.handoff import Release
from domain.intake import CoSign
from domain.ledger import Ledger
from domain.registry import SuspendStaff
from domain.values import Principal
from tests.county import ADMIN, DAY, LI, WANG, XH_STOREKEEPER, ZHANG, County, at
from tests.ledger.test_golden_events import load

LI_SIGNING = Principal(LI, "storekeeper")


def refusal_codes(county: County, code: str) -> list[str]:
    batch = county.ledger.batch(code)
    required = county.ledger.profile.certificates_required(batch.category, batch.pork)
    return [r.code for r in batch.issue_refusals(required, DAY)]


def test_an_intake_whose_co_signer_has_not_signed_is_received_but_not_issued(county: County) -> None:
    code = county.ready_to_issue(co_signed=[])
    assert county.ledger.batch(code).awaiting_co_signers == [LI]
    assert refusal_codes(county, code) == ["awaiting_co_signer"]
    with pytest.raises(RuleViolation, match=f"awaits the signature of {LI}") as refused:
        county.issue(code)
    assert refused.value.details["reasons"] == ["awaiting_co_signer"]
    with pytest.raises(RuleViolation, match="awaits"):
        county.offer(code, "5")


def test_the_co_signer_signs_later_with_their_own_credential_and_the_batch_may_go(county: County) -> None:
    code = county.ready_to_issue(co_signed=[])
    signed = county.ledger.execute(CoSign(code=code), by=LI_SIGNING, at=at(hour=8))
    assert signed["status"] == "received"
    assert county.ledger.batch(code).awaiting_co_signers == []
    assert [e.what for e in county.ledger.history(code)][:2] == ["Received", "CoSignersAwaited"]
    assert county.ledger.history(code)[-1].what == "CoSigned"
    assert county.issue(code)["on_hand"] == "15"


def test_a_co_signer_who_signed_with_their_pin_leaves_nothing_awaited(county: County) -> None:
    code = county.ready_to_issue()  # 李's PIN on 王's phone: co_signed=[李]
    assert county.ledger.batch(code).awaiting_co_signers == []
    assert "CoSignersAwaited" not in [e.what for e in county.ledger.history(code)]
    assert county.issue(code)


def test_only_the_awaited_co_signer_may_sign(county: County) -> None:
    code = county.receive(co_signed=[])
    with pytest.raises(RuleViolation, match=f"does not await {ZHANG}"):
        county.ledger.execute(CoSign(code=code), by=Principal(ZHANG, "kitchen"), at=at(hour=8))
    with pytest.raises(RuleViolation, match=f"does not await {WANG.person_id}"):
        county.ledger.execute(CoSign(code=code), by=WANG, at=at(hour=8))
    with pytest.raises(NotFound):  # another school's staff: as if unknown
        county.ledger.execute(CoSign(code=code), by=Principal(XH_STOREKEEPER, "storekeeper"), at=at(hour=8))
    county.ledger.execute(CoSign(code=code), by=LI_SIGNING, at=at(hour=8))
    with pytest.raises(RuleViolation, match="does not await"):  # once
        county.ledger.execute(CoSign(code=code), by=LI_SIGNING, at=at(hour=8, minute=5))


def test_a_co_signer_unfit_by_the_time_they_sign_is_refused(county: County) -> None:
    code = county.receive(co_signed=[])
    county.ledger.execute(SuspendStaff(person_id=LI, reason="发热，调岗"), by=ADMIN, at=at(hour=7, minute=50))
    with pytest.raises(RuleViolation, match="suspended"):
        county.ledger.execute(CoSign(code=code), by=LI_SIGNING, at=at(hour=8))
    assert county.ledger.batch(code).awaiting_co_signers == [LI]


def test_only_a_named_co_signer_can_be_signed_for(county: County) -> None:
    with pytest.raises(ValidationError, match="co-signer named for this intake") as refused:
        county.receive(co_signed=[ZHANG])
    assert refused.value.details["field"] == "co_signed"


def test_a_batch_received_before_co_signing_existed_stays_issuable(ledger: Ledger) -> None:
    """Received v1 named its co-signers by id only: they count as signed, nothing is awaited."""
    code = load(ledger, "events-v1.json")
    batch = ledger.batch(code)
    assert batch.signers == [WANG.person_id, LI] and batch.awaiting_co_signers == []
    ledger.execute(Release(code=code, reason="调查结束"), by=WANG, at=at(hour=16, minute=10))
    county = County(ledger)
    assert refusal_codes(county, code) == []
    assert county.issue(code, "2", at=at(hour=16, minute=30))["on_hand"] == "9.0"  # 11 − 2
