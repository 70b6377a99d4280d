"""The right answers, derived from the folded log (replay.py), in the canonical form answers.py reads answers into.

Each answer is a dict of named parts ("backward.other_schools": …) so that a mismatch names what is wrong.
Quantities are Decimals, dates ISO text, collections sorted tuples: what an investigator reads, not how.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.gs1 import normalise_lot
from domain.rules import RulesProfile
from tests.oracle.model import Batch, County, Logged, Movement, Person, folded_name
from tests.oracle.replay import fold

Answer = dict[str, Any]


def _issue(m: Movement) -> tuple[str, str, Decimal, bool]:
    assert m.meal_date is not None and m.meal is not None
    return (m.meal_date.isoformat(), m.meal, m.quantity, m.voided)


def meal_figures(batch: Batch, meal: tuple[date, str]) -> tuple[Decimal, Decimal, Decimal]:
    """Issued, returned and net quantity of a batch for one meal (voided movements count for nothing)."""
    issued = sum((m.quantity for m in batch.live("issue") if (m.meal_date, m.meal) == meal), Decimal(0))
    returned = sum((r.quantity for r in batch.live("return") if batch.meal_of_return(r) == meal), Decimal(0))
    return issued, returned, issued - returned


def batch_story(batch: Batch) -> Answer:
    """What both trace directions show for a batch besides its issues: returns (with the meal they came back
    from), write-offs, holds and releases, certificates and inspections, voided ones marked, and the live totals."""
    issued, returned = batch.total("issue"), batch.total("return")
    return {
        "returns": tuple(sorted(_return(batch, m) for m in batch.movements.values() if m.kind == "return")),
        "write_offs": tuple(sorted((m.quantity, m.voided) for m in batch.movements.values() if m.kind == "write_off")),
        "holds": tuple((kind, reason) for kind, reason, _ in batch.holds),
        "totals": (issued, returned, issued - returned, batch.total("write_off")),
        "certificates": tuple(sorted(batch.certificates.values())),
        "inspections": tuple(
            sorted((i["stage"], i["passed"], i["inspector"], i["voided"]) for i in batch.inspections.values())
        ),
    }


def _return(batch: Batch, back: Movement) -> tuple[Decimal, bool, str | None, str | None]:
    meal = batch.meal_of_return(back)
    return (back.quantity, back.voided, meal[0].isoformat() if meal else None, meal[1] if meal else None)


def backward(county: County, profile: RulesProfile, school: str, day: date, meal: str) -> Answer:
    key = (day, meal)
    at_school = [b for b in county.batches.values() if b.school == school]
    went_in = [b for b in at_school if any((m.meal_date, m.meal) == key for m in b.live("issue"))]
    voided = [
        (b.code, m.quantity)
        for b in at_school
        for m in b.movements.values()
        if m.kind == "issue" and m.voided and (m.meal_date, m.meal) == key
    ]
    lots = {b.identity for b in went_in}
    people = []
    for b in went_in:
        people += [(p, "intake_signer", b.code, fit(county.people.get(p), b.received_at, profile)) for p in b.signers]
        for m in b.live("issue"):
            if (m.meal_date, m.meal) == key:
                people += [(m.given_by, "gave", b.code, fit(county.people.get(m.given_by), m.at, profile))]
                people += [(m.taken_by, "took", b.code, fit(county.people.get(m.taken_by), m.at, profile))]
    samples = [s for s in county.samples.values() if (s.school, s.meal_date, s.meal) == (school, day, meal)]
    return {
        "backward.batches": tuple(sorted(b.code for b in went_in)),
        "backward.voided": tuple(sorted(voided)),
        "backward.quantities": {b.code: meal_figures(b, key) for b in went_in},
        "backward.lots": tuple(sorted(lots)),
        "backward.other_schools": tuple(
            sorted((b.school, b.code) for b in county.batches.values() if b.identity in lots and b.school != school)
        ),
        "backward.same_lots_at_school": tuple(
            sorted(b.code for b in at_school if b.identity in lots and b not in went_in)
        ),
        "backward.samples": tuple(sorted((s.sample_id, tuple(sorted(s.batch_codes))) for s in samples)),
        "backward.suppliers": tuple(sorted({b.supplier for b in went_in})),
        "backward.people": tuple(sorted(set(people))),
        "backward.story": {b.code: batch_story(b) for b in went_in},
        **_by_dish(county, school, key, went_in, samples),
    }


def meal_dishes(county: County, school: str, key: tuple[date, str], went_in: list[Batch]) -> dict[str, set[str]]:
    """Each dish known for the meal and the batches in it: named on a live issue for the meal, or in the kitchen's
    latest record of the dish (of the batches that went into the meal); a sample's dish is a dish too."""
    found: dict[str, set[str]] = defaultdict(set)
    for b in went_in:
        for m in b.live("issue"):
            if (m.meal_date, m.meal) == key:
                for dish in m.dishes:
                    found[dish].add(b.code)
    codes = {b.code for b in went_in}
    for dish, recorded in county.dish_records.get((school, *key), {}).items():
        found[dish] |= set(recorded) & codes
    for s in county.samples.values():
        if (s.school, s.meal_date, s.meal) == (school, *key):
            found[s.dish] |= set()
    return found


def _by_dish(county: County, school: str, key: tuple[date, str], went_in: list[Batch], samples: list[Any]) -> Answer:
    found = meal_dishes(county, school, key, went_in)
    assigned = set().union(*found.values()) if found else set()
    return {
        "backward.dishes": tuple(sorted((dish, tuple(sorted(codes))) for dish, codes in found.items())),
        "backward.unassigned": tuple(sorted(b.code for b in went_in if b.code not in assigned)),
    }


