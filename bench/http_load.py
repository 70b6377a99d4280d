"""The web server under a mixed load from a school's working day, on PostgreSQL, beside its own /health.

    .venv/bin/python bench/http_load.py [--workers 1] [--clients 8] [--requests 2400] [--seconds 90] [--json]
                                   [--database-url postgresql://postgres@127.0.0.1] [--port 18600]

Makes a fresh database, seeds a demo county into it (``foodtrace demo``'s, ``--days`` of canteen life), starts
``foodtrace serve --workers N`` on 127.0.0.1 and drives it from ``--clients`` threads, each with its own kept-alive
connection, in three phases of ``--requests`` requests (each phase stops after ``--seconds`` at the latest):

1. ``/health`` alone (the server's floor: routing, a token-free answer, one small query);
2. the batch card alone (``GET /api/v1/batches/{code}``), then one batch's card at 5 and at 100 events, one
   request at a time (the card must not grow with the batch's length);
3. the mixed load: 70 % reads (batch cards, histories, the kitchen's waiting hand-offs, backward and forward
   traces) and 30 % writes (intake with an Idempotency-Key, a few sent twice as a phone on a bad line does; the
   co-signer's signature with their own session; the storekeeper's offer to the kitchen; the kitchen lead's
   confirmation).

Prints requests per second and p50/p99 per route, and the ratios that count (card / health). The database is
dropped at the end; the server only listens on loopback.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg

from api.cli.demo import PRODUCTS, Demo, seed_demo
from api.settings import eventsourcing_env
from api.tokens import Credentials
from domain.handoff import Move
from domain.ledger import Ledger
from domain.values import Principal
from projections.service import Projections

ADMIN = Principal("county-admin", "admin")
KEEPER, CO_SIGNER, KITCHEN = "CG01-1", "CG01-2", "CG01-3"
PIN = "246810"
RICE = next(p for p in PRODUCTS if p.name == "大米")  # keeps for months: ready for hand-offs whatever the date


@dataclass
class Script:
    """What the clients need: who they are, batches ready to hand off, a meal and a lot to trace."""

    ready: list[str]
    short: str  # a batch of 5 events
    long: str  # the same kind of batch after 100 events
    meal: dict[str, str]
    lot: str
    tokens: dict[str, str] = field(default_factory=dict)


# --- preparing the county --------------------------------------------------------------------------------------------


def prepare(url: str, days: int, ready: int) -> Script:
    """Seed the demo, batches ready for hand-offs and a long batch; PINs for the three people who sign in."""
    ledger = Ledger(env=eventsourcing_env(url))
    try:
        summary = seed_demo(ledger, days=days)
        credentials = Credentials(ledger)
        for person in (KEEPER, CO_SIGNER, KITCHEN):
            credentials.set_pin(person, PIN, by=ADMIN)
        investigator, _ = credentials.create_token("inv-bench", "investigator", None, "bench", ADMIN)
        keeper = Principal(KEEPER, "storekeeper")
        demo = Demo(ledger, days=0, seed=7)
        yesterday = ledger.profile.local_date(ledger.clock()) - timedelta(days=1)
        codes = [demo.receive("CG01", RICE, yesterday, keeper) for _ in range(ready + 2)]
        batches = [code for code in codes if code is not None]
        short, long = batches[-2], batches[-1]
        while ledger.batch(long).version < 100:
            place = f"干货库{ledger.batch(long).version % 7}号架"
            ledger.execute(Move(code=long, place=place), by=keeper)
        while ledger.batch(short).version < 5:
            ledger.execute(Move(code=short, place=f"干货库{ledger.batch(short).version}号架"), by=keeper)
        lot = ledger.batch(batches[0]).lot
        views = Projections(ledger.env, ledger=ledger)
        views.catch_up()  # the server starts with its views caught up, as a running county's
        views.close()
        return Script(
            ready=batches[:-2],
            short=short,
            long=long,
            meal=summary["example_meal"],
            lot=lot,
            tokens={"investigator": investigator},
        )
    finally:
        ledger.close()


@contextlib.contextmanager
def database(base: str) -> Iterator[str]:
    name = f"foodtrace_bench_http_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextlib.contextmanager
def server(url: str, port: int, workers: int, folder: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "FOODTRACE_DATABASE_URL": url,
        "FOODTRACE_DOCUMENTS": str(folder / "documents"),
        "FOODTRACE_SIGNING_KEY": str(folder / "signing-key.pem"),
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }
    command = "import sys; from api.cli import main; sys.exit(main())"
    # One worker is the serve command's default: not named, so code from before --workers can be driven too
    # (the issue's own code, side by side with today's: bench/RESULTS.md).
    several = ["--workers", str(workers)] if workers > 1 else []
    process = subprocess.Popen(
        [sys.executable, "-c", command, "serve", "--host", "127.0.0.1", "--port", str(port), *several],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "server.log", "wb"),  # noqa: SIM115  (closed with the process)
    )
    try:
        deadline = time.monotonic() + 120
        while not (_answers(port) and _started(folder / "server.log", workers)):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {(folder / 'server.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _started(log: Path, workers: int) -> bool:
    """Every worker has started: the first one ready answers /health/ready, and the clients' kept-alive connections
    made before the second is listening would all stay on the first (7 of 8 were seen there, and two workers then
    served what one does)."""
    return log.read_text(errors="replace").count("Application startup complete.") >= workers


def _answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/health/ready")
        return connection.getresponse().status == 200
    except OSError:
        return False


# --- the clients -----------------------------------------------------------------------------------------------------


class Client:
    """One phone or office computer: a kept-alive connection; each request timed under its route's name."""

    def __init__(self, port: int, tokens: dict[str, str]) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.tokens = tokens
        self.timings: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}

    def call(
        self, route: str, method: str, path: str, who: str | None = None, body: Any = None, key: str | None = None
    ) -> Any:
        headers = {"Content-Type": "application/json"}
        if who is not None:
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        if key is not None:
            headers["Idempotency-Key"] = key
        payload = json.dumps(body).encode() if body is not None else None
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=payload, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # The server closed a connection left idle between phases: open another, as a browser does.
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.connection.port, timeout=60)
            started = time.perf_counter()
            self.connection.request(method, path, body=payload, headers=headers)
            response = self.connection.getresponse()
        data = response.read()
        self.timings.setdefault(route, []).append(time.perf_counter() - started)
        if response.status >= 400:
            self.errors[f"{route} {response.status}"] = self.errors.get(f"{route} {response.status}", 0) + 1
            return None
        return json.loads(data) if data else None


