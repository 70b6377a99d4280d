"""The oracle's store: one Ledger and one projector per backend, emptied before each generated history."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from api.settings import eventsourcing_env
from domain.ledger import Ledger
from projections.service import Projections
from tests.conftest import empty_postgres
from tests.oracle.county import Clock
from tests.oracle.machine import CountyHistory
from tests.oracle.oracle import Mismatch, mismatches


def empty_sqlite(*files: Path) -> None:
    for file in files:
        with sqlite3.connect(file) as connection:
            tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
            for (table,) in tables:
                if table != "sqlite_sequence":
                    connection.execute(f'DELETE FROM "{table}"')


@dataclass
class Store:
    database_url: str
    clocks: list[Clock] = field(default_factory=lambda: [Clock()])

    def __post_init__(self) -> None:
        self.env = eventsourcing_env(self.database_url)
        self.ledger = Ledger(env=self.env, clock=lambda: self.clocks[-1]())
        self.views = Projections(self.env, ledger=self.ledger, chunk_size=50)

    def open(self, clock: Clock) -> tuple[Ledger, Projections]:
        """An empty store whose ledger runs on ``clock``."""
        if self.database_url.startswith("sqlite"):
            ledger_file = Path(self.env["SQLITE_DBNAME"])
            empty_sqlite(ledger_file, ledger_file.with_name(ledger_file.stem + ".views.sqlite3"))
        else:
            empty_postgres(self.database_url)
        self.ledger.forget_cached()  # its cache holds the last history's records
        self.clocks.append(clock)
        return self.ledger, self.views

    def machine(self, judge: Callable[[list[Mismatch]], None]) -> type[CountyHistory]:
        """The state machine on this store; at its teardown the views catch up and ``judge`` gets the mismatches."""
        store = self

        class CountyHistoryHere(CountyHistory):
            open_store = staticmethod(store.open)

            def teardown(self) -> None:
                store.views.catch_up()
                judge(mismatches(store.ledger, store.views, self.today))

        return CountyHistoryHere

    def close(self) -> None:
        self.views.close()
        self.ledger.close()


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    found = Store(database_url)
    yield found
    found.close()
