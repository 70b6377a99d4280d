"""The library's batched saves on this machine, now: what bench/dataset.py's rate is compared with, in the same run.

Aggregates of the bare library (``_bare.BareBatch``: a Received and five IssuedToKitchen events, about the
dataset's six events per aggregate) carry the content of one of the dataset's own receipts and issues, with
dates and the principal as the plain strings and dict the default transcoder knows. They are saved as many per
``save()`` as the dataset saves, into a table of their own in the same database (dropped afterwards), so the
two rates differ only by what our layer adds: the domain's rules and events, our transcodings, the loader.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

import psycopg
from _bare import RECEIVED, BareApplication, BareBatch, plain_fields  # bench/ is sys.path[0] when run
from eventsourcing.domain import Aggregate

from api.settings import eventsourcing_env
from domain.batch import IngredientBatch
from domain.values import Principal

ISSUES = 5  # IssuedToKitchen events per bare aggregate, after its Received


def plain(value: Any) -> Any:
    """A value as the default transcoder stores it without our transcodings."""
    if isinstance(value, Principal):
        return {"person_id": value.person_id, "role": value.role}
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return value.value if isinstance(value, Enum) else value


def fields_of(batch: Aggregate, event_name: str, names: Mapping[str, str]) -> dict[str, Any]:
    """The fields ``names`` of the batch's first pending event of that name, made plain."""
    found = next(e for e in batch.pending_events if type(e).__name__ == event_name)
    return {name: plain(getattr(found, name)) for name in names}


def library_rate(url: str, batch: Aggregate, events: int, per_save: int) -> float:
    """Events per second of ``events`` bare events saved ``per_save`` aggregates at a time, like ``batch``'s."""
    received = fields_of(batch, "Received", RECEIVED)
    issued = fields_of(batch, "IssuedToKitchen", plain_fields(IngredientBatch.IssuedToKitchen))
    app = BareApplication(env=eventsourcing_env(url))
    try:
        saved, started = 0, time.perf_counter()
        while saved < events:
            batches = [BareBatch.receive(**received) for _ in range(per_save)]
            for bare in batches:
                for _ in range(ISSUES):
                    bare.issue_to_kitchen(**issued)
            app.save(*batches)
            saved += per_save * (1 + ISSUES)
        return saved / (time.perf_counter() - started)
    finally:
        app.close()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS bareapplication_events")
