"""留样 for one meal at one school: the samples kept, the batches issued for the meal, and which lack a sample;
where the meal has a menu, each of its dishes with or without a sample (projections/dish_samples.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.dish_samples import dish_rows, planned_dishes
from projections.service import Projections
from projections.tracing import trace_backward


def meal_samples(views: Projections, school: str, meal_date: date, meal: str) -> dict[str, Any]:
    """A meal with a menu is complete when each of its dishes has a sample that meets the profile (``dishes``);
    one without, as before, when it has samples and every batch issued for it is named by one of them."""
    trace = trace_backward(views, school, meal_date, meal)
    profile = views.profile
    key = (school, meal_date.isoformat(), meal)
    with views.reading("trace") as r:
        planned = planned_dishes(r, [school], meal_date, meal_date).get(key, [])
    sampled_in: dict[str, list[str]] = {}
    for sample in trace["samples"]:
        for code in sample.get("batch_codes", []):
            sampled_in.setdefault(code, []).append(sample["dish"])
    batches = [
        {
            "code": b["code"],
            "product": b["product"],
            "colour": profile.colour(b["category"]),
            "unit": b["unit"],
            "issued": b["issued_for_meal"],
            "sampled_in": sampled_in.get(b["code"], []),
        }
        for b in trace["batches"]
    ]
    missing = [
        {
            "code": b["code"],
            "product": b["product"],
            "zh": "已出库用于本餐，尚无留样",
            "en": "issued for this meal; no sample names it",
        }
        for b in batches
        if not b["sampled_in"]
    ]
    dishes = dish_rows(key, planned, trace["samples"], profile)
    if dishes:
        missing = [
            {
                "dish": d["dish"],
                "zh": f"本餐食谱上的菜品，尚无不少于{profile.sample_grams}克、留足{profile.sample_hours}小时的留样",
                "en": f"on this meal's menu; no sample of {profile.sample_grams} g kept {profile.sample_hours} h",
            }
            for d in dishes
            if not d["sampled"]
        ]
    return {
        "school": school,
        "meal_date": meal_date.isoformat(),
        "meal": meal,
        "sample_grams": profile.sample_grams,
        "sample_hours": profile.sample_hours,
        "samples": trace["samples"],
        "batches": batches,
        "dishes": dishes,
        "missing": missing,
        "complete": not missing if dishes else bool(trace["samples"]) and not missing,
    }
