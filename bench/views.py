"""How fast each view is built from the first event, and what that makes of a full county's rebuild.

    .venv/bin/python bench/views.py [--database-url postgresql://postgres@127.0.0.1/foodtrace_bench]
                                    [--limit 200000] [--county-events 19600000] [--together] [--parallel]
                                    [--only-together | --only-parallel]

Each view is emptied and caught up again (``--limit``: about that many notifications, whole chunks) in the
database of a county made by bench/dataset.py. Printed per view: notifications read per second of wall time,
and per second of this process's own CPU time, with the time it stood waiting for a CPU (Linux's schedstat):
on a machine shared by many, the wall rate measures the queue for the cores as much as the views, and the CPU
rate is the ceiling this code reaches with a core to itself (PostgreSQL's own work comes on top). The
estimate divides ``--county-events`` by each rate. ``--together`` then empties both views and catches them up
in one call, as the server's projector does from empty views (each event decoded once for both), and prints
the log's rate for both views and the estimate of a full county's rebuild of both. ``--parallel`` catches
each view up in a process of its own, at once (as two ``foodtrace projections rebuild`` commands would run),
and prints the same for both.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from pathlib import Path

from api.settings import eventsourcing_env
from projections.projection import LEDGER
from projections.service import Projections

SCHEDSTAT = Path("/proc/self/schedstat")  # CPU time and time waiting for a CPU, in nanoseconds


def waited_for_cpu() -> float:
    """Seconds this process has stood runnable without a CPU (0 where the kernel does not say)."""
    return int(SCHEDSTAT.read_text().split()[1]) / 1e9 if SCHEDSTAT.exists() else 0.0


def timed(views: Projections, names: list[str], label: str, limit: int | None, county_events: int) -> None:
    """Empty these views, catch them up together, and print the rate of the log read (the first view's count)."""
    for name in names:
        views.projections[name].view.reset(LEDGER)
    wall, cpu, waited = time.perf_counter(), time.process_time(), waited_for_cpu()
    read = views.catch_up(names, limit=limit)[names[0]]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    waited = waited_for_cpu() - waited
    rates = f"{read / wall:,.0f}/s wall, {read / cpu:,.0f}/s of own CPU"
    print(f"{label:<10} {read:,} in {wall:,.1f} s ({waited:,.1f} s waiting for a CPU): {rates}")
    at_wall, at_cpu = (county_events * seconds / read / 60 for seconds in (wall, cpu))
    print(f"{'':<10} {county_events:,} events: {at_wall:,.1f} min at the wall rate, {at_cpu:,.1f} at the CPU")


def one_view(url: str, name: str) -> tuple[int, float]:
    """In a process of its own: empty one view and catch it up; how many it read and this process's CPU time."""
    # The parent made every table: two processes running the library's CREATE OR REPLACE FUNCTION at once can fail
    # with PostgreSQL's "tuple concurrently updated" (as `foodtrace serve --workers N` avoids with create_tables).
    views = Projections(eventsourcing_env(url) | {"CREATE_TABLE": "n"})
    try:
        views.projections[name].view.reset(LEDGER)
        cpu = time.process_time()
        return views.catch_up([name])[name], time.process_time() - cpu
    finally:
        views.close()


def in_parallel(url: str, names: list[str], county_events: int) -> None:
    wall = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(len(names)) as pool:
        done = pool.starmap(one_view, [(url, name) for name in names])
    wall = time.perf_counter() - wall
    read, cpu = done[0][0], sum(seconds for _, seconds in done)
    print(f"{'parallel':<10} {read:,} in {wall:,.1f} s: {read / wall:,.0f}/s wall, {read / cpu:,.0f}/s of their CPU")
    print(f"{'':<10} {county_events:,} events: {county_events * wall / read / 60:,.1f} min at the wall rate")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/foodtrace_bench")
    parser.add_argument("--limit", type=int, default=None, help="stop each view after about this many")
    parser.add_argument("--county-events", type=int, default=19_600_000)
    parser.add_argument("--together", action="store_true", help="also both views in one catch-up")
    parser.add_argument("--only-together", action="store_true", help="only both views in one catch-up")
    parser.add_argument("--parallel", action="store_true", help="also both views at once, a process each")
    parser.add_argument("--only-parallel", action="store_true", help="only both views at once, a process each")
    args = parser.parse_args(argv)
    views = Projections(eventsourcing_env(args.database_url))
    try:
        print(f"log head {views.head():,}; machine load {Path('/proc/loadavg').read_text().split()[0]}")
        if not (args.only_together or args.only_parallel):
            for name in views.projections:
                timed(views, [name], name, args.limit, args.county_events)
        if args.together or args.only_together:
            timed(views, list(views.projections), "both", args.limit, args.county_events)
        if args.parallel or args.only_parallel:
            in_parallel(args.database_url, list(views.projections), args.county_events)
    finally:
        views.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
