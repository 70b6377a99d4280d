"""IdempotencyRecord: the first result of a command sent with an idempotency key.

It is saved in the same transaction as the command's own events, so a retry either finds it (and gets
the first result back) or the command never happened.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

IDEMPOTENCY_NAMESPACE = uuid5(NAMESPACE_URL, "https://foodtrace.invalid/idempotency")


def idempotency_id(person_id: str, key: str) -> UUID:
    """Keys are scoped to the person who sent them: two suppliers may both use key "1"."""
    return uuid5(IDEMPOTENCY_NAMESPACE, f"{person_id}\x1f{key}")


class IdempotencyRecord(Aggregate):
    @staticmethod
    def create_id(person_id: str, key: str) -> UUID:
        return idempotency_id(person_id, key)

    @event("Recorded")
    def __init__(self, person_id: str, key: str, fingerprint: str, result: dict[str, Any]) -> None:
        self.fingerprint = fingerprint
        self.result = result
