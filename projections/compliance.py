"""Compliance gaps (合规检查) read from the trace index, judged against the rules profile in force now.

The profile is applied when asked, not when events are projected, so a county that tightens its rules sees
the new gaps at once, without a rebuild.

§15 supervisors' checks, as recorded data: a check is an ``Inspected`` event, counted once per inspector
and local day (a walk through the store room that inspects five batches is one check), at the batch's school.
- the school's principal / food-safety officer (role ``principal``, of that school or of none): each week;
- the central school's principal (role ``principal``, registered at another school): each month; at the central
  school itself, its own principal's checks count for both (a principal who has checked another school is central);
- the central school's logistics staff (role ``admin``): each month;
each at least the rules profile's minimum (2, 1 and 2 by default: DIGEST.md §15).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from domain.glossary import CHECKS, month_bounds, month_zh, week_bounds, week_zh, zh
from domain.rules import Category, CertificateKind
from domain.validity import ended
from projections.dish_samples import dish_rows, planned_dishes
from projections.rows import Row, plain, plain_rows
from projections.service import Projections, Reader

# §15's checks: a principal's, or the county logistics office's (admin stood in for it before the role existed).
LOGISTICS_ROLES = ("logistics", "admin")
SUPERVISING = "i.by_role IN ('principal', 'logistics', 'admin')"


def compliance_report(
    views: Projections, start: date, end: date, school: str | None = None, today: date | None = None
) -> dict[str, Any]:
    """Every gap between ``start`` and ``end`` (inclusive), at one school or all."""
    with views.reading("trace") as r:
        return _report(r, start, end, school, today or r.profile.local_date(r.ledger.clock()))


def _report(r: Reader, start: date, end: date, school: str | None, today: date) -> dict[str, Any]:
    return {
        "school": school,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "missing_certificates": missing_certificates(r, start, end, school),
        "failed_inspections": failed_inspections(r, start, end, school),
        "samples": sample_gaps(r, start, end, school),
        "staff_certificates_expiring": staff_certificates_expiring(r, today, school),
        "supervision": supervision(r, start, end, school, today),
    }


def _where(school: str | None, column: str, start: date, end: date, prefix: str = "") -> tuple[str, list[Any]]:
    sql = f"{prefix}{column} >= ? AND {prefix}{column} <= ?"
    params: list[Any] = [start, end]
    if school is not None:
        sql, params = f"{prefix}school = ? AND {sql}", [school, *params]
    return sql, params


def missing_certificates(r: Reader, start: date, end: date, school: str | None) -> list[Row]:
    """Deliveries without a live certificate of a kind their category requires (§13 索票索证)."""
    where, params = _where(school, "received_on", start, end)
    batches = r.select(
        "SELECT batch_id, code, school, supplier, product, category, pork, received_at FROM view_trace_batches "
        f"WHERE {where} ORDER BY received_at, code",
        params,
    )
    present: dict[str, set[str]] = defaultdict(set)
    for row in r.select_in(
        "SELECT batch_id, kind FROM view_trace_certificates WHERE voided = ? AND batch_id IN",
        [b["batch_id"] for b in batches],
        [False],
    ):
        present[str(row["batch_id"])].add(row["kind"])
    gaps = []
    for batch in batches:
        required = r.profile.certificates_required(Category(batch["category"]), bool(batch["pork"]))
        missing = sorted(str(k) for k in required - {CertificateKind(k) for k in present[str(batch["batch_id"])]})
        if missing:
            gap = plain(batch, r.zone)
            gap.pop("batch_id")
            gaps.append({**gap, "missing": missing})
    return gaps


def failed_inspections(r: Reader, start: date, end: date, school: str | None) -> list[Row]:
    where, params = _where(school, "on_date", start, end, "i.")
    rows = r.select(
        "SELECT b.code, b.product, i.school, i.stage, i.notes, i.inspector, i.by_role, i.inspected_at "
        f"FROM view_trace_inspections i JOIN view_trace_batches b ON b.batch_id = i.batch_id "
        f"WHERE {where} AND i.passed = ? AND i.voided = ? ORDER BY i.inspected_at",
        [*params, False, False],
    )
    return plain_rows(rows, r.zone)


def sample_gaps(r: Reader, start: date, end: date, school: str | None) -> dict[str, list[Row]]:
    """§14 food samples: short or early-disposed ones; each dish of a meal with a menu, sampled or not
    (projections/dish_samples.py); for a meal without a menu, as before: without samples, or disagreeing with the
    ledger."""
    where, params = _where(school, "meal_date", start, end, "i.")
    issued: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)  # meal: batch code → product
    for row in r.select(
        "SELECT i.school, i.meal_date, i.meal, b.code, b.product FROM view_trace_issues i "
        f"JOIN view_trace_batches b ON b.batch_id = i.batch_id WHERE {where} "
        "AND i.voided = ?",
        [*params, False],
    ):
        meal = plain(row, r.zone)
        issued[(meal["school"], meal["meal_date"], meal["meal"])][meal["code"]] = meal["product"]
    where, params = _where(school, "meal_date", start, end)
    samples = plain_rows(r.select(f"SELECT * FROM view_trace_samples WHERE {where}", params), r.zone)
    named: dict[str, list[str]] = defaultdict(list)
    for row in r.select_in(
        "SELECT sample_id, code FROM view_trace_sample_batches WHERE sample_id IN", [s["sample_id"] for s in samples]
    ):
        named[str(row["sample_id"])].append(row["code"])
    sampled: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for sample in samples:
        sample["batch_codes"] = sorted(named[sample["sample_id"]])
        sampled[(sample["school"], sample["meal_date"], sample["meal"])].append(sample)
    minimum = r.profile.sample_grams
    menus = planned_dishes(r, [school] if school else _all_schools(r), start, end)
    dishes = [row for key in sorted(menus) for row in dish_rows(key, menus[key], sampled.get(key, []), r.profile)]
    unplanned = {key: batches for key, batches in issued.items() if key not in menus}
    return {
        "dishes": dishes,
        "dishes_without_samples": [row for row in dishes if not row["sampled"]],
        "meals_without_samples": [
            {"school": s, "meal_date": d, "meal": m, "batches": sorted(unplanned[(s, d, m)])}
            for s, d, m in sorted(unplanned)
            if not sampled.get((s, d, m))
        ],
        "short_samples": [{**s, "minimum_grams": minimum} for s in samples if s["grams"] < minimum],
        "disposed_early": [
            s for s in samples if s["disposed_at"] and _moment(s["disposed_at"]) < _moment(s["keep_until"])
        ],
        "disagreements": _disagreements(unplanned, {k: v for k, v in sampled.items() if k not in menus}),
    }


def _disagreements(
    issued: dict[tuple[str, str, str], dict[str, str]], sampled: dict[tuple[str, str, str], list[Row]]
) -> list[Row]:
    """§14: samples must agree with the in/out ledger (留样实物应与进出库台帐一致)."""
    found = []
    for key in sorted(set(issued) | set(sampled)):
        samples = sampled.get(key, [])
        if not samples:
            continue  # reported as a meal without samples
        in_samples = {code for s in samples for code in s["batch_codes"]}
        not_issued = sorted(in_samples - set(issued.get(key, {})))
        unsampled = sorted(set(issued.get(key, {})) - in_samples)
        if not_issued or unsampled:
            school, meal_date, meal = key
            found.append({
                "school": school, "meal_date": meal_date, "meal": meal,
                "sampled_but_not_issued": not_issued,
                "issued_but_not_sampled": [{"code": c, "product": issued[key][c]} for c in unsampled],
            })  # fmt: skip
    return found


def staff_certificates_expiring(r: Reader, today: date, school: str | None) -> list[Row]:
    """Each person's current health and training certificate that ends within the warning window, or has ended."""
    until = today + timedelta(days=r.profile.staff_certificate_warning_days)
    rows = r.select(
        "SELECT e.person_id, e.version, e.kind, e.number, e.valid_from, e.valid_until, s.name, s.school "
        "FROM view_trace_staff_events e JOIN view_trace_staff s ON s.person_id = e.person_id "
        "WHERE e.kind IN ('health', 'training') ORDER BY e.person_id, e.version"
        if school is None
        else "SELECT e.person_id, e.version, e.kind, e.number, e.valid_from, e.valid_until, s.name, s.school "
        "FROM view_trace_staff_events e JOIN view_trace_staff s ON s.person_id = e.person_id "
        "WHERE e.kind IN ('health', 'training') AND s.school = ? ORDER BY e.person_id, e.version",
        [] if school is None else [school],
    )
    current: dict[tuple[str, str], Row] = {}
    for row in rows:
        current[(row["person_id"], row["kind"])] = plain(row, r.zone)  # the latest recorded wins
    found = []
    for (_, _), cert in sorted(current.items()):
        if cert["valid_until"] <= until.isoformat():
            cert.pop("version")
            lapsed = ended(date.fromisoformat(cert["valid_until"]), today)
            found.append({**cert, "status": "expired" if lapsed else "expiring"})
    return found


