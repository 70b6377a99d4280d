"""What one request of each route costs the server and PostgreSQL, one request at a time, on a served demo county.

    .venv/bin/python bench/route_cost.py [--requests 200] [--busy-lunch 150] [--workers 1] [--port 18650]

Seeds a demo county as bench/http_load.py does; with ``--busy-lunch N`` it then gives N batches to the lunch the
investigator traces (an offer and the kitchen's confirmation each), as a school day's hand-offs do while the lunch is
traced. Starts ``foodtrace serve`` and, route by route, sends ``--requests`` requests one after the other, printing
the CPU time the server's processes (its workers, their projector and every thread) and PostgreSQL's took per
request, and the wall time. CPU time is what a busy machine leaves least changed; the figures still move between runs.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from http_load import KEEPER, KITCHEN, Client, Day, Script, database, prepare, server, sign_in  # bench/ is sys.path[0]

from api.settings import eventsourcing_env
from domain.handoff import ConfirmIssue, OfferIssue
from domain.ledger import Ledger
from domain.values import Principal
from projections.service import Projections


def busy_lunch(url: str, script: Script, hand_offs: int) -> None:
    """``hand_offs`` offers and confirmations of the script's ready batches for the traced lunch."""
    ledger = Ledger(env=eventsourcing_env(url))
    try:
        keeper, kitchen = Principal(KEEPER, "storekeeper"), Principal(KITCHEN, "kitchen")
        meal = script.meal
        for i in range(hand_offs):
            code = script.ready[i % len(script.ready)]
            offer = OfferIssue(
                code=code,
                quantity="1",
                unit="kg",
                meal_date=date.fromisoformat(meal["date"]),
                meal=meal["meal"],
                taken_by=KITCHEN,
            )
            offered = ledger.execute(offer, by=keeper)
            ledger.execute(ConfirmIssue(code=code, offer=offered["offer"]), by=kitchen)
        views = Projections(ledger.env, ledger=ledger)
        views.catch_up()
        views.close()
    finally:
        ledger.close()


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU of these processes, every thread included (Linux's /proc)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # a PostgreSQL backend that ended meanwhile
            continue
        total += (int(fields[11]) + int(fields[12])) / TICKS  # utime and stime, fields 14 and 15 of stat
    return total


def processes(named: Callable[[str, int], bool]) -> list[int]:
    """The pids whose command line and parent pid ``named`` accepts."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if named(command, parent):
                found.append(int(entry.name))
    return found


def postgres_processes() -> list[int]:
    return processes(lambda command, parent: command.startswith("postgres:"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1", help="a server, no database")
    parser.add_argument("--port", type=int, default=18650)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200, help="requests per route")
    parser.add_argument("--days", type=int, default=5, help="days of demo canteen life to seed")
    parser.add_argument("--busy-lunch", type=int, default=0, help="hand-offs given to the traced lunch first")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder, database(args.database_url.rstrip("/")) as url:
        script = prepare(url, args.days, ready=32)
        busy_lunch(url, script, args.busy_lunch)
        with server(url, args.port, args.workers, Path(folder)) as process:
            sign_in(args.port, script)
            client = Client(args.port, script.tokens)
            served = [process.pid, *processes(lambda command, parent: parent == process.pid)]  # workers: its children
            day = Day(client, script, script.ready, seed=1)
            meal, ready = script.meal, script.ready
            lunch = f"school={meal['school']}&meal_date={meal['date']}&meal={meal['meal']}"
            lot = f"lot={script.lot}"
            routes: dict[str, Callable[[int], object]] = {
                "health": lambda i: client.call("health", "GET", "/health"),
                "card": lambda i: client.call("card", "GET", f"/api/v1/batches/{ready[i % len(ready)]}", KEEPER),
                "history": lambda i: client.call("history", "GET", f"/api/v1/batches/{ready[i % 32]}/history", KEEPER),
                "handoffs": lambda i: client.call("handoffs", "GET", "/api/v1/handoffs", KITCHEN),
                "trace backward": lambda i: client.call("tb", "GET", f"/api/v1/trace/backward?{lunch}", "investigator"),
                "trace forward": lambda i: client.call("tf", "GET", f"/api/v1/trace/forward?{lot}", "investigator"),
                "write (the day's mix)": lambda i: day.write(),
            }  # fmt: skip
            print(
                f"one request at a time, {args.requests} per route; the traced lunch given {args.busy_lunch} hand-offs"
            )
            for name, call in routes.items():
                for i in range(20):  # warm-up
                    call(i)
                database_processes = postgres_processes()
                before = cpu_seconds(served), cpu_seconds(database_processes), time.perf_counter()
                for i in range(args.requests):
                    call(i)
                after = cpu_seconds(served), cpu_seconds(database_processes), time.perf_counter()
                server_ms, postgres_ms, wall_ms = (
                    1000 * (b - a) / args.requests for a, b in zip(before, after, strict=True)
                )
                print(
                    f"  {name:<22} server {server_ms:6.2f} ms  PostgreSQL {postgres_ms:5.2f} ms  wall {wall_ms:6.2f} ms"
                )
            if client.errors:
                print(f"  refused: {client.errors}")


if __name__ == "__main__":
    main()
