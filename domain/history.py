"""A batch's history as people read it: what happened, who did it, when it happened, when it was recorded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any

from domain.business_time import is_late, late_approval
from domain.clock import county_iso
from domain.glossary import BATCH_EVENTS, names_zh
from domain.rules import RulesProfile
from domain.values import Principal

_HIDDEN = {
    "originator_id",
    "originator_version",
    "originator_topic",
    "timestamp",
    "by",
    "at",
    "recorded_at",
    "late_approval",
}

WHAT_ZH = names_zh(BATCH_EVENTS)


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    what: str
    by: Principal
    at: datetime
    recorded_at: datetime
    details: dict[str, Any]
    late: bool = False  # 补录: recorded well after it happened (domain/business_time.py)
    late_approval: dict[str, str] | None = None

    @property
    def what_zh(self) -> str:
        return WHAT_ZH.get(self.what, self.what)

    def as_json(self, zone: tzinfo) -> dict[str, Any]:
        """The entry as an answer gives it: its times on the county's clock (``zone``), whatever they were stored in."""
        return {
            "version": self.version,
            "what": self.what,
            "what_zh": self.what_zh,
            "by": {"person_id": self.by.person_id, "role": self.by.role},
            "at": county_iso(self.at, zone),
            "recorded_at": county_iso(self.recorded_at, zone),
            "late": self.late,
            "late_approval": self.late_approval,
            "details": {k: _plain(v, zone) for k, v in self.details.items()},
        }


def history_entries(events: Iterable[Any], profile: RulesProfile) -> list[HistoryEntry]:
    """Each event as an entry: when it happened (``at``) and when it was recorded, 补录 when well after."""
    return [
        HistoryEntry(
            version=e.originator_version,
            what=type(e).__name__,
            by=e.by,
            at=e.at,
            recorded_at=e.recorded_at,
            details={k: v for k, v in vars(e).items() if k not in _HIDDEN},
            late=is_late(e.at, e.recorded_at, profile),
            late_approval=late_approval(e),
        )
        for e in events
    ]


def _plain(value: Any, zone: tzinfo) -> Any:
    if isinstance(value, datetime):
        return county_iso(value, zone)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return [_plain(v, zone) for v in value]
    return value
