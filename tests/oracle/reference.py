"""The right answers, derived from the folded log (replay.py), in the canonical form compare.py reads answers into.

Each answer is a dict of named parts ("backward.other_schools": …) so that a mismatch names what is wrong.
Quantities are Decimals, dates ISO text, collections sorted tuples: what an investigator reads, not how.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from domain.gs1 import normalise_lot
from domain.rules import Category, RulesProfile
from tests.oracle.replay import Batch, County, Logged, Movement, Person, fold, folded_name

Answer = dict[str, Any]
EXPIRING_DAYS = 2  # the window of the expiring list the oracle asks for


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
    from), write-offs, holds and releases, voided ones marked, and the live totals."""
    issued, returned = batch.total("issue"), batch.total("return")
    return {
        "returns": tuple(sorted(_return(batch, m) for m in batch.movements.values() if m.kind == "return")),
        "write_offs": tuple(sorted((m.quantity, m.voided) for m in batch.movements.values() if m.kind == "write_off")),
        "holds": tuple((kind, reason) for kind, reason, _ in batch.holds),
        "totals": (issued, returned, issued - returned, batch.total("write_off")),
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
    }


def fit(person: Person | None, moment: datetime, profile: RulesProfile) -> bool:
    """§12 as the trace reports it: valid certificates recorded by then, not suspended, no failed check that day."""
    if person is None:
        return False
    before = [(kind, value) for kind, value, at in person.history if at <= moment]
    day = profile.local_date(moment)
    for kind in ("health", "training"):
        latest = [value for k, value in before if k == kind][-1:]
        if not latest or not (latest[0][1] <= day <= latest[0][2]):
            return False
    suspensions = [k for k, _ in before if k in ("suspended", "reinstated")][-1:]
    checks = [value[1] for k, value, _ in person.history if k == "check" and value[0] == day][-1:]
    return not (suspensions == ["suspended"] or checks == [False])


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
            b.code: {meal: meal_figures(b, meal) for meal in sorted({(m.meal_date, m.meal) for m in b.live("issue")})}
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
    def matches(b: Batch) -> bool:
        lot, product = query.get("lot"), query.get("product")
        return (
            (lot is None or b.lot == normalise_lot(lot) or b.supplier_lot == lot.strip())
            and (product is None or product_matches(b, product))
            and query.get("supplier") in (None, b.supplier)
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
            sorted((m.kind, m.quantity, m.at.isoformat()) for m in batch.movements.values() if not m.voided)
        ),
        "as_of.failed_inspections": sum(1 for i in batch.inspections.values() if not i["passed"] and not i["voided"]),
    }


def stock(county: County, school: str, today: date) -> Answer:
    """库存 today: batches with stock left (已过期 once today is past the use-by date), and per product."""
    batches = [b for b in county.batches.values() if b.school == school]
    products: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for b in batches:
        products[(folded_name(b.product), b.unit)] += b.on_hand
    return {
        "stock.batches": {
            b.code: (b.on_hand, b.reserved, b.on_hand - b.reserved, b.on_hold, today > b.use_by_date)
            for b in batches
            if b.on_hand > 0
        },
        "stock.expiring": tuple(
            sorted(
                (b.code, today > b.use_by_date)
                for b in batches
                if b.on_hand > 0 and b.use_by_date <= today + timedelta(days=EXPIRING_DAYS)
            )
        ),
        "stock.products": {key: value for key, value in products.items() if value != 0},
    }


def warehouse_rows(county: County, profile: RulesProfile, school: str) -> list[dict[str, Any]]:
    """The 进出库台账 of a school, every movement in log order with its balances (per batch, per product name)."""
    rows: list[dict[str, Any]] = []
    batch_balance: dict[str, Decimal] = defaultdict(Decimal)
    product_balance: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    moved: dict[tuple[str, int], dict[str, Any]] = {}
    for logged in county.log:
        if not logged.name.startswith("IngredientBatch."):
            continue
        e = logged.event
        batch = county.batches[county.codes[e.originator_id]]
        if batch.school != school:
            continue
        kind, change, q_in, q_out = _movement(logged, moved.get((batch.code, getattr(e, "corrects_version", -1))))
        if kind is None:
            continue
        batch_balance[batch.code] += change
        product_balance[(batch.product, batch.unit)] += change
        row = {
            "code": batch.code, "kind": kind, "quantity_in": q_in, "quantity_out": q_out,
            "batch_balance": batch_balance[batch.code], "product_balance": product_balance[(batch.product, batch.unit)],
            "meal": (e.meal_date.isoformat(), e.meal) if kind == "out" else None,
            "corrects_version": e.corrects_version if kind == "correction" else None,
            "on_date": profile.local_date(e.at), "product": (batch.product, batch.unit),
        }  # fmt: skip
        moved[(batch.code, e.originator_version)] = row
        rows.append(row)
    return rows


def _movement(logged: Logged, voided: dict[str, Any] | None) -> tuple[str | None, Decimal, Any, Any]:
    e, name = logged.event, logged.name.split(".")[1]
    if name == "Received":
        return "in", e.quantity, e.quantity, None
    if name == "Moved":
        return "move", Decimal(0), None, None
    if name == "IssuedToKitchen":
        return "out", -e.quantity, None, e.quantity
    if name == "ReturnedToStore":
        return "return", e.quantity, e.quantity, None
    if name == "WrittenOff":
        return "write_off", -e.quantity, None, e.quantity
    if name == "Corrected" and voided is not None:  # red ink: the voided row's column again, negated
        if voided["quantity_out"] is not None:
            return "correction", voided["quantity_out"], None, -voided["quantity_out"]
        return "correction", -voided["quantity_in"], -voided["quantity_in"], None
    return None, Decimal(0), None, None


