"""Forward and backward traces (正向/反向追溯) over the trace index.

Forward: a supplier lot (or a supplier, or a product) → every school, batch, meal and food sample it reached.
Backward: a school's meal → every batch issued for it, its supplier, certificates, inspections, the people who
handled it with their certificate status that day, the samples kept, and every OTHER school that received the
same lots. Both answer with plain JSON values. A lot is (supplier, product, lot), never the lot text alone:
product is the GTIN where there is one, else the normalised name (domain.gs1.product_key).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from domain.gs1 import normalise_gtin, normalise_lot, normalise_product
from domain.validity import valid_on
from projections.batch_filters import received_between
from projections.rows import Row, people, plain, plain_rows
from projections.service import Projections, Reader
from projections.staff_status import Handled, people_status, staff_selects
from projections.store import Select
from projections.trace_dishes import dish_records_select, meal_dishes, of_dish
from projections.trace_others import (
    BATCH_COLUMNS,
    ORDER,
    Lot,
    batch_summaries,
    of_lots,
    other_batches_select,
    other_schools,
    other_schools_select,
)
from projections.trace_others import other_batches as _other_batches
from projections.trace_quantities import attach_movements, for_meal, movement_selects


def trace_forward(
    views: Projections,
    lot: str | None = None,
    gtin: str | None = None,
    supplier: str | None = None,
    product: str | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    limit: int = 1000,
) -> dict[str, Any]:
    """Where a lot, a supplier's goods or a product went: schools, batches, meals, samples.

    Any of lot, supplier and product combine (a lot is (supplier, product, lot): ``lot=LY261126-8`` alone finds
    every product that carries that number; ``lots`` in the answer lists each identity found). ``product``
    matches the normalised name, so ``猪肉(前腿)`` finds ``猪肉（前腿）``; ``gtin`` narrows to one GTIN.
    """
    where: list[str] = []
    params: list[Any] = []
    if lot:
        where.append("(lot = ? OR supplier_lot = ?)")
        params += [normalise_lot(lot), lot.strip()]
    if supplier:
        where.append("supplier = ?")
        params.append(supplier.strip())
    if product:
        where.append("product_folded = ?")
        params.append(normalise_product(product))
    if not where:
        raise ValueError("trace forward needs a lot, a supplier or a product")
    if gtin:
        where.append("gtin = ?")
        params.append(normalise_gtin(gtin))
    dates, days = received_between(received_from, received_to)
    where, params = where + dates, params + days
    with views.reading("trace") as r:
        return _forward(r, where, params, limit, {"lot": lot, "gtin": gtin, "supplier": supplier, "product": product})


def _forward(r: Reader, where: list[str], params: list[Any], limit: int, query: dict[str, Any]) -> dict[str, Any]:
    matching = f"FROM view_trace_batches WHERE {' AND '.join(where)} ORDER BY received_at, code LIMIT ?"
    # The batches and the schools of those shown, in one round trip.
    found, school_rows = r.select_many([
        Select(f"SELECT {BATCH_COLUMNS} {matching}", [*params, limit + 1]),
        Select(f"SELECT code, name, district FROM view_trace_schools WHERE code IN (SELECT school {matching})",
               [*params, limit]),
    ])  # fmt: skip
    batches = batch_details(r, found[:limit])
    meals = sorted({(i["school"], i["meal_date"], i["meal"]) for b in batches for i in b["issues"] if not i["voided"]})
    samples = {s["sample_id"]: s for b in batches for s in b["samples"]}
    return {
        "query": query,
        "schools": sorted(school_rows, key=lambda row: str(row["code"])),
        "lots": _identities(batches),
        "batches": batches,
        "meals": [{"school": s, "meal_date": d, "meal": m} for s, d, m in meals],
        "samples": sorted(samples.values(), key=lambda s: (s["meal_date"], s["school"], s["dish"])),
        "truncated": len(found) > limit,
    }


def trace_backward(
    views: Projections,
    school: str,
    meal_date: date,
    meal: str,
    others_in_full: bool = False,
    with_other_batches: bool = True,
    dish: str | None = None,
) -> dict[str, Any]:
    """What went into one meal at one school (or one dish of it), who handled it, and who else received the same lots.

    ``dishes`` groups the meal's batches by dish where that is known, ``unassigned_batches`` the rest
    (projections/trace_dishes.py); with ``dish`` the batches, samples and everything that follows from them are
    that dish's alone (``dish`` in the answer: its entry of ``dishes``, None when the meal has no such dish).

    Each batch shows what was issued, returned and net for the meal (projections.trace_quantities); a batch whose
    issues for the meal were all voided is in ``voided_batches``. Each other school names the lots it received,
    one row per lot with its batches counted (``lots``, ``batch_count``: projections.trace_others), and lists
    those batches as summaries with their meals; ``others_in_full`` adds their certificates, inspections and
    samples too, as an export needs (it costs several times more on a busy lot). ``with_other_batches=False``
    leaves the other schools' ``batches`` empty, as an investigator's page asks at county scale: it reads them a
    page at a time (``trace_backward_others``).
    """
    with views.reading("trace") as r:
        return _backward(
            r,
            school,
            meal_date,
            meal,
            other_batches=others_in_full or with_other_batches,
            others_in_full=others_in_full,
            dish=dish,
        )


def trace_backward_others(
    views: Projections,
    school: str,
    meal_date: date,
    meal: str,
    at: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> dict[str, Any]:
    """A page of the batches of a meal's lots at other schools (or at the one school ``at``), with their meals."""
    with views.reading("trace") as r:
        return _other_batches(r, school, meal_date, meal, at=at, page=page, page_size=page_size)


