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

from domain.command import HANDLERS
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


COMMAND = {kind.command_name(): kind for kind in HANDLERS}
# Commands that did not exist when the v1 records were stored.
AFTER_V1 = {"co_sign", "publish_menu", "amend_menu", "copy_menu", "open_recall", "close_recall", "record_dish_served"}


def send(ledger: Ledger, name: str, fields: dict[str, Any], key: str) -> dict[str, Any]:
    return ledger.execute(COMMAND[name](**fields), by=WANG, idempotency_key=key)


def test_every_command_has_a_v1_record() -> None:
    assert {name for _, name, _ in COMMANDS} == set(COMMAND) - AFTER_V1


@pytest.mark.parametrize(("key", "name", "fields"), COMMANDS, ids=[f"{k}-{n}" for k, n, _ in COMMANDS])
def test_a_retry_finds_the_v1_record_and_gets_the_first_result(
    ledger: Ledger, key: str, name: str, fields: dict[str, Any]
) -> None:
    load(ledger, GOLDEN / "idempotency" / "v1.json")
    head = ledger.recorder.max_notification_id()
    record = ledger.repository.get(idempotency_id(WANG.person_id, key))
    assert isinstance(record, IdempotencyRecord)
    again = send(ledger, name, fields, key)
    assert COMMAND[name](**fields).fingerprint() == record.fingerprint
    assert again == {**record.result, "position": head}
    assert again["command"] == name
    assert ledger.recorder.max_notification_id() == head
