"""Fixtures: a Ledger on each backend, and a small real county to act in.

PostgreSQL tests run against 127.0.0.1:5432 in a database made for this test session and dropped after.
When the server is down they skip locally, and fail under CI=true: CI must never pass without them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from domain.ledger import Ledger
from tests.county import County

TEST_PIN_ITERATIONS = 1_000
PG_ADMIN_URL = os.environ.get("FOODTRACE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


SHARED_MEMORY = Path("/dev/shm")


def pytest_configure(config: pytest.Config) -> None:
    """pytest's temporary folders, where the SQLite stores live, go to memory when /dev/shm has room: SQLite waits
    for the disk at each commit (~12 ms here), and a County set-up of 25 commands took ~0.36 s on disk, ~0.13 s in
    memory. Nothing here asks a store to outlive the machine."""
    if config.option.basetemp or os.environ.get("PYTEST_DEBUG_TEMPROOT") or not os.access(SHARED_MEMORY, os.W_OK):
        return
    if shutil.disk_usage(SHARED_MEMORY).free >= 4 * 2**30:  # a small container's 64 MB stays untouched
        tempfile.tempdir = str(SHARED_MEMORY)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """On parallel workers (make test: pytest-xdist, --dist loadgroup) the tests of a file that share a module- or
    class-scoped fixture run on one worker: the fixture is made once, and what one test leaves in it the next sees."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None or item.get_closest_marker("xdist_group"):
            continue
        if any(defs and defs[-1].scope in ("class", "module", "package") for defs in info.name2fixturedefs.values()):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


@pytest.fixture(scope="session", autouse=True)
def cheap_pin_hashing() -> Iterator[None]:
    """PINs are stretched with fewer PBKDF2 rounds in this process: 200,000 took ~0.3 s of CPU per PIN set or
    checked, and the tests set and check hundreds. The code path is the same (a record keeps its own round count
    and is checked with it); tests/unit/test_pin_rounds.py checks the production count."""
    from api import tokens

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tokens, "PIN_ITERATIONS", TEST_PIN_ITERATIONS)
        yield


def _postgres_or_skip() -> None:
    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI and is not reachable at {PG_ADMIN_URL}: {error}")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of this test session's own, dropped at the end."""
    _postgres_or_skip()
    name = f"foodtrace_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# DELETE, not TRUNCATE, in one round trip: TRUNCATE of ~37 tables makes new files for each and took ~1 s per
# test on a busy machine; deleting the few rows a test leaves takes ~0.1 s.
_EMPTY = """DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
        EXECUTE format('DELETE FROM %I', r.tablename);
    END LOOP;
    FOR r IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' LOOP
        EXECUTE format('ALTER SEQUENCE %I RESTART', r.sequencename);
    END LOOP;
END $$"""


def empty_postgres(url: str) -> None:
    """As new: no rows, and the log's notification ids start again at 1.

    Left to run on, the ids of a late test would start in the tens of thousands, and a projector walks the log
    from 0 a chunk of ids at a time: a view's first catch-up took minutes, and how long depended on which tests
    ran before it on that worker.
    """
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(_EMPTY)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store on each backend: every ledger test runs on both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    url: str = request.getfixturevalue("postgres_url")
    empty_postgres(url)
    return url


@pytest.fixture
def ledger(database_url: str) -> Iterator[Ledger]:
    from api.settings import eventsourcing_env

    app = Ledger(env=eventsourcing_env(database_url))
    yield app
    app.close()


@pytest.fixture
def county(ledger: Ledger) -> County:
    return County.set_up(ledger)
