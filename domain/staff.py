"""StaffMember (从业人员): the two certificates (二证, §12), daily health checks (晨午检) and suspension."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import Refusal, RuleViolation, ValidationError, refused
from domain.ids import stream_id
from domain.suspension import ReinstatedEvent, Suspendable, SuspendedEvent
from domain.validity import check_period, valid_on
from domain.values import Principal, Role


def staff_id(person_id: str) -> UUID:
    return stream_id("staff", person_id)


@dataclass(frozen=True)
class StaffCertificate:
    number: str
    valid_from: date
    valid_until: date

    def valid_on(self, day: date) -> bool:
        return valid_on(day, self.valid_from, self.valid_until)


class StaffMember(Suspendable, Aggregate):
    create_id = staticmethod(staff_id)

    @classmethod
    def register(
        cls, person_id: str, name: str, school_id: str | None, roles: list[str], by: Principal, at: datetime
    ) -> StaffMember:
        if not roles:
            raise ValidationError(
                zh="请至少选择一个岗位角色", en="a staff member needs at least one role", field="roles"
            )
        return cls(person_id, name, school_id, sorted({Role(r).value for r in roles}), by=by, at=at)

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

    def record_certificate(
        self, kind: str, number: str, valid_from: date, valid_until: date, by: Principal, at: datetime
    ) -> None:
        """二证: ``kind`` is "health" (健康证) or "training" (培训合格证); each has its own event."""
        recorded = {"health": self._health_certificate_recorded, "training": self._training_certificate_recorded}
        if kind not in recorded:
            raise ValidationError(
                zh="证件类型应为健康证或培训合格证", en="kind must be health or training", field="kind"
            )
        check_period(valid_from, valid_until, "valid_until", "证件有效期", "the certificate")
        recorded[kind](number, valid_from, valid_until, by=by, at=at)

    @event("HealthCertificateRecorded")
    def _health_certificate_recorded(
        self, number: str, valid_from: date, valid_until: date, by: Principal, at: datetime
    ) -> None:
        self.health_certificate = StaffCertificate(number, valid_from, valid_until)

    @event("TrainingCertificateRecorded")
    def _training_certificate_recorded(
        self, number: str, valid_from: date, valid_until: date, by: Principal, at: datetime
    ) -> None:
        self.training_certificate = StaffCertificate(number, valid_from, valid_until)

    @event("HealthChecked")
    def record_health_check(self, day: date, passed: bool, notes: str, by: Principal, at: datetime) -> None:
        self.health_checks[day] = passed

    class Suspended(SuspendedEvent):
        """调岗停岗: off food work at once, until reinstated."""

    class Reinstated(ReinstatedEvent):
        """复岗."""

    def fitness_refusals(self, day: date, require_daily_check: bool) -> list[Refusal]:
        return fitness_refusals(
            day,
            health_certificate=self.health_certificate,
            training_certificate=self.training_certificate,
            suspended_reason=self.suspended_reason,
            health_check=self.health_checks.get(day),
            require_daily_check=require_daily_check,
        )

    def check_fit_for_food_work(self, day: date, require_daily_check: bool) -> None:
        """Refuse a hand-off by someone who may not handle food on that day."""
        refusals = self.fitness_refusals(day, require_daily_check)
        if refusals:
            error = refused(refusals, "不能经手食材", "may not handle food")
            raise RuleViolation(
                zh=f"{self.name}（{self.person_id}）{error.zh}",
                en=f"{self.name} ({self.person_id}): {error.en}",
                person_id=self.person_id,
                **error.details,
            )


def fitness_refusals(
    day: date,
    health_certificate: StaffCertificate | None,
    training_certificate: StaffCertificate | None,
    suspended_reason: str,
    health_check: bool | None,
    require_daily_check: bool,
) -> list[Refusal]:
    """§12 二证 and 晨午检: why a person may not handle food on ``day``; none means fit.

    The one home of this rule: the aggregate passes its state; the trace views pass the history as it stood.
    ``health_check`` is that day's check (None: not recorded), ``suspended_reason`` empty unless 调岗停岗.
    """
    refusals = []
    if suspended_reason:
        refusals.append(
            Refusal("suspended", f"已停岗（{suspended_reason}）", f"suspended from food work ({suspended_reason})")
        )
    for code, certificate, zh, en in (
        ("no_health_certificate", health_certificate, "健康证", "health certificate"),
        ("no_training_certificate", training_certificate, "培训合格证", "training certificate"),
    ):
        if certificate is None or not certificate.valid_on(day):
            refusals.append(Refusal(code, f"{day.isoformat()}没有有效的{zh}", f"no valid {en} on {day.isoformat()}"))
    if health_check is False:
        refusals.append(Refusal("failed_health_check", "当日晨检未通过", "failed the day's health check"))
    elif health_check is None and require_daily_check:
        refusals.append(Refusal("no_health_check", "当日未做晨检", "no health check recorded for the day"))
    return refusals
