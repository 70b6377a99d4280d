"""Store a realistic county (bench/_county.py) in PostgreSQL through the Ledger's own aggregates, for the benchmarks.

    .venv/bin/python bench/dataset.py [--scale 0.1] [--database-url postgresql://postgres@127.0.0.1/foodtrace_bench]

The school days' aggregates are saved many per transaction (``Ledger.save``). Progress is kept in
``bench_dataset_progress`` after each day; a restarted run skips finished days, and a save of a half-finished day
that was already stored fails as a whole (batch ids follow from their codes, which are seeded) and is skipped.
``--workers N`` builds the school days in N processes and inserts their events here, in the same order.

The bare library's batched saves, at the same shape, are measured before and after the load in the same
database (bench/_batched.py; ``--library-events 0`` skips them) and printed beside the dataset's rate.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import multiprocessing
import statistics
import sys
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date, timedelta
from typing import Any

import psycopg
from _batched import library_rate  # bench/ is sys.path[0] when this file is run
from _county import FIRST_DAY, County, school_days
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, StoredEvent

from domain.ledger import Ledger
from domain.staff import StaffMember


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/foodtrace_bench")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--days", type=int, default=None, help="stop after this many school days (a partial county)")
    parser.add_argument("--save-size", type=int, default=8, help="school-days per transaction")
    parser.add_argument("--workers", type=int, default=0, help="processes that build the school days (0: this one)")
    parser.add_argument(
        "--library-events", type=int, default=30_000, help="the bare library's events saved before and after (0: none)"
    )
    args = parser.parse_args(argv)
    env = database_env(args.database_url)
    county = County(args.scale, args.seed)
    sample = county.school_day(county.schools[0], FIRST_DAY)
    per_save = len(sample) * args.save_size
    library = {"events": args.library_events, "per_save": per_save}
    before = library_rate(args.database_url, sample[0], **library) if args.library_events else None
    events, seconds = load(Ledger(env=env), county, args)
    print(f"dataset load      {events:,} events in {seconds:,.1f} s: {events / seconds:,.0f} events/s")
    if before is not None:
        after = library_rate(args.database_url, sample[0], **library)
        bare = statistics.mean((before, after))
        around = f"before {before:,.0f}, after {after:,.0f}"
        print(f"library batched   {bare:,.0f} events/s ({per_save} aggregates per save; {around})")
        print(f"ratio             {events / seconds / bare:.2f}x")
    return 0


def load(ledger: Ledger, county: County, args: argparse.Namespace) -> tuple[int, float]:
    """Store the county's school days not stored yet; returns the events stored and the seconds it took."""
    done = progress(args.database_url)
    started, head0 = time.perf_counter(), ledger.recorder.max_notification_id() or 0
    saver = Saver(ledger, args.database_url, county, workers=args.workers)
    if done is None:
        saver.save(county.register())
        done = FIRST_DAY - timedelta(days=1)
        saver.mark(done)
    staff: list[StaffMember] = []
    days = list(school_days())[: args.days]
    print(f"{len(county.schools)} schools, {len(days)} school days; resuming after {done}", file=sys.stderr)
    for index, day in enumerate(days):
        if day.month == 9 and (index == 0 or days[index - 1].month != 9) and day > done:
            saver.wait()  # every save so far stored, the staff's included
            staff = [ledger.staff(f"{s}-{n}") for s in county.schools for n in range(1, 5)]
            county.renew_certificates(staff, day)
            saver.save(list(staff))
        if day <= done:
            continue
        for start in range(0, len(county.schools), args.save_size):
            saver.school_days(day, county.schools[start : start + args.save_size])
        saver.mark(day)
        if index % 50 == 0 or index == len(days) - 1:
            analyse(args.database_url)
        if index % 10 == 0 or index == len(days) - 1:
            head = ledger.recorder.max_notification_id() or 0
            rate = (head - head0) / (time.perf_counter() - started)
            print(f"{day}  day {index + 1}/{len(days)}  events {head:,}  {rate:,.0f} events/s", file=sys.stderr)
    saver.close()
    head = ledger.recorder.max_notification_id() or 0
    ledger.close()
    return head - head0, time.perf_counter() - started


