"""The right answers about the store room's books: stock, the expiring list, the month's 台账 and compliance."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from domain.rules import Category, RulesProfile
from tests.oracle.model import County, Logged, Sample, folded_name
from tests.oracle.reference import Answer

EXPIRING_DAYS = 2  # the window of the expiring list the oracle asks for


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
    """The 进出库台账 of a school, every movement in the order it happened (the log's order among equal times) with
    its balances (per batch, per product name)."""
    rows: list[dict[str, Any]] = []
    batch_balance: dict[str, Decimal] = defaultdict(Decimal)
    product_balance: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    moved: dict[tuple[str, int], dict[str, Any]] = {}
    for logged in sorted(county.log, key=lambda logged: (logged.at, logged.position)):
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


def _meal(s: Sample) -> tuple[str, str, str]:
    return (s.school, s.meal_date.isoformat(), s.meal)


def _kept(s: Sample, profile: RulesProfile) -> bool:
    """A sample of at least the profile's grams, not disposed of before the profile's hours were up."""
    early = s.disposed_at is not None and s.disposed_at - s.sealed_at < timedelta(hours=profile.sample_hours)
    return s.grams >= profile.sample_grams and not early


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
    planned = {  # meals with a menu are judged dish by dish, the others by their batches
        (school, day.isoformat(), meal): names
        for (school, day, meal), names in county.menus.items()
        if names and start <= day <= end
    }
    disagreements = [
        (
            *key,
            tuple(sorted(sampled[key] - issued.get(key, set()))),
            tuple(sorted(issued.get(key, set()) - sampled[key])),
        )
        for key in sampled
        if sampled[key] != issued.get(key, set()) and key not in planned
    ]
    dishes = [
        (*key, dish, any(s.dish == dish and _kept(s, profile) for s in samples if _meal(s) == key))
        for key, names in planned.items()
        for dish in dict.fromkeys(names)
    ]
    return {
        "compliance.missing_certificates": tuple(sorted(missing)),
        "compliance.failed_inspections": tuple(sorted(failed)),
        "compliance.dishes": tuple(sorted(dishes)),
        "compliance.meals_without_samples": tuple(sorted(k for k in issued if k not in sampled and k not in planned)),
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
            if not i["voided"] and i["role"] in ("principal", "logistics", "admin") and start <= i["on_date"] <= end:
                checks.add((b.school, i["on_date"], i["inspector"], i["role"]))

    def home(person: str) -> str | None:
        return county.people[person].school if person in county.people else None

    central = {  # principals who have checked another school's canteen, at any time
        i["inspector"]
        for b in county.batches.values()
        for i in b.inspections.values()
        if not i["voided"] and i["role"] == "principal" and home(i["inspector"]) not in (None, b.school)
    }
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for school, day, inspector, role in checks:
        year, week, _ = day.isocalendar()
        if role in ("logistics", "admin"):  # the county logistics office; admin stood in for it before
            counts[(school, "central_logistics", day.isoformat()[:7])] += 1
        elif home(inspector) in (None, school):
            counts[(school, "school_principal", f"{year}-W{week:02d}")] += 1
            if inspector in central:
                counts[(school, "central_principal", day.isoformat()[:7])] += 1
        else:
            counts[(school, "central_principal", day.isoformat()[:7])] += 1
    return dict(counts)
