"""FoodSample (食品留样, §14): a sealed portion of one dish of one meal, kept refrigerated."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from domain.clock import county_time
from domain.errors import RuleViolation
from domain.values import Meal, Principal


class FoodSample(Aggregate):
    @staticmethod
    def create_id() -> UUID:
        return uuid4()

    @event("Retained")
    def __init__(
        self,
        school_id: str,
        meal_date: date,
        meal: str,
        dish: str,
        grams: int,
        sealed_at: datetime,
        keep_until: datetime,
        fridge: str,
        sealed_by: str,
        batch_codes: list[str],
        by: Principal,
        at: datetime,
    ) -> None:
        # keep_until is fixed when the sample is sealed, under the profile then in force.
        self.school_id = school_id
        self.meal_date = meal_date
        self.meal = Meal(meal)
        self.dish = dish
        self.grams = grams
        self.sealed_at = sealed_at
        self.keep_until = keep_until
        self.fridge = fridge
        self.sealed_by = sealed_by
        self.batch_codes = list(batch_codes)
        self.disposed_at: datetime | None = None
        self.sent_to: str = ""

    def dispose(self, reason: str, by: Principal, at: datetime, zone: tzinfo) -> None:
        """``zone``: the county's, in which the refusal names the keep-until time."""
        self._check_still_kept()
        if at < self.keep_until and not reason.strip():
            until = county_time(self.keep_until, zone).isoformat(timespec="minutes")
            raise RuleViolation(
                zh=f"留样须保存至{until}，提前处理须写明原因",
                en=f"the sample must be kept until {until}; give a reason to dispose of it earlier",
            )
        self._disposed(reason, by=by, at=at)

    @event("Disposed")
    def _disposed(self, reason: str, by: Principal, at: datetime) -> None:
        self.disposed_at = at

    def send_to_laboratory(self, laboratory: str, reason: str, by: Principal, at: datetime) -> None:
        self._check_still_kept()
        self._sent_to_laboratory(laboratory, reason, by=by, at=at)

    @event("SentToLaboratory")
    def _sent_to_laboratory(self, laboratory: str, reason: str, by: Principal, at: datetime) -> None:
        self.sent_to = laboratory

    def _check_still_kept(self) -> None:
        if self.disposed_at is not None or self.sent_to:
            raise RuleViolation(zh="该留样已处理或已送检", en="this sample was already disposed of or sent away")
