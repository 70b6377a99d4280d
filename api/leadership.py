"""Which of several server workers runs the followers: the views' projector, the outbox and the checkpoint schedule.

``foodtrace serve --workers N`` starts N processes on one database. Each answers requests; only one follows the log,
the one holding a PostgreSQL advisory lock (session-level, on a connection of its own, per database). The others try
again every few seconds, so when the leader stops, another takes over. Two followers at once would still be
correct (every follower checks its position under the view's or the feed's lock), only twice the work.

A worker that is not the leader and waits for the views (a read with ``?after=``) wakes the leader with a NOTIFY on
``foodtrace_wake``: the leader LISTENs on its lock's connection and catches up at once, not at its next round.

With SQLite there is one worker (the CLI refuses more), which always leads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import psycopg
from eventsourcing.postgres import PostgresDatastore

from domain.ledger import Ledger

log = logging.getLogger(__name__)
LOCK_KEY = 0x466F6F6454726163  # "FoodTrac": one leader per database
CHANNEL = "foodtrace_wake"
RETRY_SECONDS = 2.0


class Leadership:
    """``lead`` runs once this worker holds the lock; ``woken`` runs on each NOTIFY while it leads."""

    def __init__(self, ledger: Ledger, lead: Callable[[], None], woken: Callable[[], None]) -> None:
        self.lead = lead
        self.woken = woken
        datastore: Any = ledger.recorder.datastore  # type: ignore[attr-defined]
        self._datastore = datastore if isinstance(datastore, PostgresDatastore) else None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.leading = threading.Event()

    def start(self) -> None:
        if self._datastore is None:
            self.leading.set()
            self.lead()
            return
        self._thread = threading.Thread(target=self._run, name="foodtrace-leadership", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def wake_leader(self) -> None:
        """Ask the leader (in whichever worker) to catch up now."""
        if self._datastore is None:
            return
        with self._datastore.transaction(commit=True) as cursor:
            cursor.execute(f"NOTIFY {CHANNEL}")

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                with self._connect() as connection:
                    if self._try_lock(connection):
                        self._leading(connection)
            except psycopg.Error:
                log.exception("leadership: the database did not answer; trying again")
            self._stopping.wait(RETRY_SECONDS)

    def _try_lock(self, connection: psycopg.Connection[Any]) -> bool:
        row = connection.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()
        return bool(row and row[0])

    def _leading(self, connection: psycopg.Connection[Any]) -> None:
        connection.execute(f"LISTEN {CHANNEL}")
        if not self.leading.is_set():  # once: after a lost connection the followers are still running here
            self.leading.set()
            log.info("this worker follows the log (projector, outbox, checkpoints)")
            self.lead()
        while not self._stopping.is_set():
            for _ in connection.notifies(timeout=1.0):
                self.woken()

    def _connect(self) -> psycopg.Connection[Any]:
        assert self._datastore is not None
        info: dict[str, Any] = dict(self._datastore.pool.kwargs or {})  # type: ignore[arg-type]
        info.pop("row_factory", None)
        return psycopg.connect(**info, autocommit=True)