def _backward(
    r: Reader, school: str, meal_date: date, meal: str, other_batches: bool, others_in_full: bool, dish: str | None
) -> dict[str, Any]:
    meal_params = [school, meal_date, meal]
    of_meal = "WHERE school = ? AND meal_date = ? AND meal = ?"
    # What the meal's own details need first, in one round trip: its batches, samples, dish records and school.
    batch_rows, sample_rows, sample_codes, dish_rows, school_rows = r.select_many([
        Select(
            f"SELECT {BATCH_COLUMNS} FROM view_trace_batches "
            f"WHERE batch_id IN (SELECT batch_id FROM view_trace_issues {of_meal})",
            meal_params,
        ),
        Select(f"SELECT * FROM view_trace_samples {of_meal} ORDER BY dish", meal_params),
        Select(
            "SELECT sample_id, code FROM view_trace_sample_batches "
            f"WHERE sample_id IN (SELECT sample_id FROM view_trace_samples {of_meal})",
            meal_params,
        ),
        dish_records_select(school, meal_date, meal),
        Select("SELECT code, name, district FROM view_trace_schools WHERE code = ?", [school]),
    ])  # fmt: skip
    everything = batch_details(r, sorted(batch_rows, key=lambda row: (str(row["received_at"]), row["code"])))
    for batch in everything:
        for_meal(batch, school, meal_date.isoformat(), meal)
    # A batch whose every issue for this meal was voided did not go into it: listed apart, not dropped.
    batches = [b for b in everything if any(not i["voided"] for i in b["issues_for_meal"])]
    voided = [b for b in everything if b not in batches]
    samples = plain_rows(sample_rows, r.zone)
    _name_sample_batches(samples, sample_codes)
    by_dish = meal_dishes(r, school, meal_date, meal, batches=batches, samples=samples, rows=dish_rows)
    query = {"school": school, "meal_date": meal_date.isoformat(), "meal": meal}
    if dish is not None:
        batches, voided = of_dish(by_dish["dishes"], dish, batches, voided)
        samples = [s for s in samples if s["dish"] == dish]
        query["dish"] = dish
        by_dish["dish"] = next((d for d in by_dish["dishes"] if d["dish"] == dish), None)
    lots = {(b["supplier"], b["product_key"], b["lot"]) for b in batches}
    # What follows from the meal's batches, in one round trip: the same lots here and elsewhere, the suppliers
    # and their licences, and the people who handled the batches.
    handled = _handled(batches)
    same = _same_lots_selects(lots, school, other_batches=other_batches)
    found = r.select_many([*same, *_supplier_selects(batches), *staff_selects(handled)])
    elsewhere, here = _same_lots(
        r,
        lots,
        school,
        {b["code"] for b in batches},
        other_batches=other_batches,
        in_full=others_in_full,
        found=found[: len(same)],
    )
    suppliers = _suppliers(r, batches, found[len(same) : len(same) + 2])
    handlers = people_status(r, handled, found[len(same) + 2 :])
    return {
        "query": query,
        "school": school_rows[0] if school_rows else {"code": school},
        "batches": batches,
        "voided_batches": voided,
        "suppliers": suppliers,
        "people": handlers,
        "samples": samples,
        "lots": _identities(batches),
        "other_schools": elsewhere,
        "same_lots_at_school": here,
        **by_dish,
    }


