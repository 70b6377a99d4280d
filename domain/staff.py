"""StaffMember (从业人员): the two certificates (二证, §12), daily health checks (晨午检) and suspension."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolation, ValidationError
from domain.values import Principal, Role

STAFF_NAMESPACE = uuid5(NAMESPACE_URL, "https://foodtrace.invalid/staff")


def staff_id(person_id: str) -> UUID:
    return uuid5(STAFF_NAMESPACE, person_id)


@dataclass(frozen=True)
class StaffCertificate:
    number: str
    valid_from: date
    valid_until: date

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_until


class StaffMember(Aggregate):
    @staticmethod
    def create_id(person_id: str) -> UUID:
        return staff_id(person_id)

    @classmethod
    def register(
        cls, person_id: str, name: str, school_id: str | None, roles: list[str], by: Principal, at: datetime
    ) -> StaffMember:
        if not roles:
            raise ValidationError(
                zh="请至少选择一个岗位角色", en="a staff member needs at least one role", field="roles"
            )
        return cls(person_id, name, school_id, sorted({Role(r).value for r in roles}), by, at)

    @event("Registered")
    def __init__(
        self, person_id: str, name: str, school_id: str | None, roles: list[str], by: Principal, at: datetime
    ) -> None:
        self.person_id = person_id
        self.name = name
        self.school_id = school_id
        self.roles = list(roles)
        self.health_certificate: StaffCertificate | None = None
        self.training_certificate: StaffCertificate | None = None
        self.health_checks: dict[date, bool] = {}
        self.suspended_reason = ""

    def record_health_certificate(
        self, number: str, valid_from: date, valid_until: date, by: Principal, at: datetime
    ) -> None:
        _check_validity(valid_from, valid_until)
        self._health_certificate_recorded(number, valid_from, valid_until, by=by, at=at)

    @event("HealthCertificateRecorded")
    def _health_certificate_recorded(
        self, number: str, valid_from: date, valid_until: date, by: Principal, at: datetime
    ) -> None:
        self.health_certificate = StaffCertificate(number, valid_from, valid_until)

    def record_training_certificate(
        self, number: str, valid_from: date, valid_until: date, by: Principal, at: datetime
    ) -> None:
        _check_validity(valid_from, valid_until)
        self._training_certificate_recorded(number, valid_from, valid_until, by=by, at=at)

    @event("TrainingCertificateRecorded")
    def _training_certificate_recorded(
        self, number: str, valid_from: date, valid_until: date, by: Principal, at: datetime
    ) -> None:
        self.training_certificate = StaffCertificate(number, valid_from, valid_until)

    @event("HealthChecked")
    def record_health_check(self, day: date, passed: bool, notes: str, by: Principal, at: datetime) -> None:
        self.health_checks[day] = passed

    @event("Suspended")
    def suspend(self, reason: str, by: Principal, at: datetime) -> None:
        """调岗停岗: off food work at once, until reinstated."""
        self.suspended_reason = reason or "suspended"

    @event("Reinstated")
    def reinstate(self, reason: str, by: Principal, at: datetime) -> None:
        self.suspended_reason = ""

    def check_fit_for_food_work(self, day: date, require_daily_check: bool) -> None:
        """Refuse a hand-off by someone who may not handle food on that day."""
        who = f"{self.name}（{self.person_id}）"
        if self.suspended_reason:
            raise RuleViolation(
                zh=f"{who}已停岗（{self.suspended_reason}），不能经手食材",
                en=f"{self.name} ({self.person_id}) is suspended from food work ({self.suspended_reason})",
                person_id=self.person_id,
            )
        for certificate, zh, en in (
            (self.health_certificate, "健康证", "health certificate"),
            (self.training_certificate, "培训合格证", "training certificate"),
        ):
            if certificate is None or not certificate.valid_on(day):
                raise RuleViolation(
                    zh=f"{who}在{day.isoformat()}没有有效的{zh}，不能经手食材",
                    en=f"{self.name} ({self.person_id}) has no valid {en} on {day.isoformat()}",
                    person_id=self.person_id,
                )
        check = self.health_checks.get(day)
        if check is False or (require_daily_check and check is None):
            raise RuleViolation(
                zh=f"{who}当日晨检未通过，不能经手食材",
                en=f"{self.name} ({self.person_id}) has not passed today's health check",
                person_id=self.person_id,
            )


def _check_validity(valid_from: date, valid_until: date) -> None:
    if valid_until < valid_from:
        raise ValidationError(
            zh="证件有效期结束日期早于开始日期",
            en="the certificate ends before it starts",
            field="valid_until",
        )
