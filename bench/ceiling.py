"""Commands per second one PostgreSQL database takes with this design, as more processes write at once.

    .venv/bin/python bench/ceiling.py [--processes 1,2,4,8] [--seconds 15] [--database-url postgresql://postgres@127.0.0.1]

Seeds a small demo county into a fresh database and gives each writer process batches of its own; each process then
runs commands (移库, a move: one batch read, the rules, one event and the log's table lock, as any batch command)
one per transaction for ``--seconds``. Prints, for each number of processes, the commands per second of all of
them, the p99 of one command, and the CPU the writers used per command: what is left of the machine's cores is
what PostgreSQL (and everyone else on the machine) had. The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import time
from datetime import timedelta
from typing import Any

from http_load import database  # bench/ is sys.path[0] when this file is run

from api.cli.demo import PRODUCTS, Demo, seed_demo
from api.settings import eventsourcing_env
from domain.handoff import Move
from domain.ledger import Ledger
from domain.values import Principal

KEEPER = Principal("CG01-1", "storekeeper")
RICE = next(p for p in PRODUCTS if p.name == "大米")


def prepare(url: str, batches: int) -> list[str]:
    ledger = Ledger(env=eventsourcing_env(url))
    try:
        seed_demo(ledger, days=1)
        yesterday = ledger.profile.local_date(ledger.clock()) - timedelta(days=1)
        demo = Demo(ledger, days=0, seed=11)
        codes = [demo.receive("CG01", RICE, yesterday, KEEPER) for _ in range(batches)]
        return [code for code in codes if code is not None]
    finally:
        ledger.close()


def writer(url: str, codes: list[str], start_at: float, seconds: float, results: Any) -> None:
    ledger = Ledger(env={**eventsourcing_env(url), "CREATE_TABLE": "n"})  # made by prepare(); several start at once
    times = []
    try:
        places = {code: ledger.batch(code).place for code in codes}  # and in the cache, as a server's
        while time.time() < start_at:
            time.sleep(0.01)
        n, stop = 0, start_at + seconds
        while time.time() < stop:
            code = codes[n % len(codes)]
            places[code] = "干货库2号架" if places[code] == "干货库1号架" else "干货库1号架"  # never where it is
            started = time.perf_counter()
            ledger.execute(Move(code=code, place=places[code]), by=KEEPER)
            times.append(time.perf_counter() - started)
            n += 1
    finally:
        ledger.close()
    results.put(times)


def measure(url: str, codes: list[str], processes: int, seconds: float) -> dict[str, float]:
    results: Any = multiprocessing.Queue()
    start_at = time.time() + 5  # every process opened its store and warmed its cache
    share = len(codes) // processes
    workers = [
        multiprocessing.Process(
            target=writer, args=(url, codes[i * share : (i + 1) * share], start_at, seconds, results)
        )
        for i in range(processes)
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for worker in workers:
        worker.start()
    times = [t for _ in workers for t in results.get()]
    for worker in workers:
        worker.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    times.sort()
    return {
        "processes": processes,
        "commands_per_second": round(len(times) / seconds, 1),
        "p50_ms": round(statistics.median(times) * 1000, 2),
        "p99_ms": round(times[int(len(times) * 0.99)] * 1000, 2),
        "writer_cpu_ms_per_command": round(cpu / len(times) * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1", help="a server, no database")
    parser.add_argument("--processes", default="1,2,4,8")
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    counts = [int(n) for n in args.processes.split(",")]
    with database(args.database_url.rstrip("/")) as url:
        codes = prepare(url, batches=max(counts) * 4)
        print(f"{'processes':>9} {'commands/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'writer CPU ms/command':>22}")
        for processes in counts:
            f = measure(url, codes, processes, args.seconds)
            print(
                f"{f['processes']:9d} {f['commands_per_second']:11.1f} {f['p50_ms']:8.2f} {f['p99_ms']:8.2f}"
                f" {f['writer_cpu_ms_per_command']:22.2f}"
            )


if __name__ == "__main__":
    main()
