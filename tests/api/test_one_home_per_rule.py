"""One home per rule: the batch card offers or refuses an action with exactly the reasons the domain gives."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.handoff import Inspect, PutOnHold, WriteOff
from tests.api.conftest import Api
from tests.county import DAY, LI, WANG, ZHANG, at

USE_BY = DAY + timedelta(days=1)
LOTS = count(10)
STATES = st.fixed_dictionaries(
    {
        "on_hold": st.booleans(),
        "expired": st.booleans(),
        "failed_inspection": st.booleans(),
        "missing": st.sampled_from([(), ("invoice",), ("invoice", "meat_quality_certificate")]),
        "written_off": st.sampled_from([None, "5", "20"]),
    }
)


def a_batch_in(api: Api, state: dict[str, object]) -> str:
    """Pork (use-by DAY + 1) put in ``state`` by the ledger's own commands."""
    ledger, county = api.ledger, api.county
    code = county.receive(use_by_date=USE_BY, supplier_lot=f"HX260301-{next(LOTS)}")
    county.certify(code, skip=state["missing"])  # type: ignore[arg-type]
    if state["written_off"]:
        ledger.execute(
            WriteOff(code=code, reason="解冻后变质", witness=LI, quantity=state["written_off"]), by=WANG, at=at(hour=8)
        )
    if state["failed_inspection"]:
        ledger.execute(
            Inspect(code=code, stage="issue", passed=False, notes="表面发黏"), by=WANG, at=at(hour=8, minute=10)
        )
    if state["on_hold"]:
        ledger.execute(PutOnHold(code=code, reason="供应商召回通知"), by=WANG, at=at(hour=8, minute=20))
    return code


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=STATES)
def test_card_refusals_equal_domain_check(api: Api, state: dict[str, object]) -> None:
    code = a_batch_in(api, state)
    today = USE_BY + timedelta(days=1) if state["expired"] else DAY
    api.ledger.clock = lambda: at(today, 9)
    expected = {
        reason
        for reason, holds in (
            ("on_hold", state["on_hold"]),
            ("expired", state["expired"]),
            ("failed_inspection", state["failed_inspection"]),
            ("missing_certificates", state["missing"]),
            ("no_stock", state["written_off"] == "20"),
        )
        if holds
    }

    card = api.get("storekeeper", f"/api/v1/batches/{code}").json()
    issue = {"quantity": "1", "unit": "kg", "meal_date": str(today), "meal": "lunch", "taken_by": ZHANG}
    answer = api.post("storekeeper", f"/api/v1/batches/{code}/issues", issue)

    if not expected:
        assert "issue" in card["actions"] and "issue" not in card["refusals"]
        assert answer.status_code == 201, answer.text
        return
    assert "issue" not in card["actions"]
    assert answer.status_code == 422
    problem = answer.json()
    assert set(problem["details"]["reasons"]) == expected
    assert problem["zh"] == card["refusals"]["issue"] + "，不能出库"
    assert problem["en"] == card["refusals_en"]["issue"] + "; the batch cannot be issued"


def test_kitchen_leads_card_refuses_a_confirmation_the_domain_would_refuse(api: Api) -> None:
    # The storekeeper sets 6 kg aside for 张师傅; before he signs, a recall notice puts the batch on hold.
    code = api.county.receive()
    api.county.certify(code)
    issue = {"quantity": "6", "unit": "kg", "meal_date": str(DAY), "meal": "lunch", "taken_by": ZHANG}
    offer = api.post("storekeeper", f"/api/v1/batches/{code}/issues", issue).json()["offer"]
    assert "confirm_issue" in api.get("kitchen", f"/api/v1/batches/{code}").json()["actions"]
    api.ledger.execute(PutOnHold(code=code, reason="供应商召回通知"), by=WANG, at=at(hour=9, minute=30))

    card = api.get("kitchen", f"/api/v1/batches/{code}").json()
    answer = api.post("kitchen", f"/api/v1/batches/{code}/issues/{offer}/confirm")

    assert "confirm_issue" not in card["actions"]
    assert answer.status_code == 422 and answer.json()["details"]["reasons"] == ["on_hold"]
    assert answer.json()["zh"] == card["refusals"]["confirm_issue"] + "，不能出库"
