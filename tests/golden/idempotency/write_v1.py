"""Store, with the code of the day, an idempotency record for every command in commands_v1.py (run once, v1).

The command's own work is skipped: a record's fingerprint depends only on what was sent, and a retry is answered
from the record before any work runs. Never rewrite the file this writes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from domain.command import HANDLERS, Command
from domain.idempotency import IdempotencyRecord
from domain.ledger import Ledger
from tests.county import WANG
from tests.golden.idempotency.commands_v1 import COMMANDS
from tests.golden.write_golden_events import stored_events

TARGET = Path(__file__).parent / "v1.json"


class RecordingLedger(Ledger):
    """Today's Ledger, but each command stores only its idempotency record with a stand-in first result.

    (v1.json was written by v1's ``_execute(name, locals(), …)``; this is the same with commands as data.)
    """

    def execute(self, command: Command, *, by: Any, at: Any = None, idempotency_key: str | None = None) -> Any:
        assert idempotency_key is not None
        result = {"command": command.command_name(), "key": idempotency_key, "first": True}
        self.save(IdempotencyRecord(by.person_id, idempotency_key, command.fingerprint(), result))
        return result


def main() -> None:
    if TARGET.exists():
        raise SystemExit(f"{TARGET} exists; golden files are never rewritten")
    ledger = RecordingLedger(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": ":memory:"})
    kinds = {kind.command_name(): kind for kind in HANDLERS}
    for key, name, fields in COMMANDS:
        ledger.execute(kinds[name](**fields), by=WANG, idempotency_key=key)
    records = stored_events(ledger)
    TARGET.write_text(json.dumps({"events": records}, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {len(records)} records to {TARGET}")


if __name__ == "__main__":
    main()
