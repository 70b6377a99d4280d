"""Ask FoodTrace every investigation question about a county and compare each answer with the replay's.

``mismatches`` returns every difference, each named by the part of the answer that is wrong (e.g.
"backward.other_schools") and the question asked, so that one run reports each distinct defect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from domain.ledger import Ledger
from domain.rules import RulesProfile
from projections import queries
from projections.service import Projections
from tests.oracle import answers, books, reference
from tests.oracle.model import County
from tests.oracle.replay import fold, read_log


@dataclass(frozen=True)
class Mismatch:
    part: str
    question: str
    expected: Any
    got: Any

    def __str__(self) -> str:
        return f"{self.part} for {self.question}:\n  expected {self.expected!r}\n  got      {self.got!r}"


def _compare(found: list[Mismatch], question: str, expected: dict[str, Any], got: dict[str, Any]) -> None:
    for part, value in expected.items():
        if got.get(part) != value:
            found.append(Mismatch(part, question, value, got.get(part)))


def mismatches(ledger: Ledger, views: Projections, today: date) -> list[Mismatch]:
    profile = ledger.profile
    log = read_log(ledger)
    county = fold(log, profile)
    found: list[Mismatch] = []
    _self_check(found, ledger, county)
    _backward(found, views, county, profile)
    _forward(found, views, county)
    _search(found, views, county, today)
    _as_of(found, ledger, log, profile, county)
    for school in sorted(county.schools):
        expected = books.stock(county, school, today)
        got = answers.stock(queries.stock_on_hand(views, school))
        got["stock.expiring"] = answers.expiring(queries.expiring(views, school, books.EXPIRING_DAYS, today))
        _compare(found, f"stock at {school} on {today}", expected, got)
        for month in _months(county, today):
            expected = books.ledger_month(county, profile, school, month, today)
            got = answers.ledger_month(queries.warehouse_ledger(views, school, month))
            _compare(found, f"台账 {school} {month}", expected, got)
    freshness = views.freshness(list(views.projections))
    expected_freshness = {"position": log[-1].position, "head": log[-1].position, "lag": 0}
    _compare(found, "the views' freshness after catching up", {"freshness": expected_freshness},
             {"freshness": {key: freshness[key] for key in expected_freshness}})  # fmt: skip
    start, end = _span(county, today)
    expected = books.compliance(county, profile, start, end, today)
    got = answers.compliance(queries.compliance_report(views, start, end, today=today))
    _compare(found, f"compliance {start}..{end} on {today}", expected, got)
    return found


def _self_check(found: list[Mismatch], ledger: Ledger, county: County) -> None:
    """The replay must agree with the batch aggregates themselves, or the oracle, not FoodTrace, is wrong."""
    for code, batch in county.batches.items():
        aggregate = ledger.batch(code)
        expected = (aggregate.on_hand, aggregate.reserved, aggregate.on_hold)
        if (batch.on_hand, batch.reserved, batch.on_hold) != expected:
            found.append(Mismatch("oracle.replay", code, expected, (batch.on_hand, batch.reserved, batch.on_hold)))


def _backward(found: list[Mismatch], views: Projections, county: County, profile: RulesProfile) -> None:
    meals = {(b.school, m.meal_date, m.meal) for b in county.batches.values() for m in b.movements.values() if m.meal}
    meals |= {(school, date(2026, 3, 27), "breakfast") for school in county.schools}  # nothing was issued
    for school, day, meal in sorted(meals):
        assert day is not None and meal is not None
        expected = reference.backward(county, profile, school, day, meal)
        got = answers.backward(queries.trace_backward(views, school, day, meal))
        _compare(found, f"trace backward {school} {day} {meal}", expected, got)
        for dish in sorted({dish for dish, _ in expected["backward.dishes"]} | {"糖醋排骨"}):  # and one never named
            expected = reference.backward_dish(county, school, day, meal, dish)
            got = answers.backward_dish(queries.trace_backward(views, school, day, meal, dish=dish))
            _compare(found, f"trace backward {school} {day} {meal} from the dish {dish}", expected, got)


def _forward(found: list[Mismatch], views: Projections, county: County) -> None:
    asked: set[tuple[tuple[str, str], ...]] = set()
    questions: list[dict[str, str]] = []
    for b in county.batches.values():
        for product in {b.product, _other_width(b.product)}:
            questions.append({"lot": b.supplier_lot, "supplier": b.supplier, "product": product})
            questions.append({"product": product})
        questions += [{"lot": b.supplier_lot}, {"lot": b.lot, "supplier": b.supplier}, {"supplier": b.supplier}]
    for question in questions:
        key = tuple(sorted(question.items()))
        if key in asked:
            continue
        asked.add(key)
        lot = question.get("lot")
        if lot is not None:
            matches = reference.lot_matches(lot, question.get("supplier"), question.get("product"))
        else:
            matches = reference.lot_matches_all(question.get("supplier"), question.get("product"))
        expected = reference.forward(county, matches)
        got = answers.forward(queries.trace_forward(views, **question))  # type: ignore[arg-type]
        _compare(found, f"trace forward {question}", expected, got)


def _search(found: list[Mismatch], views: Projections, county: County, today: date) -> None:
    questions: list[dict[str, str]] = [{"school": s} for s in county.schools]
    for b in county.batches.values():
        questions += [
            {"lot": b.supplier_lot},
            {"product": b.product},
            {"product": _other_width(b.product)},
            {"lot": b.supplier_lot, "supplier": b.supplier, "product": _other_width(b.product)},
        ]
    for question in {tuple(sorted(q.items())): q for q in questions}.values():
        got = answers.search(queries.search_batches(views, page_size=500, **question))  # type: ignore[arg-type]
        _compare(found, f"search {question}", reference.search(county, today, **question), got)


def _as_of(found: list[Mismatch], ledger: Ledger, log: list[Any], profile: RulesProfile, county: County) -> None:
    """Each batch just before its receipt, at its receipt, halfway through its story and at its last event."""
    moments: dict[str, list[datetime]] = {}
    for logged in log:
        if logged.name.startswith("IngredientBatch."):
            moments.setdefault(county.codes[logged.event.originator_id], []).append(logged.at)
    for code, when in sorted(moments.items()):
        for moment in sorted({when[0] - timedelta(minutes=1), when[0], when[len(when) // 2], when[-1]}):
            expected = reference.as_of(log, profile, code, moment)
            got = answers.as_of(queries.batch_as_of(ledger, code, moment))
            _compare(found, f"batch {code} as of {moment.isoformat()}", expected, got)


def _months(county: County, today: date) -> list[str]:
    """Every month from the first receipt to today."""
    day = min((b.received_on for b in county.batches.values()), default=today)
    months = set()
    while day <= today:
        months.add(day.isoformat()[:7])
        day += timedelta(days=1)
    return sorted(months)


def _span(county: County, today: date) -> tuple[date, date]:
    start = min((b.received_on for b in county.batches.values()), default=today).replace(day=1)
    return start, today + timedelta(days=2)


def _other_width(product: str) -> str:
    """The same name typed the other way: full-width brackets become half-width, and half-width full."""
    if "（" in product or "）" in product:
        return product.translate(str.maketrans("（）", "()"))
    return product.translate(str.maketrans("()", "（）"))
