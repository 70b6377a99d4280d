"""Suspension (暂停供货 / 调岗停岗): a supplier or a food worker taken off duty at once, until reinstated.

The rule lives here once. Each aggregate declares its own ``Suspended`` and ``Reinstated`` from these bases,
so a stored event's topic still names the aggregate (``Supplier.Suspended``, ``StaffMember.Suspended``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from eventsourcing.domain import Aggregate

from domain.values import Principal


class SuspendedEvent(Aggregate.Event):
    reason: str
    by: Principal
    at: datetime

    def apply(self, aggregate: Any) -> None:
        # A suspension without a reason still suspends.
        aggregate.suspended_reason = self.reason or "suspended"


class ReinstatedEvent(Aggregate.Event):
    reason: str
    by: Principal
    at: datetime

    def apply(self, aggregate: Any) -> None:
        aggregate.suspended_reason = ""


class Suspendable:
    """The commands, for an aggregate that declares ``Suspended`` and ``Reinstated`` from the bases above."""

    suspended_reason: str
    Suspended: type[SuspendedEvent]
    Reinstated: type[ReinstatedEvent]

    def suspend(self, reason: str, by: Principal, at: datetime) -> None:
        """Off duty at once, until reinstated."""
        cast(Aggregate, self).trigger_event(self.Suspended, reason=reason, by=by, at=at)

    def reinstate(self, reason: str, by: Principal, at: datetime) -> None:
        cast(Aggregate, self).trigger_event(self.Reinstated, reason=reason, by=by, at=at)