def _identities(batches: list[Row]) -> list[Row]:
    """Each lot (supplier, product, lot) among these batches, with the product names it was received under."""
    names: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for b in batches:
        names[(b["supplier"], b["product_key"], b["lot"])].add(b["product"])
    return [
        {"supplier": s, "product_key": key, "lot": lot, "products": sorted(names[(s, key, lot)])}
        for s, key, lot in sorted(names)
    ]


def batch_details(r: Reader, batch_rows: list[Row]) -> list[Row]:
    """Batches with their certificates, inspections, issues and the samples that name them.

    Every child table is read for all the batches at once, and all those queries go in one round trip.
    """
    ids = [row["batch_id"] for row in batch_rows]
    codes = [row["code"] for row in batch_rows]
    tables = ("certificates", "inspections", "issues")
    *found, sample_rows, sample_codes, movements = _split(
        r.select_many([
            *(Select(f"SELECT * FROM view_trace_{table} WHERE batch_id IN", keys=ids) for table in tables),
            Select(
                "SELECT sb.code AS batch_code, s.* FROM view_trace_sample_batches sb "
                "JOIN view_trace_samples s ON s.sample_id = sb.sample_id WHERE sb.code IN",
                keys=codes,
            ),
            # Every batch each of those samples names (not only these batches).
            Select(
                "SELECT sample_id, code FROM view_trace_sample_batches WHERE sample_id IN "
                "(SELECT sample_id FROM view_trace_sample_batches WHERE code IN)",
                keys=codes,
            ),
            *movement_selects(ids),
        ]),
        len(tables) + 2,
    )  # fmt: skip
    children: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for key, rows in zip(tables, found, strict=True):
        for row in _ordered(rows, "version"):
            children[str(row.pop("batch_id"))][key].append(plain(row, r.zone))
    samples_by_code: dict[str, list[Row]] = defaultdict(list)
    for row in _ordered(sample_rows, "meal_date"):
        samples_by_code[row.pop("batch_code")].append(plain(row, r.zone))
    _name_sample_batches([s for samples in samples_by_code.values() for s in samples], sample_codes)
    details: dict[str, Row] = {}
    for row in batch_rows:
        batch = plain(row, r.zone)
        batch_id = batch.pop("batch_id")
        batch["signers"] = people(row["signers"])
        batch.update({key: children[batch_id][key] for key in tables})
        batch["samples"] = samples_by_code[row["code"]]
        batch["colour"] = r.profile.colour(row["category"])
        details[batch_id] = batch
    attach_movements(r, details, movements)
    return list(details.values())


def _split(answers: list[list[Row]], at: int) -> list[Any]:
    """The answers up to ``at`` one by one, then the rest as one list (``*first, last = ...``)."""
    return [*answers[:at], answers[at:]]


def _name_sample_batches(samples: list[Row], sample_codes: list[Row]) -> None:
    """Each sample's ``batch_codes``: the codes of every batch it names, from rows of view_trace_sample_batches."""
    codes: dict[str, set[str]] = defaultdict(set)
    for row in sample_codes:
        codes[str(row["sample_id"])].add(row["code"])
    for sample in samples:
        sample["batch_codes"] = sorted(codes[sample["sample_id"]])


