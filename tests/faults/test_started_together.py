"""Several processes opening a new PostgreSQL database at the same moment all start: a server and
``foodtrace projections rebuild`` started together, or several containers at once.

PostgreSQL's catalogue takes no two of the same CREATE TYPE or CREATE TABLE IF NOT EXISTS at once: the second fails
with a duplicate key in pg_type or pg_class. Before, four openers released together failed in every round. Each
opener here is a thread with connections of its own, which PostgreSQL sees as it sees another process.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from api.app import create_tables
from api.settings import Settings, eventsourcing_env
from domain.ledger import Ledger
from tests.conftest import PG_ADMIN_URL, _postgres_or_skip

OPENERS = 4


@pytest.fixture
def new_database() -> Iterator[str]:
    """A database no one has opened yet."""
    _postgres_or_skip()
    name = f"foodtrace_test_together_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def all_at_once(open_it: Callable[[], None]) -> list[str]:
    """``open_it`` in OPENERS threads released together; what each that failed said."""
    start, failed = threading.Barrier(OPENERS), []

    def one() -> None:
        start.wait()
        try:
            open_it()
        except Exception as error:  # what a process starting up would die of
            failed.append(repr(error))

    threads = [threading.Thread(target=one) for _ in range(OPENERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failed


def test_ledgers_opened_together_on_a_new_database_all_start(new_database: str) -> None:
    assert all_at_once(lambda: Ledger(env=eventsourcing_env(new_database)).close()) == []


def test_servers_making_their_tables_together_all_start(new_database: str, tmp_path: Path) -> None:
    """Every table the app uses (the log, the views, the outbox, PIN limits, checkpoints), as ``foodtrace serve``
    makes them before its workers start."""
    settings = Settings(
        database_url=new_database,
        documents_dir=tmp_path / "documents",
        signing_key=tmp_path / "signing-key.pem",
        follow_projections=False,
    )
    assert all_at_once(lambda: create_tables(settings)) == []
    ledger = Ledger(env=eventsourcing_env(new_database))  # and the database is whole: a second opening finds it so
    ledger.close()
