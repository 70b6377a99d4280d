"""How many PIN tries a person, and a client address, get: counted in the ledger's database before the hash.

A try is counted (atomically, one upsert) before the slow PIN hash runs, so a burst of concurrent guesses
cannot all pass a check made before any of them was recorded; and it is counted in the database, so every
server worker and process shares the count. A right PIN gives its try back: a kitchen lead who signs many
hand-offs in a morning is never locked out by their own signatures.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

from eventsourcing.postgres import PostgresDatastore

from api.errors import ApiError
from domain.ledger import Ledger

WINDOW_SECONDS = 15 * 60
TRIES_PER_PERSON = 5
TRIES_PER_ADDRESS = 30  # a school's phones may share one address behind its router
TABLE = "pin_tries"


@dataclass(frozen=True)
class Try:
    """One counted try: given back with ``PinLimits.succeeded`` when the PIN was right."""

    windows: tuple[tuple[str, float], ...]  # (subject, window start) of each counter it went into


class PinLimits:
    def __init__(self, ledger: Ledger) -> None:
        self.datastore: Any = ledger.recorder.datastore  # type: ignore[attr-defined]
        self.postgres = isinstance(self.datastore, PostgresDatastore)
        self._create_table()

    def try_pin(self, person_id: str, address: str | None, field: str = "pin") -> Try:
        """Count a try for this person and address, or refuse with 429 when either has used up its window."""
        now = time.time()
        subjects = [(f"person:{person_id}", TRIES_PER_PERSON), (f"address:{address or '-'}", TRIES_PER_ADDRESS)]
        windows, wait, fresh = [], 0.0, False
        for subject, limit in subjects:
            tries, started = self._count(subject, now)
            windows.append((subject, started))
            fresh = fresh or tries == 1
            if tries > limit:
                wait = max(wait, started + WINDOW_SECONDS - now)
        if fresh:
            self._forget_expired(now)  # so guessed person ids do not pile up
        if wait > 0:
            minutes = math.ceil(wait / 60)
            raise ApiError(
                429,
                "too_many_pin_attempts",
                f"PIN错误次数过多，请{minutes}分钟后再试",
                f"too many PIN tries; try again in {minutes} minutes",
                field,
                retry_after=math.ceil(wait),
            )
        return Try(tuple(windows))

    def succeeded(self, counted: Try) -> None:
        """The PIN was right: its try does not count against the person or the address."""
        mark = "%s" if self.postgres else "?"
        with self.datastore.transaction(commit=True) as cursor:
            for subject, started in counted.windows:
                cursor.execute(
                    f"UPDATE {TABLE} SET tries = tries - 1 WHERE subject = {mark} AND window_start = {mark} "
                    "AND tries > 0",
                    (subject, started),
                )

    def _count(self, subject: str, now: float) -> tuple[int, float]:
        """One atomic upsert: a new window once the old one has passed, else one more try in it."""
        mark = "%s" if self.postgres else "?"
        expired = f"{TABLE}.window_start <= {mark}"
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (subject, window_start, tries) VALUES ({mark}, {mark}, 1) "
                "ON CONFLICT (subject) DO UPDATE SET "
                f"window_start = CASE WHEN {expired} THEN excluded.window_start ELSE {TABLE}.window_start END, "
                f"tries = CASE WHEN {expired} THEN 1 ELSE {TABLE}.tries + 1 END "
                "RETURNING tries, window_start",
                (subject, now, now - WINDOW_SECONDS, now - WINDOW_SECONDS),
            )
            row = cursor.fetchone()
        if isinstance(row, dict):
            return int(row["tries"]), float(row["window_start"])
        return int(row[0]), float(row[1])

    def _forget_expired(self, now: float) -> None:
        mark = "%s" if self.postgres else "?"
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE window_start <= {mark}", (now - WINDOW_SECONDS,))

    def _create_table(self) -> None:
        statement = (
            f"CREATE TABLE IF NOT EXISTS {TABLE} "
            "(subject TEXT PRIMARY KEY, window_start DOUBLE PRECISION NOT NULL, tries INTEGER NOT NULL)"
        )
        index = f"CREATE INDEX IF NOT EXISTS {TABLE}_window ON {TABLE} (window_start)"
        try:
            with self.datastore.transaction(commit=True) as cursor:
                cursor.execute(statement)
                cursor.execute(index)
        except Exception:
            # Two processes creating it at once: one wins; the table is there for both.
            with self.datastore.transaction(commit=True) as cursor:
                cursor.execute(statement)
                cursor.execute(index)
