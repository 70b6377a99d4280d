"""Idempotency records stored before commands were data still answer a retry with the first result.

tests/golden/idempotency/v1.json holds one record per command as the v1 code stored it; a retry of the same
command with the same key must find it (same fingerprint), return its first result and record nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from domain.idempotency import IdempotencyRecord, idempotency_id
from domain.ledger import Ledger
from tests.county import WANG
from tests.golden.idempotency.commands_v1 import COMMANDS

GOLDEN = Path(__file__).parent.parent / "golden"


def load(ledger: Ledger, path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    ledger.recorder.insert_events(
        [
            StoredEvent(UUID(e["originator_id"]), e["originator_version"], e["topic"], e["state"].encode("utf-8"))
            for e in data["events"]
        ]
    )


def send(ledger: Ledger, name: str, fields: dict[str, Any], key: str) -> dict[str, Any]:
    result: dict[str, Any] = getattr(ledger, name)(**fields, by=WANG, idempotency_key=key)
    return result


@pytest.mark.parametrize(("key", "name", "fields"), COMMANDS, ids=[f"{k}-{n}" for k, n, _ in COMMANDS])
def test_a_retry_finds_the_v1_record_and_gets_the_first_result(
    ledger: Ledger, key: str, name: str, fields: dict[str, Any]
) -> None:
    load(ledger, GOLDEN / "idempotency" / "v1.json")
    head = ledger.recorder.max_notification_id()
    record = ledger.repository.get(idempotency_id(WANG.person_id, key))
    assert isinstance(record, IdempotencyRecord)
    again = send(ledger, name, fields, key)
    assert again == {**record.result, "position": head}
    assert again["command"] == name
    assert ledger.recorder.max_notification_id() == head


def test_the_golden_events_retry_of_a_hold_is_answered_from_its_record(ledger: Ledger) -> None:
    load(ledger, GOLDEN / "events-v1.json")
    code = json.loads((GOLDEN / "events-v1.json").read_text(encoding="utf-8"))["batch_code"]
    head = ledger.recorder.max_notification_id()
    again = send(ledger, "put_on_hold", {"code": code, "reason": "调查中"}, "golden-1")
    assert again["code"] == code and again["on_hand"] == "11.0"
    assert ledger.recorder.max_notification_id() == head
