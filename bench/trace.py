"""How fast the views are built and answer investigators, on a county made by bench/dataset.py.

    .venv/bin/python bench/trace.py [--database-url postgresql://postgres@127.0.0.1/foodtrace_bench]
                                    [--queries 200] [--skip-rebuild] [--json]

Prints: each view's catch-up rate (events read from the log per second, chunked writes), p50/p99 of forward
traces (a random lot), backward traces (a random school's lunch: as the trace page asks, other schools' lots
counted, then a page of their batches; and with every other school's batches in the answer),
history replay (``Ledger.history``) and a batch as of a moment (``Ledger.batch_as_of``), and the time of a
full rebuild of each view. Queries are timed after a warm-up, one at a time, as an investigator runs them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from api import collector
from api.settings import eventsourcing_env
from projections.service import Projections
from projections.tracing import trace_backward, trace_backward_others, trace_forward


def timed(calls: list[Callable[[], Any]], warm_up: int = 5) -> dict[str, float]:
    for call in calls[:warm_up]:
        call()
    seconds = []
    for call in calls:
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    seconds.sort()
    return {
        "n": len(seconds),
        "p50_ms": round(statistics.median(seconds) * 1000, 2),
        "p99_ms": round(seconds[min(len(seconds) - 1, int(len(seconds) * 0.99))] * 1000, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/foodtrace_bench")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-rebuild", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    views = Projections(eventsourcing_env(args.database_url))
    collector.tune()  # as the server runs (api/collector.py)
    figures = Figures(as_json=args.json)
    figures["events"] = views.ledger.recorder.max_notification_id() or 0
    try:
        for name in views.projections:
            started = time.perf_counter()
            read = views.catch_up([name])[name]
            seconds = time.perf_counter() - started
            figures[f"catch_up_{name}"] = {"events": read, "seconds": round(seconds, 1),
                                           "events_per_s": round(read / seconds) if read else None}  # fmt: skip
        trace = views.view("trace")
        n = args.queries
        lots = trace.select(f"SELECT lot FROM view_trace_batches ORDER BY random() LIMIT {n}")
        figures["forward_trace"] = timed([lambda lot=r["lot"]: trace_forward(views, lot=lot) for r in lots])
        figures["forward_trace_batches_per_lot"] = round(
            statistics.mean(len(trace_forward(views, lot=r["lot"])["batches"]) for r in lots[:20]), 1
        )
        meals = trace.select(f"SELECT school, meal_date FROM view_trace_issues ORDER BY random() LIMIT {n}")
        lunches = [(m["school"], _day(m["meal_date"]), "lunch") for m in meals]
        # As the trace page asks: other schools' lots counted, their batches a page at a time when opened.
        figures["backward_trace"] = timed(
            [lambda m=m: trace_backward(views, m[0], m[1], m[2], with_other_batches=False) for m in lunches]
        )
        figures["backward_other_batches_page"] = timed(
            [lambda m=m: trace_backward_others(views, m[0], m[1], m[2]) for m in lunches]
        )
        # As /trace/backward answered before others=lots: every other school's batches in the answer.
        figures["backward_trace_all_other_batches"] = timed(
            [lambda m=m: trace_backward(views, m[0], m[1], m[2]) for m in lunches]
        )
        others = [
            trace_backward(views, m[0], m[1], m[2], with_other_batches=False)["other_schools"] for m in lunches[:20]
        ]
        figures["backward_trace_other_batches"] = round(
            statistics.mean(sum(s["batch_count"] for s in found) for found in others), 1
        )
        codes = trace.select(f"SELECT code, received_at FROM view_trace_batches ORDER BY random() LIMIT {n}")
        ledger = views.ledger
        figures["history_replay"] = timed([lambda c=c["code"]: ledger.history(c) for c in codes])
        figures["batch_as_of"] = timed(
            [lambda c=c: ledger.batch_as_of(c["code"], _moment(c["received_at"]) + timedelta(hours=3)) for c in codes]
        )
        if not args.skip_rebuild:
            for name in views.projections:
                figures[f"rebuild_{name}"] = views.rebuild(name)
    finally:
        views.close()
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    return 0


class Figures(dict[str, Any]):
    """Printed as they are measured, so a long run at full scale shows what it has so far."""

    def __init__(self, as_json: bool) -> None:
        super().__init__()
        self.as_json = as_json

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        if not self.as_json:
            print(f"{key:<34} {value}", flush=True)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _moment(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


if __name__ == "__main__":
    raise SystemExit(main())
