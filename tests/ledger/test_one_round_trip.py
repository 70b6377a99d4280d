"""A write on PostgreSQL holds the lock that orders every writer only while PostgreSQL runs it, not while Python
gets round to sending its COMMIT.

The library's insert waits for the INSERT's answer and then sends COMMIT in a second round trip: between the two, in
a busy server, the writing thread waits for the GIL and every other writer waits for it. Here the COMMIT goes with
the INSERT. The test stops the first writer just after its answers are in and before it reads them; a second writer,
which gives up on a lock held for over a second, must still get through.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from eventsourcing.persistence import StoredEvent

from api.checked_writes import CheckedPostgresRecorder
from api.settings import eventsourcing_env
from domain.ledger import Ledger
from tests.conftest import empty_postgres


@pytest.fixture
def two_writers(postgres_url: str) -> Iterator[tuple[Ledger, Ledger]]:
    empty_postgres(postgres_url)
    first = Ledger(env=eventsourcing_env(postgres_url))
    second = Ledger(env={**eventsourcing_env(postgres_url), "POSTGRES_LOCK_TIMEOUT": "1"})
    yield first, second
    first.close()
    second.close()


def event() -> StoredEvent:
    return StoredEvent(uuid.uuid4(), 1, "tests:Written", b"{}")


@pytest.mark.parametrize("checked", [False, True], ids=["plain", "checking what it read"])
def test_a_writer_stalled_after_its_insert_does_not_hold_up_the_next(
    two_writers: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch, checked: bool
) -> None:
    first, second = two_writers
    recorder = first.recorder
    assert isinstance(recorder, CheckedPostgresRecorder)
    read = event()
    recorder.insert_events([read])
    answered, go_on = threading.Event(), threading.Event()
    fetch = recorder._fetch_ids_after_insert_events

    def stalled(curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        answered.set()
        go_on.wait()
        return fetch(curs, stored_events, **kwargs)

    monkeypatch.setattr(recorder, "_fetch_ids_after_insert_events", stalled)
    kwargs = {"read_versions": {read.originator_id: 1}} if checked else {}
    found: list[Sequence[int] | None] = []
    writer = threading.Thread(target=lambda: found.append(recorder.insert_events([event()], **kwargs)))
    writer.start()
    try:
        assert answered.wait(timeout=120), "the first writer's insert never came back"
        later = second.recorder.insert_events([event()])  # gives up after a second's wait for the lock
    finally:
        go_on.set()
        writer.join()
    assert found and found[0] and later
    assert max(found[0]) < min(later)  # written, committed and numbered in the order they took the lock