class Day:
    """One client's share of a school day: 70 % reads, 30 % writes, each write the next step of a hand-off."""

    def __init__(self, client: Client, script: Script, ready: list[str], seed: int) -> None:
        self.client = client
        self.script = script
        self.ready = ready  # this client's own batches, so two clients never race for one offer
        self.random = random.Random(seed)
        self.received: list[str] = []  # intakes awaiting the co-signer
        self.offered: list[tuple[str, int]] = []  # offers awaiting the kitchen lead
        self.step = 0
        self.today = date.today().isoformat()

    def one(self) -> None:
        if self.random.random() < 0.3:
            self.write()
        else:
            self.read()

    def read(self) -> None:
        c, s = self.client, self.script
        code = self.random.choice(self.ready + self.received[-5:] or s.ready)
        roll = self.random.random()
        if roll < 0.45:
            c.call("card", "GET", f"/api/v1/batches/{code}", KEEPER)
        elif roll < 0.65:
            c.call("history", "GET", f"/api/v1/batches/{code}/history", KEEPER)
        elif roll < 0.75:
            c.call("handoffs", "GET", "/api/v1/handoffs", KITCHEN)
        elif roll < 0.9:
            meal = s.meal
            query = f"school={meal['school']}&meal_date={meal['date']}&meal={meal['meal']}"
            c.call("trace backward", "GET", f"/api/v1/trace/backward?{query}", "investigator")
        else:
            c.call("trace forward", "GET", f"/api/v1/trace/forward?lot={s.lot}", "investigator")

    def write(self) -> None:
        c = self.client
        if self.received and self.random.random() < 0.5:
            code = self.received.pop(0)
            c.call("co-sign", "POST", f"/api/v1/batches/{code}/co-sign", CO_SIGNER)
            return
        if self.offered:
            code, offer = self.offered.pop(0)
            c.call("confirm", "POST", f"/api/v1/batches/{code}/issues/{offer}/confirm", KITCHEN)
            return
        self.step += 1
        if self.step % 2:
            self.intake()
        else:
            code = self.random.choice(self.ready)
            body = {"quantity": "1", "unit": "kg", "meal_date": self.today, "meal": "lunch", "taken_by": KITCHEN}
            offered = c.call("offer", "POST", f"/api/v1/batches/{code}/issues", KEEPER, body)
            if offered is not None:
                self.offered.append((code, offered["offer"]))

    def intake(self) -> None:
        body = {
            "product": RICE.name,
            "category": RICE.category,
            "quantity": "50",
            "unit": RICE.unit,
            "supplier": RICE.supplier,
            "supplier_lot": f"WF{self.random.randint(100000, 999999)}",
            "production_date": self.today,
            "use_by_date": (date.today() + timedelta(days=180)).isoformat(),
            "invoice_number": f"FP{self.random.randint(10**7, 10**8)}",
            "place": "干货库",
            "co_signers": [CO_SIGNER],
            "sensory_ok": True,
        }
        key = uuid.uuid4().hex
        received = self.client.call("intake", "POST", "/api/v1/batches", KEEPER, body, key=key)
        if received is not None:
            self.received.append(received["code"])
            if self.random.random() < 0.1:  # the answer was lost on a bad line: the phone sends it again
                self.client.call("intake (retried)", "POST", "/api/v1/batches", KEEPER, body, key=key)


