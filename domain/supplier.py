"""Supplier (供应商): licence and the tender period in which it may deliver (§3: 一年一招标)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolation
from domain.ids import stream_id
from domain.suspension import ReinstatedEvent, Suspendable, SuspendedEvent
from domain.validity import check_period, valid_on
from domain.values import Principal


def supplier_id(code: str) -> UUID:
    return stream_id("supplier", code)


LICENCE_ZH, TENDER_ZH = "食品经营许可证", "中标供货期"


class Supplier(Suspendable, Aggregate):
    create_id = staticmethod(supplier_id)

    @event("Registered")
    def __init__(
        self,
        code: str,
        name: str,
        licence_number: str,
        licence_valid_from: date,
        licence_valid_until: date,
        tender_start: date,
        tender_end: date,
        by: Principal,
        at: datetime,
    ) -> None:
        self.code = code
        self.name = name
        self._set_licence(licence_number, licence_valid_from, licence_valid_until)
        self._set_tender(tender_start, tender_end)
        self.suspended_reason = ""

    def renew_licence(self, number: str, valid_from: date, valid_until: date, by: Principal, at: datetime) -> None:
        check_period(valid_from, valid_until, "valid_until", LICENCE_ZH, "the licence")
        self._licence_renewed(number, valid_from, valid_until, by=by, at=at)

    @event("LicenceRenewed")
    def _licence_renewed(self, number: str, valid_from: date, valid_until: date, by: Principal, at: datetime) -> None:
        self._set_licence(number, valid_from, valid_until)

    def _set_licence(self, number: str, valid_from: date, valid_until: date) -> None:
        self.licence_number = number
        self.licence_valid_from = valid_from
        self.licence_valid_until = valid_until

    def award_tender(self, start: date, end: date, by: Principal, at: datetime) -> None:
        check_period(start, end, "end", TENDER_ZH, "the tender period")
        self._tender_awarded(start, end, by=by, at=at)

    @event("TenderAwarded")
    def _tender_awarded(self, start: date, end: date, by: Principal, at: datetime) -> None:
        self._set_tender(start, end)

    def _set_tender(self, start: date, end: date) -> None:
        self.tender_start = start
        self.tender_end = end

    class Suspended(SuspendedEvent):
        """暂停供货: its deliveries are refused, saying why."""

    class Reinstated(ReinstatedEvent):
        """恢复供货."""

    def check_may_deliver(self, day: date) -> None:
        """A delivery is refused from a supplier without a valid licence or outside its tender period."""
        if self.suspended_reason:
            raise RuleViolation(
                zh=f"供应商{self.name}已被暂停供货（{self.suspended_reason}），拒收",
                en=f"supplier {self.name} is suspended ({self.suspended_reason}); delivery refused",
            )
        if not valid_on(day, self.licence_valid_from, self.licence_valid_until):
            raise RuleViolation(
                zh=f"供应商{self.name}的食品经营许可证在{day.isoformat()}无效，拒收",
                en=f"supplier {self.name} has no valid licence on {day.isoformat()}; delivery refused",
            )
        if not valid_on(day, self.tender_start, self.tender_end):
            raise RuleViolation(
                zh=f"供应商{self.name}不在中标供货期内，拒收",
                en=f"supplier {self.name} is outside its tender period on {day.isoformat()}; refused",
            )
