"""How fast the Ledger takes in deliveries and replays a batch, next to the bare eventsourcing library.

    .venv/bin/python bench/ledger.py [--n 2000] [--batches 50] [--backend sqlite|postgres|both] [--json]

For each backend (a temp SQLite file; a throwaway PostgreSQL database, created and dropped here):
intake is ``Ledger.receive_batch`` with one command per transaction, as the API runs it, with and
without an idempotency key; replay is ``Ledger.batch`` (repository.get) and ``Ledger.history`` on
batches of 20 events. The same is measured for ``_bare.BareBatch`` (same fields, the library's own
Application), so the cost of our domain layer shows as a ratio. PostgreSQL settings come from
POSTGRES_HOST/PORT/USER/PASSWORD (default 127.0.0.1:5432, postgres, no password).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from importlib.metadata import version
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import psycopg
from _bare import BareApplication, BareBatch  # bench/ is sys.path[0] when this file is run
from eventsourcing.application import Application

from api.checked_writes import CHECKED_POSTGRES, CHECKED_SQLITE
from domain.codes import new_batch_code
from domain.handoff import Inspect, IssueToKitchen, Move, PutOnHold, Release, ReturnToStore
from domain.intake import AttachCertificate, ReceiveBatch
from domain.ledger import Ledger
from domain.registry import RecordStaffCertificate, RegisterSchool, RegisterStaff, RegisterSupplier
from domain.values import Principal

SHANGHAI = ZoneInfo("Asia/Shanghai")
SETUP_AT = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)
RECEIVED_AT = datetime(2026, 11, 23, 7, 30, tzinfo=SHANGHAI)
PRODUCED = date(2026, 11, 22)
USE_BY = date(2026, 12, 20)
ADMIN = Principal("admin", "admin")
WANG = Principal("wang", "storekeeper")  # 仓管员, receives and issues
EVENTS_PER_BATCH = 20
Stats = dict[str, float]


# --- fixtures: one school, one supplier, three people with valid certificates --------------------


def register_canteen(ledger: Ledger) -> None:
    ledger.execute(RegisterSchool(code="S001", name="城关一小", district="城关镇"), by=ADMIN, at=SETUP_AT)
    ledger.execute(
        RegisterSupplier(
            code="SUP-LY",
            name="绿源农副产品",
            licence_number="JY13301020001234",
            licence_valid_from=date(2025, 1, 1),
            licence_valid_until=date(2030, 1, 1),
            tender_start=date(2026, 1, 1),
            tender_end=date(2026, 12, 31),
        ),
        by=ADMIN,
        at=SETUP_AT,
    )
    for person, role in (("wang", "storekeeper"), ("li", "storekeeper"), ("zhao", "kitchen")):
        ledger.execute(RegisterStaff(person_id=person, name=person, school="S001", roles=[role]), by=ADMIN, at=SETUP_AT)
        for kind in ("health", "training"):
            number, valid = (
                f"{kind[0].upper()}-{person}",
                {"valid_from": date(2026, 1, 1), "valid_until": date(2026, 12, 31)},
            )
            certificate = RecordStaffCertificate(person_id=person, kind=kind, number=number, **valid)
            ledger.execute(certificate, by=ADMIN, at=SETUP_AT)


def receive(ledger: Ledger, i: int, key: str | None = None) -> str:
    """入库验收 of 100 kg of pork, signed by wang and li."""
    result = ledger.execute(
        ReceiveBatch(
            school="S001",
            supplier="SUP-LY",
            product="猪肉（前腿）",
            category="meat",
            quantity="100",
            unit="kg",
            supplier_lot=f"LY-2026-11-{i:05d}",
            production_date=PRODUCED,
            use_by_date=USE_BY,
            invoice_number=f"INV-{i:06d}",
            place="冷库1",
            co_signers=["li"],
            co_signed=["li"],
            sensory_ok=True,
            sensory_notes="",
            gtin="6901234567892",
            unit_price="28.50",
            arrival_temperature="2.5",
        ),
        by=WANG,
        at=RECEIVED_AT,
        idempotency_key=key,
    )
    code: str = result["code"]
    return code


def fill_history(ledger: Ledger, code: str) -> None:
    """Nineteen more commands, each its own save: certificates, inspection, moves, hold, issues, a return."""
    moments = (RECEIVED_AT + timedelta(hours=k) for k in range(1, EVENTS_PER_BATCH))

    def issue() -> None:
        at = next(moments)
        meal = "lunch" if at.hour < 14 else "dinner"
        ledger.execute(
            IssueToKitchen(
                code=code, quantity="5", unit="kg", meal_date=at.astimezone(SHANGHAI).date(), meal=meal, taken_by="zhao"
            ),
            by=WANG,
            at=at,
        )

    for kind in ("quality_inspection_report", "invoice", "animal_quarantine_certificate", "meat_quality_certificate"):
        ledger.execute(
            AttachCertificate(
                code=code,
                kind=kind,
                number=f"N-{kind}",
                issuer="县动物卫生监督所",
                issue_date=PRODUCED,
                sha256="ab" * 32,
            ),
            by=WANG,
            at=next(moments),
        )
    ledger.execute(Inspect(code=code, stage="intake", passed=True, notes="色泽正常，无异味"), by=WANG, at=next(moments))
    ledger.execute(Move(code=code, place="冷库2"), by=WANG, at=next(moments))
    ledger.execute(Move(code=code, place="冷库1"), by=WANG, at=next(moments))
    ledger.execute(PutOnHold(code=code, reason="冷库温度报警，待查"), by=WANG, at=next(moments))
    ledger.execute(Release(code=code, reason="温度已恢复，复检合格"), by=WANG, at=next(moments))
    for _ in range(4):
        issue()
    ledger.execute(
        ReturnToStore(code=code, quantity="2", unit="kg", returned_by="zhao", reason="午餐未用完"),
        by=WANG,
        at=next(moments),
    )
    ledger.execute(Move(code=code, place="冷库2"), by=WANG, at=next(moments))
    for _ in range(4):
        issue()


def bare_receive(app: BareApplication, i: int) -> BareBatch:
    lot = f"LY-2026-11-{i:05d}"
    batch = BareBatch.receive(
        code=new_batch_code(),
        school_id="S001",
        supplier_id="SUP-LY",
        product="猪肉（前腿）",
        category="meat",
        pork=True,
        quantity=Decimal("100"),
        unit="kg",
        supplier_lot=lot,
        lot=lot,
        gtin="06901234567892",
        production_date=PRODUCED.isoformat(),
        use_by_date=USE_BY.isoformat(),
        invoice_number=f"INV-{i:06d}",
        unit_price=Decimal("28.50"),
        place="冷库1",
        signers=["wang", "li"],
        sensory_check="合格",
        arrival_temperature=Decimal("2.5"),
        by={"person_id": "wang", "role": "storekeeper"},
        at=RECEIVED_AT,
    )
    app.save(batch)
    return batch


def bare_fill_history(app: BareApplication, batch: BareBatch) -> None:
    by = {"person_id": "wang", "role": "storekeeper"}
    each = {
        "quantity": Decimal("5"),
        "meal": "lunch",
        "given_by": "wang",
        "taken_by": "zhao",
        "offer": None,
        "dishes": [],
        "by": by,
    }
    for k in range(1, EVENTS_PER_BATCH):
        at = RECEIVED_AT + timedelta(hours=k)
        batch.issue_to_kitchen(**each, meal_date=at.date().isoformat(), at=at)
        app.save(batch)


# --- measuring -----------------------------------------------------------------------------------


def timed(calls: dict[str, Callable[[int], object]], n: int, rounds: int = 4) -> dict[str, Stats]:
    """Run each call(0..n-1), alternating in rounds so that load from elsewhere on the machine hits all alike.

    Gives throughput (calls over the time spent in them) and per-call latency percentiles.
    """
    for call in calls.values():  # warm-up: connections, caches, first-use imports
        for i in range(min(50, n)):
            call(n + i)
    durations: dict[str, list[float]] = {name: [] for name in calls}
    chunk = -(-n // rounds)
    for start in range(0, n, chunk):
        for name, call in calls.items():
            for i in range(start, min(start + chunk, n)):
                t0 = time.perf_counter()
                call(i)
                durations[name].append(time.perf_counter() - t0)
    return {name: {"per_second": n / sum(spent), **percentiles(spent)} for name, spent in durations.items()}


def percentiles(durations: Sequence[float]) -> Stats:
    cuts = statistics.quantiles(durations, n=100, method="inclusive")
    return {"p50_ms": statistics.median(durations) * 1000, "p99_ms": cuts[98] * 1000}


def stored_bytes(app: Application[UUID], stream: UUID) -> dict[str, int]:
    """Bytes of stored state per event kind (the first of each), and for the whole stream."""
    sizes: dict[str, int] = {}
    events = app.recorder.select_events(stream)
    for stored in events:
        sizes.setdefault(stored.topic.rsplit(".", 1)[-1], len(stored.state))
    return {**sizes, "stream": sum(len(stored.state) for stored in events), "events": len(events)}


def measure(ledger: Ledger, bare: BareApplication, n: int, batches: int, say: Callable[[str], None]) -> dict[str, Any]:
    register_canteen(ledger)
    say(f"  intake: {n} × receive_batch, {n} × with idempotency key, {n} × bare create")
    intake = timed(
        {
            "ledger": lambda i: receive(ledger, i),
            "ledger_with_key": lambda i: receive(ledger, i, key=f"intake-{i}"),
            "bare": lambda i: bare_receive(bare, i),
        },
        n,
    )
    say(f"  building {batches} batches of {EVENTS_PER_BATCH} events in each")
    codes = [receive(ledger, 100_000 + i) for i in range(batches)]
    for code in codes:
        fill_history(ledger, code)
    bare_ids = []
    for i in range(batches):
        batch = bare_receive(bare, 100_000 + i)
        bare_fill_history(bare, batch)
        bare_ids.append(batch.id)
    assert len(ledger.history(codes[0])) == EVENTS_PER_BATCH
    assert len(list(bare.events.get(bare_ids[0]))) == EVENTS_PER_BATCH
    say(f"  replay: {n} reads of each kind, round-robin over the {batches} batches")
    replay = timed(
        {
            "batch": lambda i: ledger.batch(codes[i % batches]),
            "history": lambda i: ledger.history(codes[i % batches]),
            "bare_get": lambda i: bare.repository.get(bare_ids[i % batches]),
            "bare_events": lambda i: list(bare.events.get(bare_ids[i % batches])),
        },
        n,
    )
    payload = {
        "ledger": stored_bytes(ledger, ledger.batch(codes[0]).id),
        "bare": stored_bytes(bare, bare_ids[0]),
    }
    ratios = {
        "intake_rate": intake["ledger"]["per_second"] / intake["bare"]["per_second"],
        "intake_with_key_rate": intake["ledger_with_key"]["per_second"] / intake["bare"]["per_second"],
        "batch_p50": replay["batch"]["p50_ms"] / replay["bare_get"]["p50_ms"],
        "batch_p99": replay["batch"]["p99_ms"] / replay["bare_get"]["p99_ms"],
        "history_p50": replay["history"]["p50_ms"] / replay["bare_events"]["p50_ms"],
        "history_p99": replay["history"]["p99_ms"] / replay["bare_events"]["p99_ms"],
    }
    return {"intake": intake, "replay": replay, "ours_over_bare": ratios, "payload_bytes": payload}


# --- backends ------------------------------------------------------------------------------------


@contextmanager
def sqlite_apps() -> Iterator[tuple[Ledger, BareApplication]]:
    with tempfile.TemporaryDirectory(prefix="foodtrace-bench-") as folder:
        # Separate files: on SQLite every application's table is called stored_events.
        # The Ledger with the recorder the API gives it (api.settings.eventsourcing_env), the bare app the library's.
        sqlite = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "APPLICATION_RECORDER_TOPIC": CHECKED_SQLITE}
        ledger = Ledger(env={**sqlite, "SQLITE_DBNAME": f"{folder}/ledger.db"})
        bare = BareApplication(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": f"{folder}/bare.db"})
        try:
            yield ledger, bare
        finally:
            ledger.close()
            bare.close()


def postgres_settings() -> dict[str, str]:
    return {
        "POSTGRES_HOST": os.environ.get("POSTGRES_HOST", "127.0.0.1"),
        "POSTGRES_PORT": os.environ.get("POSTGRES_PORT", "5432"),
        "POSTGRES_USER": os.environ.get("POSTGRES_USER", "postgres"),
        "POSTGRES_PASSWORD": os.environ.get("POSTGRES_PASSWORD", ""),
    }


def postgres_admin(settings: dict[str, str]) -> psycopg.Connection[Any]:
    return psycopg.connect(
        host=settings["POSTGRES_HOST"], port=settings["POSTGRES_PORT"], user=settings["POSTGRES_USER"],
        password=settings["POSTGRES_PASSWORD"], dbname="postgres", autocommit=True, connect_timeout=3,
    )  # fmt: skip


@contextmanager
def postgres_apps(settings: dict[str, str]) -> Iterator[tuple[Ledger, BareApplication]]:
    """A database of our own (both applications' tables in it), dropped afterwards."""
    dbname = f"foodtrace_bench_{os.getpid()}"
    with postgres_admin(settings) as admin:
        admin.execute(f'CREATE DATABASE "{dbname}"')
    env = {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": dbname, **settings}
    try:
        ledger, bare = Ledger(env={**env, "APPLICATION_RECORDER_TOPIC": CHECKED_POSTGRES}), BareApplication(env=env)
        try:
            yield ledger, bare
        finally:
            ledger.close()
            bare.close()
    finally:
        with postgres_admin(settings) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


# --- output --------------------------------------------------------------------------------------


def report(backend: str, figures: dict[str, Any]) -> str:
    intake, replay, size = figures["intake"], figures["replay"], figures["payload_bytes"]

    def row(what: str, ours: str, bare: str, ratio: str = "") -> str:
        return f"  {what:<34}{ours:<30}{bare:<30}{ratio}".rstrip()

    def rate(stats: Stats) -> str:
        return f"{stats['per_second']:>6,.0f}/s  p50 {stats['p50_ms']:.2f} p99 {stats['p99_ms']:.2f}"

    def latency(stats: Stats) -> str:
        return f"p50 {stats['p50_ms']:.2f}  p99 {stats['p99_ms']:.2f}"

    lines = [f"== {backend} ==", row("", "ours", "bare library", "ours÷bare"), "intake, one command per transaction"]
    ratios = figures["ours_over_bare"]
    for what, key, ratio in (
        ("receive_batch", "ledger", ratios["intake_rate"]),
        ("receive_batch + idempotency key", "ledger_with_key", ratios["intake_with_key_rate"]),
    ):
        lines.append(row(what, rate(intake[key]), rate(intake["bare"]), f"{ratio:.2f}× the rate"))
    lines.append(f"replay of a {size['ledger']['events']}-event batch, ms")
    for what, ours_key, bare_key in (
        ("batch(code) vs repository.get", "batch", "bare_get"),
        ("history(code) vs events.get", "history", "bare_events"),
    ):
        ratio = f"{ratios[ours_key + '_p50']:.2f}× / {ratios[ours_key + '_p99']:.2f}× the time"
        lines.append(row(what, latency(replay[ours_key]), latency(replay[bare_key]), ratio))
    kinds = ("Received", "IssuedToKitchen", "stream")
    ours_bytes, bare_bytes = (" / ".join(f"{size[side][k]:,}" for k in kinds) for side in ("ledger", "bare"))
    lines.append(row("stored bytes: Received/Issued/all", ours_bytes, bare_bytes))
    return "\n".join(lines)


def rounded(figures: Any) -> Any:
    if isinstance(figures, float):
        return round(figures, 3)
    if isinstance(figures, dict):
        return {key: rounded(value) for key, value in figures.items()}
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="commands per intake kind and reads per replay kind")
    parser.add_argument("--batches", type=int, default=50, help="20-event batches to replay (default 50)")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--json", action="store_true", help="print figures as JSON instead of the table")
    args = parser.parse_args(argv)
    if args.n < 2 or args.batches < 1:
        parser.error("--n must be at least 2 (for percentiles) and --batches at least 1")

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    results: dict[str, Any] = {
        "eventsourcing": version("eventsourcing"),
        "n": args.n,
        "batches": args.batches,
        "events_per_batch": EVENTS_PER_BATCH,
    }
    started = time.perf_counter()
    if args.backend in ("sqlite", "both"):
        say("SQLite (temp file)")
        with sqlite_apps() as (ledger, bare):
            results["sqlite"] = measure(ledger, bare, args.n, args.batches, say)
    if args.backend in ("postgres", "both"):
        settings = postgres_settings()
        say(f"PostgreSQL {settings['POSTGRES_HOST']}:{settings['POSTGRES_PORT']}")
        try:
            postgres_admin(settings).close()
        except psycopg.OperationalError as error:
            reason = " ".join(str(error).split())
            message = f"PostgreSQL unreachable at {settings['POSTGRES_HOST']}:{settings['POSTGRES_PORT']}: {reason}"
            say(f"  SKIPPED: {message}")
            results["postgres"] = {"skipped": message}
        else:
            with postgres_apps(settings) as (ledger, bare):
                results["postgres"] = measure(ledger, bare, args.n, args.batches, say)
    results["seconds"] = round(time.perf_counter() - started, 1)

    if args.json:
        print(json.dumps(rounded(results), indent=2))
        return 0
    print(
        f"FoodTrace Ledger vs bare eventsourcing {results['eventsourcing']}: n={args.n} per kind, "
        f"{args.batches} batches of {EVENTS_PER_BATCH} events, {results['seconds']} s"
    )
    for key, title in (("sqlite", "SQLite (temp file)"), ("postgres", "PostgreSQL")):
        if key in results:
            skipped = results[key].get("skipped")
            print(f"== {title} ==\n  skipped: {skipped}" if skipped else report(title, results[key]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
