"""Whether a person could handle food at a given moment (§12), as the domain's ``fitness_refusals`` judges it.

Read from the trace index's staff history as it stood then: the latest health and training certificates
recorded before the moment, valid on its local date; the latest suspension or reinstatement before it; and
that day's health check recorded before it, if any.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from domain.staff import StaffCertificate, fitness_refusals
from projections.rows import Row, plain
from projections.store import Select

if TYPE_CHECKING:
    from projections.service import Reader

Handled = tuple[str, str, str, str]  # person, what they did, batch code, local ISO time


def staff_selects(handled: list[Handled]) -> list[Select]:
    """The queries of ``people_status``, to send with others in one round trip (``Reader.select_many``)."""
    persons = sorted({person for person, *_ in handled})
    return [
        Select("SELECT person_id, name, school, roles FROM view_trace_staff WHERE person_id IN", keys=persons),
        Select("SELECT * FROM view_trace_staff_events WHERE person_id IN", keys=persons),
    ]


def people_status(r: Reader, handled: list[Handled], answers: list[list[Row]] | None = None) -> list[Row]:
    """One entry per person, each hand-off with their status at that moment (``answers``: staff_selects')."""
    persons = sorted({person for person, *_ in handled})
    staff_rows, event_rows = r.select_many(staff_selects(handled)) if answers is None else answers
    staff = {row["person_id"]: plain(row, r.zone) for row in staff_rows}
    history: dict[str, list[Row]] = defaultdict(list)
    for row in event_rows:
        history[row["person_id"]].append(plain(row, r.zone))
    for events in history.values():
        events.sort(key=lambda e: e["version"])
    daily = r.profile.require_daily_health_check
    by_person: dict[str, list[Handled]] = defaultdict(list)
    for entry in sorted(set(handled), key=lambda h: (h[3], h[2], h[1])):
        by_person[entry[0]].append(entry)
    found = []
    for person in persons:
        member = staff.get(person, {"person_id": person, "name": None, "school": None, "roles": ""})
        judge = _Judge(history[person], daily)
        entries = [
            {"what": what, "batch": code, "at": when, **judge.status_at(datetime.fromisoformat(when))}
            for _, what, code, when in by_person[person]
        ]
        found.append({**member, "roles": [r for r in member["roles"].split(",") if r], "handled": entries})
    return found


class _Judge:
    """``status_at`` for one person's many hand-offs, each history judged once.

    A busy lunch has hundreds of hand-offs and a person years of events; judging each hand-off from the whole
    history costs hand-offs × events. When the events' times run in the order they were recorded (as they do
    unless a late entry went in), what a person's history was at a moment is a prefix of it: the hand-offs of a
    day that find the same prefix get the same status, judged once. Otherwise each is judged in full.
    """

    def __init__(self, events: list[Row], require_daily_check: bool) -> None:
        self.events = events
        self.require_daily_check = require_daily_check
        self.times = [datetime.fromisoformat(e["at"]) for e in events]
        self.in_order = all(a <= b for a, b in zip(self.times, self.times[1:], strict=False))
        self.judged: dict[tuple[int, date], dict[str, Any]] = {}

    def status_at(self, moment: datetime) -> dict[str, Any]:
        if not self.in_order:
            return status_at(self.events, moment, self.require_daily_check, self.times)
        known = bisect_right(self.times, moment)
        key = (known, moment.date())
        if key not in self.judged:
            self.judged[key] = status_at(self.events[:known], moment, self.require_daily_check, self.times[:known])
        status = self.judged[key]
        # Each hand-off its own certificate entries: nothing in one answer is another's.
        return {**status, **{k: dict(status[k]) for k in _CERTIFICATES if status[k] is not None}}


_CERTIFICATES = ("health_certificate", "training_certificate")


def status_at(
    events: list[Row], moment: datetime, require_daily_check: bool, times: list[datetime] | None = None
) -> dict[str, Any]:
    """The person's history as it stood at ``moment``, judged by the domain's own rule (``fitness_refusals``).

    ``times``: each event's ``at`` already read, in the same order.
    """
    day = moment.date()
    times = [datetime.fromisoformat(e["at"]) for e in events] if times is None else times
    before = [e for e, at in zip(events, times, strict=True) if at <= moment]
    certificates = {}
    for kind in ("health", "training"):
        latest = [e for e in before if e["kind"] == kind][-1:]
        certificates[kind] = (
            StaffCertificate(
                latest[0]["number"],
                date.fromisoformat(latest[0]["valid_from"]),
                date.fromisoformat(latest[0]["valid_until"]),
            )
            if latest
            else None
        )
    suspensions = [e for e in before if e["kind"] in ("suspended", "reinstated")][-1:]
    suspended = bool(suspensions) and suspensions[0]["kind"] == "suspended"
    # That day's check as recorded by the moment: the domain judged the hand-off with what it knew then.
    checks = [e for e in before if e["kind"] == "check" and e["day"] == day.isoformat()][-1:]
    check = checks[0]["passed"] if checks else None
    refusals = fitness_refusals(
        day,
        health_certificate=certificates["health"],
        training_certificate=certificates["training"],
        suspended_reason=(suspensions[0]["reason"] or "suspended") if suspended else "",
        health_check=check,
        require_daily_check=require_daily_check,
    )
    return {
        "day": day.isoformat(),
        "health_certificate": _certificate(certificates["health"], day),
        "training_certificate": _certificate(certificates["training"], day),
        "suspended": suspended,
        "suspension_reason": suspensions[0]["reason"] if suspended else None,
        "health_check_passed": check,
        "fit_for_food_work": not refusals,
    }


def _certificate(certificate: StaffCertificate | None, day: date) -> Row | None:
    if certificate is None:
        return None
    return {
        "number": certificate.number,
        "valid_from": certificate.valid_from.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "valid": certificate.valid_on(day),
    }
