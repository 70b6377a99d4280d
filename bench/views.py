"""How fast each view is built from the first event, and what that makes of a full county's rebuild.

    .venv/bin/python bench/views.py [--database-url postgresql://postgres@127.0.0.1/foodtrace_bench]
                                    [--limit 200000] [--county-events 19600000]

Each view is emptied and caught up again (``--limit``: about that many notifications, whole chunks) in the
database of a county made by bench/dataset.py. Printed per view: notifications read per second of wall time,
and per second of this process's own CPU time, with the time it stood waiting for a CPU (Linux's schedstat):
on a machine shared by many, the wall rate measures the queue for the cores as much as the views, and the CPU
rate is the ceiling this code reaches with a core to itself (PostgreSQL's own work comes on top). The
estimate divides ``--county-events`` by each rate.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from api.settings import eventsourcing_env
from projections.projection import LEDGER
from projections.service import Projections

SCHEDSTAT = Path("/proc/self/schedstat")  # CPU time and time waiting for a CPU, in nanoseconds


def waited_for_cpu() -> float:
    """Seconds this process has stood runnable without a CPU (0 where the kernel does not say)."""
    return int(SCHEDSTAT.read_text().split()[1]) / 1e9 if SCHEDSTAT.exists() else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/foodtrace_bench")
    parser.add_argument("--limit", type=int, default=None, help="stop each view after about this many")
    parser.add_argument("--county-events", type=int, default=19_600_000)
    args = parser.parse_args(argv)
    views = Projections(eventsourcing_env(args.database_url))
    try:
        print(f"log head {views.head():,}; machine load {Path('/proc/loadavg').read_text().split()[0]}")
        for name, projection in views.projections.items():
            projection.view.reset(LEDGER)
            wall, cpu, waited = time.perf_counter(), time.process_time(), waited_for_cpu()
            read = views.catch_up([name], limit=args.limit)[name]
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            waited = waited_for_cpu() - waited
            rates = f"{read / wall:,.0f}/s wall, {read / cpu:,.0f}/s of own CPU"
            print(f"{name:<10} {read:,} in {wall:,.1f} s ({waited:,.1f} s waiting for a CPU): {rates}")
            at_wall, at_cpu = (args.county_events * seconds / read / 60 for seconds in (wall, cpu))
            print(
                f"{'':<10} {args.county_events:,} events: {at_wall:,.0f} min at the wall rate, {at_cpu:,.0f} at the CPU"
            )
    finally:
        views.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
