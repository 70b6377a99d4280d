"""The feed upward, end to end: a receiver on 127.0.0.1 validates every document against GS1's schema and keeps it;
stopped mid-feed and restarted, it ends with every event of the log exactly once."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from api.epcis_push import epcis_feed
from api.epcis_schema import schema_error
from api.outbox import Retry
from domain.ledger import Ledger
from projections.epcis import SKIPPED
from tests.api.receiver import Received, Receiver, until
from tests.county import County
from tests.epcis.test_export_batch_life import lived

FAST = Retry(first=0.05, factor=2, most=0.2, attempts=50, timeout=2)
BASE = "https://trace.county.example"


def valid_epcis(received: Received) -> bool:
    return schema_error(json.loads(received.body)) is None


def sent_events(receiver: Receiver) -> list[dict[str, Any]]:
    return [e for r in receiver.accepted for e in json.loads(r.body)["epcisBody"]["eventList"]]


def batch_events(ledger: Ledger) -> int:
    """How many events of the log are a batch's and say something EPCIS carries."""
    head = ledger.recorder.max_notification_id() or 0
    found = [ledger.mapper.to_domain_event(n) for n in ledger.recorder.select_notifications(start=1, limit=head)]
    return sum(
        1 for e in found if type(e).__qualname__.startswith("IngredientBatch.") and type(e).__name__ not in SKIPPED
    )


def test_stopped_mid_feed_and_restarted_it_sends_every_event_exactly_once(county: County) -> None:
    ledger = county.ledger
    lived(county)  # a batch's whole life, a correction included
    county.receive(supplier_lot="HX260301-3")
    expected = batch_events(ledger)
    with Receiver(check=valid_epcis) as receiver:
        first = epcis_feed(ledger, receiver.url, BASE, retry=FAST)
        try:
            first.follow()
            until(lambda: len(receiver.accepted) >= 3, step=lambda: first.send_due(limit=1))
        finally:
            first.close()  # the process stops mid-feed
        receiver.stop()  # and the receiver goes away for a while
        again = epcis_feed(ledger, receiver.url, BASE, retry=FAST)
        try:
            again.run_once()  # refused: nobody answers
            assert any(d["last_error"] for d in again.deliveries("capture", limit=1000))
            receiver.start()
            until(lambda: len(receiver.accepted) == expected, step=again.run_once)
            again.run_once()
        finally:
            again.close()
    assert receiver.refused == []  # every document the receiver got was valid EPCIS 2.0
    keys = [r.headers["idempotency-key"] for r in receiver.accepted]
    assert len(keys) == expected == len(set(keys))
    events = sent_events(receiver)
    declared = [e for e in events if "errorDeclaration" in e]
    assert len(declared) == 1  # the correction sent the return again, declared in error
    counted = Counter(e["eventID"] for e in events if "errorDeclaration" not in e)
    assert set(counted.values()) == {1} and declared[0]["eventID"] in counted
    assert receiver.accepted[0].headers["content-type"] == "application/ld+json"