class Saver:
    """Stores school days in the order given and marks each day done once all before it are stored.

    With ``workers``, processes of their own build the school days' aggregates and encode their events with the
    Ledger's mapper (the domain's part of the work, in parallel), and this process inserts them in order, as
    ``Ledger.save`` would have: the same events in the same order, a few saves ahead at most.
    """

    def __init__(self, ledger: Ledger, url: str, county: County, workers: int) -> None:
        self.ledger, self.county = ledger, county
        self.progress = psycopg.connect(url, autocommit=True)
        self.ahead = 2 * workers
        self.queue: deque[Future[list[StoredEvent]] | Callable[[], None]] = deque()
        self.pool = None
        if workers:  # spawned, not forked: a child must not inherit this process's connections
            context = multiprocessing.get_context("spawn")
            initargs = (county.scale, county.seed)
            self.pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start, initargs=initargs)

    def school_days(self, day: date, schools: list[str]) -> None:
        if self.pool is None:
            self.save(self.county.school_days(day, schools))
        else:
            self._then(self.pool.submit(_stored_school_days, day, schools))

    def save(self, aggregates: list[Aggregate]) -> None:
        self._then(functools.partial(save, self.ledger, aggregates))

    def mark(self, day: date) -> None:
        self._then(functools.partial(mark, self.progress, day))

    def wait(self) -> None:
        self._settle(0)

    def close(self) -> None:
        self.wait()
        if self.pool is not None:
            self.pool.shutdown()
        self.progress.close()

    def _then(self, step: Future[list[StoredEvent]] | Callable[[], None]) -> None:
        self.queue.append(step)
        self._settle(self.ahead)

    def _settle(self, ahead: int) -> None:
        while len(self.queue) > ahead:
            step = self.queue.popleft()
            if isinstance(step, Future):
                with contextlib.suppress(IntegrityError):  # as in save()
                    self.ledger.recorder.insert_events(step.result())
            else:
                step()


_WORKER: dict[str, Any] = {}  # a worker process's county and mapper


def _start(scale: float, seed: int) -> None:
    _WORKER["county"] = County(scale, seed)
    _WORKER["mapper"] = Ledger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}).mapper


def _stored_school_days(day: date, schools: list[str]) -> list[StoredEvent]:
    aggregates = _WORKER["county"].school_days(day, schools)
    return [_WORKER["mapper"].to_stored_event(e) for aggregate in aggregates for e in aggregate.collect_events()]


def save(ledger: Ledger, aggregates: list[Aggregate]) -> None:
    # IntegrityError: stored by a run that stopped before it marked the day done.
    with contextlib.suppress(IntegrityError):
        ledger.save(*aggregates)


def database_env(url: str) -> dict[str, str]:
    from api.settings import eventsourcing_env

    admin, _, name = url.rpartition("/")
    with psycopg.connect(f"{admin}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return eventsourcing_env(url)


def analyse(url: str) -> None:
    """Planner statistics for the event table (autovacuum may be off): without them, lookups by id use scans."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE ledger_events")


def progress(url: str) -> date | None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_dataset_progress (key TEXT PRIMARY KEY, day DATE NOT NULL)")
        row = conn.execute("SELECT day FROM bench_dataset_progress WHERE key = 'done'").fetchone()
        return row[0] if row else None


def mark(conn: psycopg.Connection[Any], day: date) -> None:
    conn.execute(
        "INSERT INTO bench_dataset_progress VALUES ('done', %s) ON CONFLICT (key) DO UPDATE SET day = excluded.day",
        (day,),
    )


if __name__ == "__main__":
    raise SystemExit(main())
