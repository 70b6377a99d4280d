"""Whether a person could handle food at a given moment (§12): two valid certificates, not suspended, no failed check.

Read from the trace index's staff history as it stood then: the latest health and training certificates
recorded before the moment, valid on its local date; the latest suspension or reinstatement before it; and
that day's health check, if any.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from projections.rows import Row, plain

if TYPE_CHECKING:
    from projections.service import Reader

Handled = tuple[str, str, str, str]  # person, what they did, batch code, local ISO time


def people_status(r: Reader, handled: list[Handled]) -> list[Row]:
    """One entry per person, each hand-off with their status at that moment."""
    persons = sorted({person for person, *_ in handled})
    staff = {row["person_id"]: plain(row, r.zone) for row in r.select_in(
        "SELECT person_id, name, school, roles FROM view_trace_staff WHERE person_id IN", persons
    )}  # fmt: skip
    history: dict[str, list[Row]] = defaultdict(list)
    for row in r.select_in("SELECT * FROM view_trace_staff_events WHERE person_id IN", persons):
        history[row["person_id"]].append(plain(row, r.zone))
    for events in history.values():
        events.sort(key=lambda e: e["version"])
    found = []
    for person in persons:
        member = staff.get(person, {"person_id": person, "name": None, "school": None, "roles": ""})
        entries = [
            {"what": what, "batch": code, "at": when, **status_at(history[person], datetime.fromisoformat(when))}
            for p, what, code, when in sorted(set(handled), key=lambda h: (h[3], h[2], h[1]))
            if p == person
        ]
        found.append({**member, "roles": [r for r in member["roles"].split(",") if r], "handled": entries})
    return found


def status_at(events: list[Row], moment: datetime) -> dict[str, Any]:
    day = moment.date().isoformat()
    before = [e for e in events if datetime.fromisoformat(e["at"]) <= moment]
    certificates = {}
    for kind in ("health", "training"):
        latest = [e for e in before if e["kind"] == kind][-1:]
        certificates[kind] = (
            {
                "number": latest[0]["number"],
                "valid_from": latest[0]["valid_from"],
                "valid_until": latest[0]["valid_until"],
                "valid": latest[0]["valid_from"] <= day <= latest[0]["valid_until"],
            }
            if latest
            else None
        )
    suspensions = [e for e in before if e["kind"] in ("suspended", "reinstated")][-1:]
    suspended = bool(suspensions) and suspensions[0]["kind"] == "suspended"
    checks = [e for e in events if e["kind"] == "check" and e["day"] == day][-1:]
    check = checks[0]["passed"] if checks else None
    fit = all(c is not None and c["valid"] for c in certificates.values()) and not suspended and check is not False
    return {
        "day": day,
        "health_certificate": certificates["health"],
        "training_certificate": certificates["training"],
        "suspended": suspended,
        "suspension_reason": suspensions[0]["reason"] if suspended else None,
        "health_check_passed": check,
        "fit_for_food_work": fit,
    }