def ledger_month(county: County, profile: RulesProfile, school: str, month: str, today: date) -> Answer:
    """The month's 台账: its rows, balances carried in and out, and the batches still in store past use-by
    on the book's last day (or today, within the month)."""
    first = date.fromisoformat(f"{month}-01")
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    rows = warehouse_rows(county, profile, school)
    in_month = [r for r in rows if first <= r["on_date"] < following]
    last_balance = {r["code"]: r["batch_balance"] for r in in_month}
    judged_on = min(today, following - timedelta(days=1))

    def balances_before(day: date) -> dict[tuple[str, str], Decimal]:
        last: dict[tuple[str, str], Decimal] = {}
        for row in rows:
            if row["on_date"] < day:
                last[row["product"]] = row["product_balance"]
        folded: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for (product, unit), balance in last.items():
            folded[(folded_name(product), unit)] += balance
        return {key: value for key, value in folded.items() if value != 0}

    return {
        "ledger.rows": tuple(
            (
                r["code"],
                r["kind"],
                r["quantity_in"],
                r["quantity_out"],
                r["batch_balance"],
                r["meal"],
                r["corrects_version"],
            )
            for r in rows
            if first <= r["on_date"] < following
        ),
        "ledger.product_balances": tuple(r["product_balance"] for r in rows if first <= r["on_date"] < following),
        "ledger.expired": tuple(
            sorted(
                code
                for code, balance in last_balance.items()
                if balance > 0 and judged_on > county.batches[code].use_by_date
            )
        ),
        "ledger.opening": balances_before(first),
        "ledger.closing": balances_before(following),
    }


def compliance(county: County, profile: RulesProfile, start: date, end: date, today: date) -> Answer:
    """Compliance across all schools between ``start`` and ``end`` inclusive, judged on ``today``."""
    received = [b for b in county.batches.values() if start <= b.received_on <= end]
    missing = []
    for b in received:
        live = {kind for kind, voided in b.certificates.values() if not voided}
        lacking = sorted(str(k) for k in profile.certificates_required(Category(b.category), b.pork) - live)
        if lacking:
            missing.append((b.code, tuple(lacking)))
    failed = [
        (b.code, i["stage"], i["inspector"])
        for b in county.batches.values()
        for i in b.inspections.values()
        if not i["passed"] and not i["voided"] and start <= i["on_date"] <= end
    ]
    issued: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for b in county.batches.values():
        for m in b.live("issue"):
            assert m.meal_date is not None and m.meal is not None
            if start <= m.meal_date <= end:
                issued[(b.school, m.meal_date.isoformat(), m.meal)].add(b.code)
    sampled: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    samples = [s for s in county.samples.values() if start <= s.meal_date <= end]
    for s in samples:
        sampled[(s.school, s.meal_date.isoformat(), s.meal)] |= set(s.batch_codes)
    disagreements = [
        (
            *key,
            tuple(sorted(sampled[key] - issued.get(key, set()))),
            tuple(sorted(issued.get(key, set()) - sampled[key])),
        )
        for key in sampled
        if sampled[key] != issued.get(key, set())
    ]
    return {
        "compliance.missing_certificates": tuple(sorted(missing)),
        "compliance.failed_inspections": tuple(sorted(failed)),
        "compliance.meals_without_samples": tuple(sorted(k for k in issued if k not in sampled)),
        "compliance.disposed_early": tuple(
            sorted(s.sample_id for s in samples if s.disposed_at is not None and s.disposed_at < s.keep_until)
        ),
        "compliance.disagreements": tuple(sorted(disagreements)),
        "compliance.staff_certificates": staff_certificates(county, profile, today),
        "compliance.supervision": supervision(county, start, end),
    }


def staff_certificates(county: County, profile: RulesProfile, today: date) -> tuple[tuple[str, str, str], ...]:
    """Each person's latest recorded health and training certificate that ends within the warning window."""
    until = today + timedelta(days=profile.staff_certificate_warning_days)
    found = []
    for person in county.people.values():
        for kind in ("health", "training"):
            latest = [value for k, value, _ in person.history if k == kind][-1:]
            if latest and latest[0][2] <= until:
                found.append((person.person_id, kind, "expired" if latest[0][2] < today else "expiring"))
    return tuple(sorted(found))


def supervision(county: County, start: date, end: date) -> dict[tuple[str, str, str], int]:
    """§15 check counts: one per inspector and local day at a school, by who checked (see compliance's rules)."""
    checks = set()
    for b in county.batches.values():
        for i in b.inspections.values():
            if not i["voided"] and i["role"] in ("principal", "admin") and start <= i["on_date"] <= end:
                checks.add((b.school, i["on_date"], i["inspector"], i["role"]))
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for school, day, inspector, role in checks:
        home = county.people[inspector].school if inspector in county.people else None
        year, week, _ = day.isocalendar()
        if role == "admin":
            counts[(school, "central_logistics", day.isoformat()[:7])] += 1
        elif home in (None, school):
            counts[(school, "school_principal", f"{year}-W{week:02d}")] += 1
        else:
            counts[(school, "central_principal", day.isoformat()[:7])] += 1
    return dict(counts)
