"""A meal's dishes in a backward trace (按菜品追溯): which batches went into which dish, where that is known.

A batch is in a dish when a live issue of it for the meal named the dish (出库 names the dishes it is for), or
when the kitchen's latest record of the dish (供餐记录, domain/dishes.py) names it. A batch that neither assigns
to any dish is listed apart as unassigned: it may have gone into any of them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from projections.rows import Row, plain
from projections.service import Reader
from projections.store import Select


def dish_records_select(school: str, meal_date: date, meal: str) -> Select:
    """The query of the kitchen's records of the meal's dishes, every version in order."""
    return Select(
        "SELECT version, dish, batch_codes, portions, recorded_by, recorded_at FROM view_trace_dish_records "
        "WHERE school = ? AND meal_date = ? AND meal = ? ORDER BY version",
        [school, meal_date, meal],
    )


def dish_records(r: Reader, school: str, meal_date: date, meal: str, rows: list[Row] | None = None) -> dict[str, Row]:
    """The kitchen's latest record of each dish of the meal, by dish (``rows``: the answer to dish_records_select)."""
    if rows is None:
        query = dish_records_select(school, meal_date, meal)
        rows = r.select(query.sql, query.params)
    return {row["dish"]: plain(row, r.zone) for row in rows}  # the latest version wins


def meal_dishes(
    r: Reader,
    school: str,
    meal_date: date,
    meal: str,
    batches: list[Row],
    samples: list[Row],
    rows: list[Row] | None = None,
) -> Row:
    """``dishes``: each dish known for the meal with its batches, portions and samples; ``unassigned``: the rest.

    ``batches`` are the meal's live batches (with ``issues_for_meal``); ``samples`` the meal's samples;
    ``rows`` the answer to ``dish_records_select`` when the caller already read it.
    """
    recorded = dish_records(r, school, meal_date, meal, rows)
    named: dict[str, set[str]] = defaultdict(set)
    for batch in batches:
        for issue in batch["issues_for_meal"]:
            for dish in [] if issue["voided"] else issue.get("dishes") or []:
                named[dish].add(batch["code"])
    live = {b["code"] for b in batches}
    kitchen = {dish: set(row["batch_codes"]) & live for dish, row in recorded.items()}
    sampled: dict[str, list[str]] = defaultdict(list)
    for sample in samples:
        sampled[sample["dish"]].append(sample["sample_id"])
    dishes: list[Row] = []
    for dish in sorted(set(named) | set(kitchen) | set(sampled)):
        record = recorded.get(dish)
        dishes.append({
            "dish": dish,
            "batch_codes": sorted(named[dish] | kitchen.get(dish, set())),
            "named_on_issues": sorted(named[dish]),
            "recorded_by_kitchen": sorted(kitchen.get(dish, set())),
            "portions": record["portions"] if record else None,
            "recorded_by": record["recorded_by"] if record else None,
            "sample_ids": sampled[dish],
        })  # fmt: skip
    assigned = {code for d in dishes for code in d["batch_codes"]}
    unassigned = [{"code": b["code"], "product": b["product"]} for b in batches if b["code"] not in assigned]
    return {"dishes": dishes, "unassigned_batches": unassigned}


def of_dish(dishes: list[Row], dish: str, batches: list[Row], voided: list[Row]) -> tuple[list[Row], list[Row]]:
    """The meal's live and voided batches narrowed to one dish (a voided one: when an issue of it named the dish)."""
    found = next((d for d in dishes if d["dish"] == dish), None)
    codes = set(found["batch_codes"]) if found else set()
    named = [b for b in voided if any(dish in (i.get("dishes") or []) for i in b["issues_for_meal"])]
    return [b for b in batches if b["code"] in codes], named
