"""留样 for one meal at one school: the samples kept, the batches issued for the meal, and which lack a sample."""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.service import Projections
from projections.tracing import trace_backward


def meal_samples(views: Projections, school: str, meal_date: date, meal: str) -> dict[str, Any]:
    """A meal is complete when it has samples and every batch issued for it is named by one of them."""
    trace = trace_backward(views, school, meal_date, meal)
    profile = views.profile
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
    return {
        "school": school,
        "meal_date": meal_date.isoformat(),
        "meal": meal,
        "sample_grams": profile.sample_grams,
        "sample_hours": profile.sample_hours,
        "samples": trace["samples"],
        "batches": batches,
        "missing": missing,
        "complete": bool(trace["samples"]) and not missing,
    }