def backward_dish(county: County, school: str, day: date, meal: str, dish: str) -> Answer:
    """A backward trace started from one dish: its batches, their suppliers and the dish's samples."""
    key = (day, meal)
    went_in = [
        b for b in county.batches.values()
        if b.school == school and any((m.meal_date, m.meal) == key for m in b.live("issue"))
    ]  # fmt: skip
    codes = meal_dishes(county, school, key, went_in).get(dish, set())
    samples = [
        s for s in county.samples.values() if (s.school, s.meal_date, s.meal, s.dish) == (school, day, meal, dish)
    ]
    return {
        "dish.batches": tuple(sorted(codes)),
        "dish.suppliers": tuple(sorted({county.batches[c].supplier for c in codes})),
        "dish.samples": tuple(sorted(s.sample_id for s in samples)),
    }


def fit(person: Person | None, moment: datetime, profile: RulesProfile) -> bool:
    """§12 as it stood at ``moment``: valid certificates recorded by then, not suspended then, and the day's
    health check recorded by then not failed (nor missing, where the profile requires one)."""
    if person is None:
        return False
    before = [(kind, value) for kind, value, at in person.history if at <= moment]
    day = profile.local_date(moment)
    for kind in ("health", "training"):
        latest = [value for k, value in before if k == kind][-1:]
        if not latest or not (latest[0][1] <= day <= latest[0][2]):
            return False
    suspensions = [k for k, _ in before if k in ("suspended", "reinstated")][-1:]
    checks = [value[1] for k, value in before if k == "check" and value[0] == day][-1:]  # 晨午检 taken by then
    return not (
        suspensions == ["suspended"] or checks == [False] or (profile.require_daily_health_check and not checks)
    )


def forward(county: County, matches: Callable[[Batch], bool]) -> Answer:
    found = sorted((b for b in county.batches.values() if matches(b)), key=lambda b: b.code)
    codes = {b.code for b in found}
    meals = {(b.school, *_issue(m)[:2]) for b in found for m in b.live("issue")}
    samples = [s for s in county.samples.values() if codes & set(s.batch_codes)]
    return {
        "forward.batches": tuple(b.code for b in found),
        "forward.schools": tuple(sorted({b.school for b in found})),
        "forward.meals": tuple(sorted(meals)),
        "forward.samples": tuple(sorted(s.sample_id for s in samples)),
        "forward.issues": {
            b.code: tuple(sorted(_issue(m) for m in b.movements.values() if m.kind == "issue")) for b in found
        },
        "forward.quantities": {
            b.code: {
                (day.isoformat(), meal): meal_figures(b, (day, meal))
                for day, meal in sorted({(m.meal_date, m.meal) for m in b.live("issue") if m.meal_date and m.meal})
            }
            for b in found
        },
        "forward.story": {b.code: batch_story(b) for b in found},
    }


def lot_matches(lot: str, supplier: str | None = None, product: str | None = None) -> Callable[[Batch], bool]:
    def matches(b: Batch) -> bool:
        return (
            (b.lot == normalise_lot(lot) or b.supplier_lot == lot.strip())
            and supplier in (None, b.supplier)
            and (product is None or product_matches(b, product))
        )

    return matches


def lot_matches_all(supplier: str | None = None, product: str | None = None) -> Callable[[Batch], bool]:
    """A forward trace by supplier and/or product, whatever the lot."""

    def matches(b: Batch) -> bool:
        return supplier in (None, b.supplier) and (product is None or product_matches(b, product))

    return matches


def product_matches(batch: Batch, product: str) -> bool:
    return folded_name(batch.product) == folded_name(product) or (batch.gtin is not None and batch.gtin == product)


def search(county: County, today: date, **query: str) -> Answer:
    """As a person types: a lot by its start (as printed or full-width folded), a product or supplier by a part."""

    def fold(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).casefold().split())

    def matches(b: Batch) -> bool:
        lot, product, supplier = query.get("lot"), query.get("product"), query.get("supplier")
        typed_lot = (lot or "").strip()
        return (
            (
                lot is None
                or b.supplier_lot.startswith(typed_lot)
                or b.lot.startswith(unicodedata.normalize("NFKC", typed_lot))
            )
            and (product is None or fold(product) in fold(b.product))
            and (supplier is None or fold(supplier) in fold(b.supplier) + " " + fold(county.suppliers[b.supplier]))
            and query.get("school") in (None, b.school)
        )

    found = [b for b in county.batches.values() if matches(b)]
    return {
        "search": tuple(sorted(b.code for b in found)),
        "search.expired": tuple(sorted(b.code for b in found if today > b.use_by_date)),
    }


def as_of(log: list[Logged], profile: RulesProfile, code: str, moment: datetime) -> Answer:
    """A batch as it stood at ``moment``: the log folded up to then."""
    batch = fold(log, profile, until=moment).batches.get(code)
    if batch is None:
        return {"as_of.exists": False}
    return {
        "as_of.exists": True,
        "as_of.stock": (batch.on_hand, batch.reserved, batch.place),
        "as_of.hold": (batch.on_hold, batch.hold_reason),
        "as_of.expired": profile.local_date(moment) > batch.use_by_date,
        "as_of.certificates": tuple(sorted(kind for kind, voided in batch.certificates.values() if not voided)),
        "as_of.movements": tuple(
            sorted(
                (m.kind, m.quantity, m.at.astimezone(profile.zone).isoformat())
                for m in batch.movements.values()
                if not m.voided
            )
        ),
        "as_of.failed_inspections": sum(1 for i in batch.inspections.values() if not i["passed"] and not i["voided"]),
    }
