"""A batch card costs the same for a batch of 100 events as for one of a few: it does not replay the batch's history.

The Ledger keeps the records it read in the library's aggregate cache and brings a cached one up to date with one
query for its newer events (domain/ledger.py), so a card reads the store the same number of times, and no more
events, however long the batch's history is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from domain.handoff import Move
from tests.api.conftest import Api
from tests.county import WANG


@dataclass
class Reads:
    """What the card's request read from the event store: how many queries, how many events."""

    queries: int = 0
    events: int = 0


def counted(select_events: Callable[..., list[Any]], reads: Reads) -> Callable[..., list[Any]]:
    def select(*args: Any, **kwargs: Any) -> list[Any]:
        found = select_events(*args, **kwargs)
        reads.queries += 1
        reads.events += len(found)
        return found

    return select


def test_a_long_batch_card_reads_what_a_short_one_reads(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    short = api.county.ready_to_issue()
    long = api.county.ready_to_issue(supplier_lot="HX260301-5")
    for n in range(100):
        api.ledger.execute(Move(code=long, place=f"冷库{n % 3 + 1}"), by=WANG)
    assert api.ledger.batch(long).version > 100 > api.ledger.batch(short).version + 90
    for code in (short, long):  # each once before, as a server has read them since they were received
        assert api.get("storekeeper", f"/api/v1/batches/{code}").status_code == 200

    reads = Reads()
    recorder = api.ledger.recorder
    monkeypatch.setattr(recorder, "select_events", counted(recorder.select_events, reads))
    on_postgres = "Postgres" in type(recorder).__name__
    if on_postgres:  # the caller's token, the batch and its supplier: one query there
        monkeypatch.setattr(recorder, "select_newer_events", counted(recorder.select_newer_events, reads))
    cost = {}
    for code in (short, long, long):
        reads.queries = reads.events = 0
        card = api.get("storekeeper", f"/api/v1/batches/{code}")
        assert card.status_code == 200 and card.json()["code"] == code
        cost[code] = (reads.queries, reads.events)

    assert cost[long] == cost[short], cost
    assert cost[long][1] == 0, cost  # nothing new since the last read: not one of its 100 events read again
    if on_postgres:
        assert cost[long][0] == 1, cost  # the token with the batch and its supplier

    # After one more event the card shows it, reading at most that event (none when this process wrote it).
    api.ledger.execute(Move(code=long, place="冷库4"), by=WANG)
    reads.queries = reads.events = 0
    card = api.get("storekeeper", f"/api/v1/batches/{long}")
    assert reads.queries == cost[long][0] and reads.events <= 1, (reads, cost)
    assert (card.json()["version"], card.json()["place"]) == (api.ledger.batch(long).version, "冷库4")
