"""School (学校): where batches are received, stored and eaten."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import stream_id
from domain.values import Principal


def school_id(code: str) -> UUID:
    return stream_id("school", code)


class School(Aggregate):
    create_id = staticmethod(school_id)

    @event("Registered")
    def __init__(self, code: str, name: str, district: str, by: Principal, at: datetime) -> None:
        self.code = code
        self.name = name
        self.district = district
