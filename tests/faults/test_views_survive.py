"""The read side accepts whatever was stored: one event never stalls a view for good, nor the other views."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest

from domain.batch import IngredientBatch
from domain.handoff import PutOnHold
from domain.values import Stage
from projections.projection import event_class
from projections.service import Projections
from projections.trace_index import TraceIndex
from tests.county import WANG, ZHANG, County, at
from tests.faults.handlers import replace_handler
from tests.hostile import stored_batch


def stored_as_before_the_fix(county: County) -> tuple[str, int]:
    """A batch whose hold, inspection and return carry NUL and controls, saved as an old event was: unchecked."""
    code = county.ready_to_issue()
    county.issue(code, "5")
    batch = county.ledger.batch(code)
    batch.put_on_hold("召回\x00剩余", WANG, at(hour=11))
    batch.inspect(Stage.ISSUE, False, "异\x00味\x1b", WANG.person_id, by=WANG, at=at(hour=11, minute=5))
    batch.return_to_store(Decimal(1), "kg", ZHANG, WANG.person_id, "剩\x00余\x01", by=WANG, at=at(hour=11, minute=10))
    county.ledger.save(batch)
    return code, county.ledger.recorder.max_notification_id() or 0


def test_view_survives_nul_event_stored_before_the_fix_on_postgres(county: County, views: Projections) -> None:
    code, head = stored_as_before_the_fix(county)
    stored_batch(county.ledger, "猪\x00肉")  # product, supplier lot, sensory notes, place, certificate, sample, …
    county.receive(supplier_lot="HX260302-1")  # and the county goes on

    views.catch_up()

    status = {row["name"]: row for row in views.status()}
    assert {name: (row["lag"], row["failure"]) for name, row in status.items()} == {
        "warehouse": (0, None),
        "trace": (0, None),
    }
    trace = views.view("trace")
    held = trace.select("SELECT hold_reason FROM view_trace_batches WHERE code = ?", (code,))
    assert held == [{"hold_reason": "召回\ufffd剩余"}]
    notes = trace.select("SELECT notes FROM view_trace_inspections WHERE notes LIKE ?", ("异%",))
    assert notes == [{"notes": "异\ufffd味\x1b"}]
    moves = views.view("warehouse").select("SELECT note FROM view_warehouse_movements WHERE kind = 'return'")
    assert moves == [{"note": "剩\ufffd余\x01"}]
    products = views.view("warehouse").select(
        "SELECT product FROM view_warehouse_batches WHERE product LIKE ?", ("猪%肉",)
    )
    assert products == [{"product": "猪\ufffd肉"}]
    history = {entry.what: entry.details for entry in county.ledger.history(code)}
    assert history["PutOnHold"]["reason"] == "召回\x00剩余"  # the history shows it as stored
    assert head < (county.ledger.recorder.max_notification_id() or 0)


def test_failing_handler_is_reported_in_status_and_does_not_stall_others(
    county: County, views: Projections, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    first = county.receive()
    county.ledger.execute(PutOnHold(code=first, reason="供应商召回"), by=WANG, at=at(hour=9))
    poison = county.ledger.recorder.max_notification_id() or 0
    later = county.receive(supplier_lot="HX260302-1", at=at(hour=9, minute=30))
    original = TraceIndex._put_on_hold

    def bug(self: TraceIndex, event: Any, chunk: Any, notification_id: int) -> None:
        if event.reason == "供应商召回":
            raise RuntimeError("a handler bug meets this event")
        original(self, event, chunk, notification_id)

    replace_handler(monkeypatch, TraceIndex, event_class(IngredientBatch, "PutOnHold"), bug)

    with caplog.at_level(logging.ERROR):
        views.catch_up()

    status = {row["name"]: row for row in views.status()}
    assert status["warehouse"]["lag"] == 0  # the other view is not stalled
    trace = status["trace"]
    assert trace["position"] == poison - 1  # stopped at the event, never past it
    assert trace["failure"]["notification_id"] == poison
    assert "RuntimeError: a handler bug meets this event" in trace["failure"]["error"]
    assert trace["failure"]["failed_at"]
    assert [r for r in caplog.records if r.message.startswith("ALERT view stalled: view_trace")]
    assert views.view("trace").select("SELECT code FROM view_trace_batches") == [{"code": first}]

    monkeypatch.undo()  # the fix is deployed
    views.catch_up()

    status = {row["name"]: row for row in views.status()}
    assert (status["trace"]["lag"], status["trace"]["failure"]) == (0, None)
    codes = {row["code"] for row in views.view("trace").select("SELECT code FROM view_trace_batches")}
    assert codes == {first, later}