def _central_principals(r: Reader) -> set[str]:
    """Principals who have checked another school's canteen: the central school's (中心校校长)."""
    rows = r.select(
        "SELECT DISTINCT i.inspector FROM view_trace_inspections i "
        "JOIN view_trace_staff s ON s.person_id = i.inspector "
        "WHERE i.voided = ? AND i.by_role = 'principal' AND s.school IS NOT NULL AND s.school <> i.school",
        [False],
    )
    return {row["inspector"] for row in rows}


def supervision(r: Reader, start: date, end: date, school: str | None, today: date) -> list[Row]:
    """§15 check counts per school and week/month against their minima (see the module's docstring).

    A period still running on the county's ``today`` is ``in_progress`` until its minimum is met, never failed;
    one not yet begun is ``upcoming``. ``met`` says only whether the minimum is reached.
    """
    where, params = _where(school, "on_date", start, end, "i.")
    rows = r.select(
        "SELECT DISTINCT i.school, i.on_date, i.inspector, i.by_role, s.school AS home FROM view_trace_inspections i "
        "LEFT JOIN view_trace_staff s ON s.person_id = i.inspector "
        f"WHERE {where} AND i.voided = ? AND {SUPERVISING}",
        [*params, False],
    )
    central = _central_principals(r)
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for row in rows:
        day = plain(row, r.zone)["on_date"]
        week, month = _week(date.fromisoformat(day)), day[:7]
        if row["by_role"] in LOGISTICS_ROLES:
            counts[(row["school"], "central_logistics", month)] += 1
        elif row["home"] in (None, row["school"]):
            counts[(row["school"], "school_principal", week)] += 1
            if row["inspector"] in central:  # the central school's own canteen: its principal is the central one
                counts[(row["school"], "central_principal", month)] += 1
        else:
            counts[(row["school"], "central_principal", month)] += 1
    schools = [school] if school else _all_schools(r)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    weeks = {_week(day): week_bounds(day) for day in days}
    months = {day.isoformat()[:7]: month_bounds(day) for day in days}
    profile = r.profile
    periods = [("school_principal", w, profile.school_checks_per_week) for w in sorted(weeks)] + [
        (kind, m, minimum)
        for m in sorted(months)
        for kind, minimum in (("central_principal", profile.central_principal_checks_per_month),
                              ("central_logistics", profile.central_logistics_checks_per_month))
    ]  # fmt: skip
    bounds = {**weeks, **months}
    found = []
    for s in schools:
        for kind, period, minimum in periods:
            count, (first, last) = counts[(s, kind, period)], bounds[period]
            found.append({
                "school": s, "check": kind, "check_zh": zh(CHECKS, kind), "period": period,
                "period_start": first.isoformat(), "period_end": last.isoformat(),
                "period_zh": week_zh(first) if period in weeks else month_zh(first),
                "count": count, "minimum": minimum, "met": count >= minimum,
                "status": _standing(count >= minimum, first, last, today),
            })  # fmt: skip
    return found


def _standing(met: bool, first: date, last: date, today: date) -> str:
    """Met, or else: not begun, still running (the county's today falls in it), or over and failed."""
    if met:
        return "met"
    if today < first:
        return "upcoming"
    return "in_progress" if today <= last else "not_met"


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _all_schools(r: Reader) -> list[str]:
    return [row["code"] for row in r.select("SELECT code FROM view_trace_schools ORDER BY code")]
