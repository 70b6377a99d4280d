"""IdempotencyRecord: the first result of a command sent with an idempotency key.

It is saved in the same transaction as the command's own events, so a retry either finds it (and gets
the first result back) or the command never happened.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import stream_id


def idempotency_id(person_id: str, key: str) -> UUID:
    """Keys are scoped to the person who sent them: two suppliers may both use key "1"."""
    return stream_id("idempotency", person_id, key)


class IdempotencyRecord(Aggregate):
    create_id = staticmethod(idempotency_id)

    @event("Recorded")
    def __init__(self, person_id: str, key: str, fingerprint: str, result: dict[str, Any]) -> None:
        self.fingerprint = fingerprint
        self.result = result
