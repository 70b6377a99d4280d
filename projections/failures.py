"""A view that fails on one event stops there and says so: the event, the error, since when, how many tries.

The projector records it in ``view_failures`` (beside the view's rows, so ``foodtrace projections status`` in
another process sees it) and logs one alert line; it never skips the event, because a view that silently
lacks an event would answer an investigation differently from a replay of the log. It tries again later, so a
fix (new code, a database back) resumes the view by itself, and the record is cleared once it has passed.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from eventsourcing.persistence import ConnectionPoolClosedError, InterfaceError, OperationalError

from projections.projection import LEDGER, ChunkProjection, Numbered
from projections.store import PositionMoved, PostgresView, SQLiteView

log = logging.getLogger("foodtrace.projections")
ALERT = "ALERT view stalled"  # stable prefix for log monitoring


class ViewFailed(Exception):
    """A view's handler (or the event's decoding) failed on this notification; the view stopped before it."""

    def __init__(self, notification_id: int, error: BaseException) -> None:
        super().__init__(f"notification {notification_id}: {type(error).__name__}: {error}")
        self.notification_id = notification_id
        self.error = error


@dataclass(frozen=True)
class DecodingFailed:
    """The events of a chunk up to one that could not be decoded, and that one's failure."""

    events: list[Numbered]
    failed: ViewFailed


# Errors of the database rather than of an event: the chunk is tried again as a whole, no event is blamed.
NOT_THE_EVENTS_FAULT = (
    PositionMoved,
    OperationalError,
    InterfaceError,
    ConnectionPoolClosedError,
    psycopg.OperationalError,
    sqlite3.OperationalError,
)


def settle(projection: ChunkProjection, events: Sequence[Numbered] | DecodingFailed, expected: int, to: int) -> None:
    """Apply a chunk; when it fails, apply the events before the first one that fails and raise ViewFailed for it.

    Halving finds that event in a few transactions; the events before it are committed, so the view stops
    exactly at it.
    """
    if isinstance(events, DecodingFailed):
        good, failed = events.events, events.failed
        if failed.notification_id - 1 > expected:
            settle(projection, good, expected, failed.notification_id - 1)
        raise failed
    try:
        projection.process(events, expected, to)
    except NOT_THE_EVENTS_FAULT:
        raise
    except Exception as error:
        if not events or not _answers(projection):
            raise
        if len(events) == 1:
            raise ViewFailed(events[0][0], error) from error
        middle = len(events) // 2
        reached = events[middle][0] - 1
        settle(projection, events[:middle], expected, reached)
        settle(projection, events[middle:], reached, to)


def _answers(projection: ChunkProjection) -> bool:
    """Whether the view's database answers now: if not, the failure was the database's, not an event's."""
    try:
        projection.view.max_tracking_id(LEDGER)
    except Exception:
        return False
    return True


def record_failure(view: PostgresView | SQLiteView, name: str, failed: ViewFailed) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    error = f"{type(failed.error).__name__}: {failed.error}"[:2000]
    view.write(
        "INSERT INTO view_failures (view_name, notification_id, error, failed_at, last_attempt_at, attempts) "
        "VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (view_name) DO UPDATE SET error = excluded.error, "
        "last_attempt_at = excluded.last_attempt_at, "
        "failed_at = CASE WHEN view_failures.notification_id = excluded.notification_id "
        "THEN view_failures.failed_at ELSE excluded.failed_at END, "
        "attempts = CASE WHEN view_failures.notification_id = excluded.notification_id "
        "THEN view_failures.attempts + 1 ELSE 1 END, notification_id = excluded.notification_id",
        (name, failed.notification_id, error, now, now),
    )
    found = failure_of(view, name)
    assert found is not None
    if found["attempts"] == 1:  # one alert per stall, not one per retry
        log.error(
            "%s: %s stopped at notification %d (%s); its lag grows until this is fixed",
            ALERT, name, failed.notification_id, error,
        )  # fmt: skip
    return found


def failure_of(view: PostgresView | SQLiteView, name: str) -> dict[str, Any] | None:
    rows = view.select(
        "SELECT notification_id, error, failed_at, last_attempt_at, attempts FROM view_failures WHERE view_name = ?",
        (name,),
    )
    return dict(rows[0]) if rows else None


def clear_failure(view: PostgresView | SQLiteView, name: str) -> None:
    if failure_of(view, name) is not None:
        view.write("DELETE FROM view_failures WHERE view_name = ?", (name,))
        log.warning("view %s passed the event it had stopped at; it is following the log again", name)
