"""A trace's people: each hand-off judged by the person's history as it stood then (status_at), however many.

people_status judges a busy lunch's hundreds of hand-offs from each person's history once per moment it finds
(projections/staff_status._Judge); these tests hold it to the plain rule, status_at of the whole history at every
hand-off, on histories recorded in order and with late entries (times out of order).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from projections.rows import Row
from projections.service import Reader
from projections.staff_status import Handled, people_status, status_at

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 2, 6, 0, tzinfo=ZONE)
KINDS = ("health", "training", "check", "suspended", "reinstated")


def moment(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


@st.composite
def histories(draw: st.DrawFn, person: str) -> list[Row]:
    """A person's staff events as the trace view gives them: certificates, checks, suspensions, by version."""
    count = draw(st.integers(0, 12))
    minutes = draw(st.lists(st.integers(0, 6 * 24 * 60), min_size=count, max_size=count))
    if draw(st.booleans()):
        minutes.sort()  # recorded in order: no late entry
    events = []
    for version, at in enumerate(minutes, start=1):
        kind = draw(st.sampled_from(KINDS))
        day = moment(at).date() + timedelta(days=draw(st.integers(-1, 1)))
        valid_from = date(2026, 3, 1) + timedelta(days=draw(st.integers(0, 5)))
        events.append({
            "person_id": person,
            "version": version,
            "kind": kind,
            "number": f"{kind[0].upper()}-{version}" if kind in ("health", "training") else None,
            "valid_from": valid_from.isoformat() if kind in ("health", "training") else None,
            "valid_until": (valid_from + timedelta(days=draw(st.integers(0, 4)))).isoformat()
            if kind in ("health", "training")
            else None,
            "day": day.isoformat() if kind == "check" else None,
            "passed": draw(st.booleans()) if kind == "check" else None,
            "reason": draw(st.sampled_from(["", "发热", None])) if kind != "health" else None,
            "at": moment(at).isoformat(),
        })  # fmt: skip
    return events


@st.composite
def lunches(draw: st.DrawFn) -> tuple[list[Handled], list[Row], list[Row]]:
    persons = ["CG01-1", "CG01-2", "CG01-3"]
    staff = [{"person_id": p, "name": p, "school": "CG01", "roles": "storekeeper"} for p in persons[:2]]
    events = [e for p in persons for e in draw(histories(p))]
    handled = [
        (
            draw(st.sampled_from(persons)),
            draw(st.sampled_from(["received", "gave", "took"])),
            f"B{draw(st.integers(1, 5))}",
            moment(draw(st.integers(0, 6 * 24 * 60))).isoformat(),
        )
        for _ in range(draw(st.integers(1, 40)))
    ]
    return handled, staff, events


def reader(daily_check: bool) -> Reader:
    profile = SimpleNamespace(require_daily_health_check=daily_check)
    return cast(Reader, SimpleNamespace(zone=ZONE, profile=profile))


def judged_one_by_one(handled: list[Handled], events: list[Row], daily_check: bool) -> dict[tuple[str, str], Any]:
    """The plain rule: each hand-off, status_at of the person's whole history (in version order)."""
    history: dict[str, list[Row]] = {}
    for e in sorted(events, key=lambda e: e["version"]):
        history.setdefault(e["person_id"], []).append(e)
    return {
        (person, when): status_at(history.get(person, []), datetime.fromisoformat(when), daily_check)
        for person, _, _, when in handled
    }


@settings(max_examples=300, deadline=None)
@given(lunches(), st.booleans())
def test_every_hand_off_is_judged_as_the_plain_rule_judges_it(
    lunch: tuple[list[Handled], list[Row], list[Row]], daily_check: bool
) -> None:
    handled, staff, events = lunch
    found = people_status(reader(daily_check), handled, [staff, events])

    expected = judged_one_by_one(handled, events, daily_check)
    entries = [(person["person_id"], entry) for person in found for entry in person["handled"]]
    assert len(entries) == len(set(handled))
    for person, entry in entries:
        status = {k: v for k, v in entry.items() if k not in ("what", "batch", "at")}
        assert status == expected[(person, entry["at"])]


def test_a_busy_lunch_shares_no_certificate_entry_between_hand_offs() -> None:
    """Hand-offs judged alike get equal entries, each its own: changing one answer's entry changes no other."""
    events = [
        {"person_id": "CG01-1", "version": 1, "kind": "health", "number": "H-1", "valid_from": "2026-01-01",
         "valid_until": "2026-12-31", "day": None, "passed": None, "reason": None, "at": moment(0).isoformat()},
    ]  # fmt: skip
    handled = [("CG01-1", "gave", f"B{i}", moment(60 + i).isoformat()) for i in range(3)]
    found = people_status(reader(False), handled, [[], events])

    first, second, _ = found[0]["handled"]
    assert first["health_certificate"] == second["health_certificate"]
    first["health_certificate"]["valid"] = "changed"
    assert second["health_certificate"]["valid"] is True
