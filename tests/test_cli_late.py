"""The command line shows a late entry (补录) with both times: when it happened and when it was recorded."""

from __future__ import annotations

import json

from api.settings import eventsourcing_env
from domain.ledger import Ledger
from tests.clock import live_clock
from tests.county import County
from tests.test_cli_clock import foodtrace


def test_history_shows_a_receipt_written_up_late_with_both_times(database_url: str) -> None:
    ledger = Ledger(env=eventsourcing_env(database_url))
    try:
        county = County.set_up(ledger)
        code = county.receive(at=live_clock(9), occurred_at=live_clock(6, 45))  # written up from the paper slip
        county.certify(code)
    finally:
        ledger.close()

    table = foodtrace(database_url, ["history", code]).splitlines()
    events = json.loads(foodtrace(database_url, ["history", code, "--json"]))

    assert "2026-03-02 06:45+08:00  入库验收" in table[0] and "补录（录入于2026-03-02 09:00+08:00）" in table[0]
    assert "补录" not in table[1]  # the certificate was attached when it was recorded
    assert (events[0]["at"], events[0]["recorded_at"], events[0]["late"]) == (
        "2026-03-02T06:45:00+08:00",
        "2026-03-02T09:00:00+08:00",
        True,
    )