def _same_lots_selects(lots: set[Lot], school: str, other_batches: bool) -> list[Select]:
    """The queries of ``_same_lots``: these lots' batches at this school, counted at the others, and (with
    ``other_batches``) the others' batches themselves (none: no lots)."""
    if not lots:
        return []
    condition, params = of_lots(lots)
    here = f"SELECT {BATCH_COLUMNS} FROM view_trace_batches WHERE {condition} AND school = ? {ORDER}"
    others = [other_batches_select(lots, school)] if other_batches else []
    return [Select(here, [*params, school]), other_schools_select(lots, school), *others]


def _same_lots(
    r: Reader,
    lots: set[Lot],
    school: str,
    exclude: set[str],
    other_batches: bool,
    in_full: bool,
    found: list[list[Row]],
) -> tuple[list[Row], list[Row]]:
    """Other batches of these lots (same supplier, product and lot): by other school, and at this school.

    Each comes with the meals it went into (in full: every detail). The meal's own school is never among
    ``other_schools``; its other batches of the same lots are listed apart. ``found``: the answers to
    ``_same_lots_selects``.
    """
    if not lots:
        return [], []
    here_rows, counted, *elsewhere_rows = found
    rows = [row for row in here_rows if row["code"] not in exclude]
    rows += elsewhere_rows[0] if other_batches else []
    by_school: dict[str, list[Row]] = defaultdict(list)
    for batch in batch_details(r, rows) if in_full else batch_summaries(r, rows):
        by_school[batch["school"]].append(batch)
    here = by_school.pop(school, [])
    return [{**s, "batches": by_school[s["code"]]} for s in other_schools(r, lots, school, counted)], here


def _supplier_selects(batches: list[Row]) -> list[Select]:
    codes = sorted({b["supplier"] for b in batches})
    return [
        Select("SELECT * FROM view_trace_licences WHERE supplier IN", keys=codes),
        Select("SELECT * FROM view_trace_suppliers WHERE code IN", keys=codes),
    ]


def _suppliers(r: Reader, batches: list[Row], found: list[list[Row]]) -> list[Row]:
    """Each supplier with the licence in force when it delivered (the latest recorded before the receipt).

    ``found``: the answers to ``_supplier_selects``.
    """
    licence_rows, supplier_rows = found
    licences: dict[str, list[Row]] = defaultdict(list)
    for row in _ordered(licence_rows, "version"):
        licences[row["supplier"]].append(plain(row, r.zone))
    suppliers = []
    for row in _ordered(supplier_rows, "code"):
        supplier = plain(row, r.zone)
        supplier.pop("supplier_id")
        deliveries = [b for b in batches if b["supplier"] == row["code"]]
        supplier["licence_at_delivery"] = {
            b["code"]: _licence_on(licences[row["code"]], b["received_at"], b["received_on"]) for b in deliveries
        }
        suppliers.append(supplier)
    return suppliers


def _licence_on(licences: list[Row], moment: str, day: str) -> Row | None:
    recorded = [lic for lic in licences if lic["recorded_at"] <= moment] or licences[:1]
    if not recorded:
        return None
    licence = recorded[-1]
    valid = valid_on(*(date.fromisoformat(d) for d in (day, licence["valid_from"], licence["valid_until"])))
    return {**licence, "valid_on_delivery": valid}


def _handled(batches: list[Row]) -> list[Handled]:
    """Everyone who signed for these batches at intake or gave/took them for this meal, with what and when."""
    handled: list[Handled] = []  # person, what they did, batch, when
    for batch in batches:
        handled += [(p, "intake_signer", batch["code"], batch["received_at"]) for p in batch["signers"]]
        for issue in [i for i in batch.get("issues_for_meal", []) if not i["voided"]]:
            handled.append((issue["given_by"], "gave", batch["code"], issue["issued_at"]))
            handled.append((issue["taken_by"], "took", batch["code"], issue["issued_at"]))
    return handled


def _ordered(rows: list[Row], key: str) -> list[Row]:
    return sorted(rows, key=lambda row: str(row[key]) if not isinstance(row[key], int) else row[key])
