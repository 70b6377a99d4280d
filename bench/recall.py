"""How long a county-wide recall takes: from the recall command to every batch of a lot held, on a county made by
bench/dataset.py.

    .venv/bin/python bench/recall.py [--database-url postgresql://postgres@127.0.0.1/foodtrace_bench] [--json]

Finds the lot that reached the most schools (the log's receipts), opens a recall of it as the county's logistics
office (one command, one transaction: the recall and a PutOnHold on every batch), and prints the command's time,
how many batches and schools it held, and the log's size. Then it reads every batch back to check each is held.
Each run opens a new recall (its notice number carries the time), so it may be run again on the same county.
As the server does, the command finds the lot's batches in the trace view and reads only the receipts after the
view's position (``--no-index``: it reads every receipt in the log, as a Ledger without views does); the view is
brought up to date first, outside the time measured.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from datetime import UTC, datetime
from functools import partial
from typing import Any

from eventsourcing.utils import get_topic

from api.settings import eventsourcing_env
from domain.batch import IngredientBatch
from domain.ledger import Ledger
from domain.recalling import OpenRecall
from domain.values import Principal
from projections.recalls import lot_candidates
from projections.service import Projections

LOGISTICS = Principal("county-logistics", "logistics")


def widest_lot(ledger: Ledger) -> tuple[tuple[str, str, str], set[str]]:
    """The (supplier, product, lot) received by the most schools, and those schools."""
    schools: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    topic = get_topic(vars(IngredientBatch)["Received"])
    start = 1
    while True:
        page = ledger.recorder.select_notifications(start=start, limit=5000, topics=[topic])
        for notification in page:
            received: Any = ledger.mapper.to_domain_event(notification)
            schools[(received.supplier_id, received.product, received.lot)].add(received.school_id)
        if len(page) < 5000:
            break
        start = page[-1].id + 1
    lot = max(schools, key=lambda key: len(schools[key]))
    return lot, schools[lot]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/foodtrace_bench")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-index", action="store_true", help="read every receipt in the log, not the trace view")
    args = parser.parse_args(argv)
    ledger = Ledger(env=eventsourcing_env(args.database_url))
    views = None if args.no_index else Projections(ledger.env, profile=ledger.profile, ledger=ledger)
    try:
        if views is not None:
            views.catch_up()  # as a running server keeps them
            ledger.lot_finder = partial(lot_candidates, views)
        (supplier, product, lot), schools = widest_lot(ledger)
        now = datetime.now(UTC)
        recall = OpenRecall(
            notice_number=f"BENCH-{now:%Y%m%d%H%M%S%f}",
            reason="基准测试：召回",
            supplier=supplier,
            product=product,
            lot=lot,
        )
        events = ledger.recorder.max_notification_id() or 0
        started = time.perf_counter()
        result = ledger.execute(recall, by=LOGISTICS)
        seconds = time.perf_counter() - started
        held = _held(ledger, result["recall_id"])
        assert len(held) == result["held"] and all(batch.on_hold for batch in held)
        figures = {
            "events_in_log": events,
            "found_by": "receipts in the log" if views is None else "the trace view, and the log after it",
            "lot": f"{supplier} {product} {lot}",
            "schools": len(schools),
            "batches_held": result["held"],
            "recall_seconds": round(seconds, 3),
        }
    finally:
        if views is not None:
            views.close()
        ledger.close()
    print(json.dumps(figures, ensure_ascii=False) if args.json else "\n".join(f"{k}: {v}" for k, v in figures.items()))
    return 0


def _held(ledger: Ledger, recall_id: str) -> list[IngredientBatch]:
    """The batches whose PutOnHold names the recall, read back from the log after the command."""
    topic = get_topic(vars(IngredientBatch)["PutOnHold"])
    found = []
    for notification in ledger.recorder.select_notifications(start=1, limit=10**9, topics=[topic]):
        event: Any = ledger.mapper.to_domain_event(notification)
        if event.recall_id == recall_id:
            batch: Any = ledger.repository.get(notification.originator_id)
            found.append(batch)
    return found


if __name__ == "__main__":
    raise SystemExit(main())
