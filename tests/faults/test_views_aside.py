"""A view is rebuilt beside the live one and swapped in whole; verify compares the two."""

from __future__ import annotations

from typing import Any

import pytest

from domain.batch import IngredientBatch
from domain.handoff import PutOnHold
from projections.failures import ViewFailed
from projections.projection import event_class
from projections.service import Projections
from projections.trace_index import TraceIndex
from tests.county import WANG, County, at
from tests.faults.handlers import replace_handler
from tests.projections.test_cli_investigate import foodtrace


def broken_hold_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    def bug(self: TraceIndex, event: Any, chunk: Any, notification_id: int) -> None:
        raise RuntimeError("a handler bug meets this event")

    replace_handler(monkeypatch, TraceIndex, event_class(IngredientBatch, "PutOnHold"), bug)


def rows(views: Projections) -> list[dict[str, Any]]:
    return views.view("trace").select("SELECT code, on_hold, hold_reason FROM view_trace_batches ORDER BY code")


def test_failed_rebuild_leaves_old_view_serving(
    county: County, views: Projections, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = county.receive()
    county.ledger.execute(PutOnHold(code=code, reason="供应商召回"), by=WANG, at=at(hour=9))
    views.catch_up()
    serving = rows(views)
    position = views.view("trace").max_tracking_id("Ledger")
    broken_hold_handler(monkeypatch)

    with pytest.raises(ViewFailed):
        views.rebuild("trace")

    assert rows(views) == serving == [{"code": code, "on_hold": True, "hold_reason": "供应商召回"}]
    assert views.view("trace").max_tracking_id("Ledger") == position
    monkeypatch.undo()
    county.receive(supplier_lot="HX260302-1", at=at(hour=9, minute=30))
    assert views.rebuild("trace")["notifications"] == county.ledger.recorder.max_notification_id()
    assert len(rows(views)) == 2
    assert [row["lag"] for row in views.status() if row["name"] == "trace"] == [0]


def test_projections_verify_detects_an_edited_view_row(
    county: County, views: Projections, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = county.receive()
    views.catch_up()
    assert views.verify("trace")["equal"] is True
    assert foodtrace(database_url, "projections verify warehouse") == 0

    views.view("trace").write("UPDATE view_trace_batches SET product = ? WHERE code = ?", ("牛肉", code))
    found = views.verify("trace")

    assert found["equal"] is False
    batches = found["tables"]["view_trace_batches"]
    assert [row["product"] for row in batches["only_in_live"]] == ["牛肉"]
    assert [row["product"] for row in batches["only_in_rebuilt"]] == ["猪肉（前腿）"]
    capsys.readouterr()
    assert foodtrace(database_url, "projections verify trace") == 1
    assert "牛肉" in capsys.readouterr().out
