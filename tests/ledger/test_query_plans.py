"""A save's checks (the records it read; for a recall, the log since the head it scanned) and a card's read of newer
events probe the log's indexes one record or one id at a time, whatever the planner knows of the table.

On a new log that was never analysed (autovacuum may be off; a new county's database is one), a join of the records
read with the log was planned as a hash join over a scan of the whole log: 0.9 ms an intake at 3,000 events, and
growing with the log. The plans are asked for as PostgreSQL plans a prepared statement run many times: generic.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from eventsourcing.persistence import StoredEvent
from psycopg.sql import Composed

from api.checked_writes import CheckedPostgresRecorder
from api.settings import eventsourcing_env
from domain.ledger import Ledger
from tests.conftest import PG_ADMIN_URL, _postgres_or_skip

EVENTS = 3_000  # enough that the planner of an unanalysed table guesses well over one page


@pytest.fixture
def unanalysed_log() -> Iterator[tuple[str, CheckedPostgresRecorder]]:
    """A database of its own (the session's shared one may have statistics), its log holding EVENTS events."""
    _postgres_or_skip()
    name = f"foodtrace_test_plans_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    ledger = Ledger(env=eventsourcing_env(url))
    try:
        recorder = ledger.recorder
        assert isinstance(recorder, CheckedPostgresRecorder)
        recorder.insert_events([StoredEvent(uuid.uuid4(), 1, "tests:Planned", b"{}") for _ in range(EVENTS)])
        yield url, recorder
    finally:
        ledger.close()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def generic_plan(url: str, statement: Composed) -> str:
    with psycopg.connect(url, autocommit=True) as conn:
        text = statement.as_string(conn)
        parameters = text.count("%s")
        numbered = iter(range(1, parameters + 1))
        conn.execute(psycopg.sql.SQL("SET plan_cache_mode = force_generic_plan"))
        conn.execute(f"PREPARE planned AS {re.sub('%s', lambda _: f'${next(numbered)}', text)}".encode())
        nulls = ", ".join(["NULL"] * parameters)
        return "\n".join(row[0] for row in conn.execute(f"EXPLAIN EXECUTE planned({nulls})".encode()))


@pytest.mark.parametrize("statement", ["checked_insert_statement", "scan_checked_insert_statement",
                                       "select_newer_statement"])  # fmt: skip
def test_checks_and_newer_events_probe_indexes_on_an_unanalysed_log(
    unanalysed_log: tuple[str, CheckedPostgresRecorder], statement: str
) -> None:
    url, recorder = unanalysed_log
    found = getattr(recorder, statement)
    plan = generic_plan(url, found(3) if callable(found) else found)  # a card reads three records
    assert f"Seq Scan on {recorder.events_table_name}" not in plan, plan
    assert "Hash Join" not in plan, plan
