"""School (学校): where batches are received, stored and eaten."""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.values import Principal

SCHOOL_NAMESPACE = uuid5(NAMESPACE_URL, "https://foodtrace.invalid/school")


def school_id(code: str) -> UUID:
    return uuid5(SCHOOL_NAMESPACE, code)


class School(Aggregate):
    @staticmethod
    def create_id(code: str) -> UUID:
        return school_id(code)

    @event("Registered")
    def __init__(self, code: str, name: str, district: str, by: Principal, at: datetime) -> None:
        self.code = code
        self.name = name
        self.district = district
