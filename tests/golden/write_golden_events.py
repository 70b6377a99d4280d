"""Write a golden file of stored events as today's code stores them.

Run once when event classes gain a new version (python -m tests.golden.write_golden_events NAME); never
rewrite an existing file: tests/ledger/test_golden_events.py keeps loading every file ever written here,
which is how a record written today is known to still read in three years.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from domain.handoff import Inspect, Move, PutOnHold, Release, WriteOff
from domain.ledger import Ledger
from domain.registry import RecordHealthCheck, RenewSupplierLicence
from domain.sampling import DisposeSample
from domain.values import Principal
from tests.county import DAY, LI, WANG, ZHANG, County, at, retain_sample

HERE = Path(__file__).parent


def stored_events(ledger: Ledger) -> list[dict[str, Any]]:
    """Every stored event as the store holds it, in log order."""
    return [
        {
            "originator_id": str(e.originator_id),
            "originator_version": e.originator_version,
            "topic": e.topic,
            "state": e.state.decode("utf-8"),
        }
        for e in ledger.recorder.select_notifications(start=1, limit=10_000)
    ]


def main(name: str) -> None:
    target = HERE / f"{name}.json"
    if target.exists():
        raise SystemExit(f"{target} exists; golden files are never rewritten")
    ledger = Ledger(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": ":memory:"})
    county = County.set_up(ledger)
    code = county.receive(arrival_temperature="3.5")
    county.certify(code)
    county.ledger.execute(
        Inspect(code=code, stage="intake", passed=True, notes="温度3.5℃，色泽正常"), by=WANG, at=at(hour=7, minute=45)
    )
    county.ledger.execute(Move(code=code, place="冷冻库2号（红）"), by=WANG, at=at(hour=8))
    county.ledger.execute(PutOnHold(code=code, reason="待复检"), by=WANG, at=at(hour=8, minute=10))
    county.ledger.execute(Release(code=code, reason="复检合格"), by=WANG, at=at(hour=9))
    issued = county.issue(code, "12.5")
    county.correct(code, issued["version"], "数量录错", at=at(hour=10, minute=5))
    county.issue(code, "10", at=at(hour=10, minute=10))
    county.return_to_store(code, "2.5", "午餐剩余", at=at(hour=13))
    county.ledger.execute(
        WriteOff(code=code, reason="冷库断电，变质", witness=LI, quantity="1.5"), by=WANG, at=at(hour=15)
    )
    sample = retain_sample(ledger, "红烧肉", [code], sealed_at=at(hour=12, minute=10), at=at(hour=12, minute=15))
    ledger.execute(DisposeSample(sample_id=sample["sample_id"], reason=""), by=WANG, at=at(DAY + timedelta(days=2), 13))
    ledger.execute(
        RecordHealthCheck(person_id=ZHANG, day=DAY, passed=True, notes="体温36.5℃"),
        by=Principal(LI, "storekeeper"),
        at=at(hour=6),
    )
    ledger.execute(
        RenewSupplierLicence(
            code="SUP-OLD", number="JY1430105-2", valid_from=DAY, valid_until=DAY + timedelta(days=1825)
        ),
        by=WANG,
        at=at(hour=6),
    )
    ledger.execute(PutOnHold(code=code, reason="调查中"), by=WANG, at=at(hour=16), idempotency_key="golden-1")
    records = stored_events(ledger)
    target.write_text(json.dumps({"batch_code": code, "events": records}, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {len(records)} events to {target}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "events-v1")