def run_phase(clients: list[Client], work: list[Callable[[], None]], requests: int, seconds: float) -> float:
    """Each client's work in its own thread until ``requests`` in all or ``seconds``; returns the elapsed time."""
    remaining = [requests]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def drive(one: Callable[[], None]) -> None:
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            one()

    threads = [threading.Thread(target=drive, args=(one,)) for one in work]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def figures(clients: list[Client], elapsed: float) -> dict[str, Any]:
    merged: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    for client in clients:
        for route, times in client.timings.items():
            merged.setdefault(route, []).extend(times)
        for what, count in client.errors.items():
            errors[what] = errors.get(what, 0) + count
        client.timings, client.errors = {}, {}
    every = [t for times in merged.values() for t in times]
    routes = {route: summary(times, elapsed) for route, times in sorted(merged.items())}
    return {"all": summary(every, elapsed), "routes": routes, "errors": errors}


def summary(times: list[float], elapsed: float) -> dict[str, float]:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {
        "requests": len(ordered),
        "per_second": round(len(ordered) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(p99 * 1000, 1),
    }


def card_by_length(client: Client, script: Script, repeats: int = 200) -> dict[str, float]:
    """One request at a time: the card of a batch of 5 events and of one of 100 (p50 in ms)."""
    found = {}
    for name, code in (("5 events", script.short), ("100 events", script.long)):
        for _ in range(repeats):
            client.call(name, "GET", f"/api/v1/batches/{code}", KEEPER)
        found[name] = round(statistics.median(client.timings.pop(name)) * 1000, 2)
    return found


def sign_in(port: int, script: Script) -> None:
    client = Client(port, {})
    for person in (KEEPER, CO_SIGNER, KITCHEN):
        session = client.call("sign in", "POST", "/api/v1/sessions", body={"person_id": person, "pin": PIN})
        script.tokens[person] = session["token"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1", help="a server, no database")
    parser.add_argument("--port", type=int, default=18600)
    parser.add_argument("--workers", type=int, default=1, help="foodtrace serve --workers")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2400, help="requests per phase")
    parser.add_argument("--seconds", type=float, default=90, help="at most this long per phase")
    parser.add_argument("--days", type=int, default=10, help="days of demo canteen life to seed")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder, database(args.database_url.rstrip("/")) as url:
        started = time.perf_counter()
        script = prepare(url, args.days, ready=4 * args.clients)
        seeded = time.perf_counter() - started
        with server(url, args.port, args.workers, Path(folder)):
            sign_in(args.port, script)
            clients = [Client(args.port, script.tokens) for _ in range(args.clients)]
            results: dict[str, Any] = {"workers": args.workers, "clients": args.clients, "seeded_seconds": seeded}

            # 1. /health alone, 2. the card alone, each after a short warm-up.
            health = [lambda c=c: c.call("health", "GET", "/health") for c in clients]
            run_phase(clients, health, 100, args.seconds)
            figures(clients, 1)
            results["health"] = figures(clients, run_phase(clients, health, args.requests, args.seconds))
            ready = script.ready

            def card(c: Client, i: int) -> Callable[[], None]:
                return lambda: c.call("card", "GET", f"/api/v1/batches/{ready[i % len(ready)]}", KEEPER)

            cards = [card(c, i) for i, c in enumerate(clients)]
            results["card"] = figures(clients, run_phase(clients, cards, args.requests, args.seconds))
            results["card_by_length"] = card_by_length(clients[0], script)

            # 3. the mixed day.
            share = len(ready) // len(clients)
            days = [Day(c, script, ready[i * share : (i + 1) * share], seed=i).one for i, c in enumerate(clients)]
            results["mixed"] = figures(clients, run_phase(clients, days, args.requests, args.seconds))
    health_rate = results["health"]["all"]["per_second"]
    results["card_over_health"] = round(results["card"]["all"]["per_second"] / health_rate, 2)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        report(results)


def report(results: dict[str, Any]) -> None:
    print(f"workers {results['workers']}, clients {results['clients']} (seeded in {results['seeded_seconds']:.0f} s)")
    for phase in ("health", "card", "mixed"):
        print(f"\n{phase}:")
        found = results[phase]
        for route, f in [("ALL", found["all"]), *found["routes"].items()]:
            print(
                f"  {route:<18} {f['requests']:6d} requests {f['per_second']:8.1f}/s"
                f"  p50 {f['p50_ms']:7.1f} ms  p99 {f['p99_ms']:7.1f} ms"
            )
        for what, count in found["errors"].items():
            print(f"  refused: {what} x{count}")
    print(f"\ncard / health throughput: {results['card_over_health']:.2f}x")
    lengths = results["card_by_length"]
    print("card one at a time, p50: " + ", ".join(f"{name} {ms} ms" for name, ms in lengths.items()))


if __name__ == "__main__":
    main()
