"""Defects the oracle found (issue 9), each with the mismatches it explains.

A defect listed in ``OPEN`` is still unfixed on main: the generated histories tolerate the mismatches it
explains (and only those), and its minimal example in test_found_defects.py is a strict xfail, so the day it
is fixed that test turns red and the defect comes off this list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.oracle.oracle import Mismatch


@dataclass(frozen=True)
class Defect:
    name: str
    explains: Callable[[Mismatch], bool]


def _meal_school(m: Mismatch) -> str:
    return m.question.split()[2]  # "trace backward CG01 2026-03-27 lunch"


def _own_school_listed(m: Mismatch) -> bool:
    return m.part == "backward.other_schools" and any(school == _meal_school(m) for school, _ in m.got)


LOT_WITHOUT_PRODUCT = Defect(
    "a lot is (supplier, lot) without the product: other_schools lists another product that shares the lot number, "
    "and the trace's lots do not name the product",
    lambda m: m.part == "backward.lots" or (m.part == "backward.other_schools" and not _own_school_listed(m)),
)
OWN_SCHOOL_IN_OTHER_SCHOOLS = Defect(
    "other_schools lists the meal's own school (another batch of the same lot there)", _own_school_listed
)
RETURNS_LEFT_OUT = Defect(
    "traces show what was issued, not what came back: no returned or net quantity per batch and meal",
    lambda m: m.part in ("backward.quantities", "forward.quantities"),
)
VOIDED_ISSUES_DROPPED = Defect(
    "a voided issue is silently dropped from the backward trace instead of shown as voided",
    lambda m: m.part == "backward.voided",
)
WRITE_OFFS_AND_HOLDS_LEFT_OUT = Defect(
    "traces leave write-offs, holds and releases out", lambda m: m.part in ("backward.story", "forward.story")
)
PRODUCT_MATCHED_EXACTLY = Defect(
    "product names are matched exactly: 猪肉(前腿) finds nothing where 猪肉（前腿） was received",
    lambda m: (
        m.part in ("forward.batches", "forward.schools", "forward.meals", "forward.samples", "forward.issues", "search")
        and "'product'" in m.question
    ),
)

LATER_HEALTH_CHECK_COUNTS = Defect(
    "a trace's people status counts a health check recorded after the hand-off: a cook fit when he took lunch at "
    "10:00 shows unfit because a failed check was recorded at 13:00 that day (certificates and suspensions are "
    "judged as they stood at the hand-off; the day's check is not)",
    lambda m: m.part == "backward.people",
)

OPEN: list[Defect] = []


def unexplained(found: list[Mismatch]) -> list[Mismatch]:
    """The mismatches that no open defect explains: each one is a new defect (or an oracle's mistake)."""
    return [m for m in found if not any(d.explains(m) for d in OPEN)]
