"""Records written by earlier versions of FoodTrace must keep loading (three years, at least).

Each tests/golden/*.json holds stored events exactly as a past version wrote them. They are loaded
into an empty store on each backend and read back with today's code. A change to an event class that
would break them needs a class_version and an upcaster, never an edit of these files.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from domain.ledger import Ledger
from domain.staff import staff_id
from domain.values import Principal
from tests.county import WANG, ZHANG, at

GOLDEN = Path(__file__).parent.parent / "golden"


def load(ledger: Ledger, name: str) -> str:
    data = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
    ledger.recorder.insert_events(
        [
            StoredEvent(UUID(e["originator_id"]), e["originator_version"], e["topic"], e["state"].encode("utf-8"))
            for e in data["events"]
        ]
    )
    code: str = data["batch_code"]
    return code


@pytest.mark.parametrize("name", sorted(p.name for p in GOLDEN.glob("*.json")))
def test_every_stored_event_still_decodes_with_who_and_when(ledger: Ledger, name: str) -> None:
    load(ledger, name)
    for stored in ledger.recorder.select_notifications(start=1, limit=100_000):
        event = ledger.mapper.to_domain_event(stored)
        if type(event).__qualname__.startswith("IdempotencyRecord"):
            continue
        assert isinstance(event.by, Principal)  # type: ignore[attr-defined]
        assert isinstance(event.at, datetime) and event.at.tzinfo is not None  # type: ignore[attr-defined]


def test_v1_batch_replays_to_the_same_state(ledger: Ledger) -> None:
    code = load(ledger, "events-v1.json")
    batch = ledger.batch(code)
    assert batch.product == "猪肉（前腿）" and batch.pork
    assert batch.arrival_temperature == Decimal("3.5")
    assert batch.place == "冷冻库2号（红）"
    assert batch.on_hand == Decimal("11")  # 20 − 10 issued + 2.5 returned − 1.5 written off; 12.5 voided
    assert batch.on_hold and batch.hold_reason == "调查中"
    assert len(batch.live_certificates) == 4
    assert len(batch.voided) == 1
    whats = [e.what for e in ledger.history(code)]
    assert whats.count("CertificateAttached") == 4
    assert whats[-6:] == [
        "IssuedToKitchen",
        "Corrected",
        "IssuedToKitchen",
        "ReturnedToStore",
        "WrittenOff",
        "PutOnHold",
    ]


def test_v1_people_suppliers_and_samples_replay(ledger: Ledger) -> None:
    load(ledger, "events-v1.json")
    assert ledger.supplier("SUP-OLD").licence_number == "JY1430105-2"
    assert ledger.staff(ZHANG).health_checks
    assert ledger.staff("CG01-sun").suspended_reason
    assert ledger.repository.get(staff_id(ZHANG)).version >= 4


def test_v1_idempotency_record_still_answers_a_retry(ledger: Ledger) -> None:
    code = load(ledger, "events-v1.json")
    before = ledger.recorder.max_notification_id()
    result = ledger.put_on_hold(code, "调查中", by=WANG, at=at(hour=16), idempotency_key="golden-1")
    assert result["code"] == code
    assert ledger.recorder.max_notification_id() == before
