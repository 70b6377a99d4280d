"""FoodTrace's own answers, read into the canonical form of reference.py.

The one place that knows the shape of each answer (field names): when an answer grows a field, only this
module changes. A missing field reads as None, so an answer that does not say something is a mismatch.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from tests.oracle.model import folded_name
from tests.oracle.reference import Answer


def number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _meal_issues(batch: dict[str, Any]) -> list[dict[str, Any]]:
    return list(batch.get("issues_for_meal", []))


def _story(batch: dict[str, Any]) -> Answer:
    returns, write_offs, holds = batch.get("returns"), batch.get("write_offs"), batch.get("holds")
    return {
        "returns": None
        if returns is None
        else tuple(
            sorted((number(x["quantity"]), bool(x["voided"]), x.get("meal_date"), x.get("meal")) for x in returns)
        ),
        "write_offs": None
        if write_offs is None
        else tuple(sorted((number(w["quantity"]), bool(w.get("voided"))) for w in write_offs)),
        "holds": None if holds is None else tuple((h.get("action"), h.get("reason")) for h in holds),
        "totals": tuple(number(batch.get(key)) for key in ("issued", "returned", "net", "written_off")),
        "certificates": tuple(sorted((c["kind"], bool(c["voided"])) for c in batch["certificates"])),
        "inspections": tuple(
            sorted((i["stage"], bool(i["passed"]), i["inspector"], bool(i["voided"])) for i in batch["inspections"])
        ),
    }


def _identity(lot: dict[str, Any]) -> tuple[Any, Any, Any]:
    """A lot as the answer names it: the product is its key (GTIN, else the folded name)."""
    product = lot.get("product_key") or lot.get("gtin") or (folded_name(lot["product"]) if lot.get("product") else None)
    return (lot.get("supplier"), product, lot.get("lot"))


def backward(answer: dict[str, Any]) -> Answer:
    went_in = answer["batches"]
    batches = went_in + answer.get("voided_batches", [])  # those whose every issue for the meal was voided
    return {
        "backward.batches": tuple(sorted(b["code"] for b in went_in)),
        "backward.voided": tuple(
            sorted((b["code"], number(i["quantity"])) for b in batches for i in _meal_issues(b) if i["voided"])
        ),
        "backward.quantities": {
            b["code"]: tuple(number(b.get(f"{key}_for_meal")) for key in ("issued", "returned", "net")) for b in went_in
        },
        "backward.lots": tuple(sorted(_identity(lot) for lot in answer.get("lots", []))),
        "backward.other_schools": tuple(
            sorted((s["code"], b["code"]) for s in answer.get("other_schools", []) for b in s["batches"])
        ),
        "backward.same_lots_at_school": tuple(sorted(b["code"] for b in answer.get("same_lots_at_school", []))),
        "backward.samples": tuple(
            sorted((s["sample_id"], tuple(sorted(s["batch_codes"]))) for s in answer.get("samples", []))
        ),
        "backward.suppliers": tuple(sorted(s["code"] for s in answer.get("suppliers", []))),
        "backward.people": tuple(
            sorted(
                {
                    (p["person_id"], h["what"], h["batch"], bool(h["fit_for_food_work"]))
                    for p in answer.get("people", [])
                    for h in p["handled"]
                }
            )
        ),
        "backward.story": {b["code"]: _story(b) for b in went_in},
        "backward.dishes": tuple(sorted((d["dish"], tuple(sorted(d["batch_codes"]))) for d in answer["dishes"])),
        "backward.unassigned": tuple(sorted(b["code"] for b in answer["unassigned_batches"])),
    }


def backward_dish(answer: dict[str, Any]) -> Answer:
    return {
        "dish.batches": tuple(sorted(b["code"] for b in answer["batches"])),
        "dish.suppliers": tuple(sorted(s["code"] for s in answer["suppliers"])),
        "dish.samples": tuple(sorted(s["sample_id"] for s in answer["samples"])),
    }


def _issue(issue: dict[str, Any]) -> tuple[str, str, Decimal | None, bool]:
    return (issue["meal_date"], issue["meal"], number(issue["quantity"]), bool(issue["voided"]))


def _meal_quantities(batch: dict[str, Any]) -> Any:
    meals = batch.get("meals")
    if meals is None:
        return None
    return {
        (m["meal_date"], m["meal"]): (number(m.get("issued")), number(m.get("returned")), number(m.get("net")))
        for m in meals
    }


def forward(answer: dict[str, Any]) -> Answer:
    batches = answer["batches"]
    return {
        "forward.batches": tuple(sorted(b["code"] for b in batches)),
        "forward.schools": tuple(sorted(s["code"] for s in answer["schools"])),
        "forward.meals": tuple(sorted((m["school"], m["meal_date"], m["meal"]) for m in answer["meals"])),
        "forward.samples": tuple(sorted(s["sample_id"] for s in answer["samples"])),
        "forward.issues": {b["code"]: tuple(sorted(_issue(i) for i in b["issues"])) for b in batches},
        "forward.quantities": {b["code"]: _meal_quantities(b) for b in batches},
        "forward.story": {b["code"]: _story(b) for b in batches},
    }


def search(answer: dict[str, Any]) -> Answer:
    return {
        "search": tuple(sorted(item["code"] for item in answer["items"])),
        "search.expired": tuple(sorted(item["code"] for item in answer["items"] if item.get("expired"))),
    }


def as_of(answer: dict[str, Any]) -> Answer:
    if not answer["exists"]:
        return {"as_of.exists": False}
    return {
        "as_of.exists": True,
        "as_of.stock": (number(answer["on_hand"]), number(answer["reserved"]), answer["place"]),
        "as_of.hold": (answer["on_hold"], answer["hold_reason"]),
        "as_of.expired": answer.get("expired"),
        "as_of.certificates": tuple(sorted(c["kind"] for c in answer["certificates"])),
        "as_of.movements": tuple(
            sorted((m["kind"], number(m["quantity"]), m["at"]) for m in answer["movements"] if not m.get("voided"))
        ),
        "as_of.failed_inspections": answer["failed_inspections"],
    }


def stock(answer: dict[str, Any]) -> Answer:
    products: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for p in answer["products"]:
        products[(folded_name(p["product"]), p["unit"])] += Decimal(p["on_hand"])
    return {
        "stock.batches": {
            b["code"]: (
                number(b["on_hand"]),
                number(b["reserved"]),
                number(b["available"]),
                bool(b["on_hold"]),
                b.get("expired"),
            )
            for b in answer["batches"]
        },
        "stock.products": {key: value for key, value in products.items() if value != 0},
    }


def expiring(answer: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((b["code"], b.get("expired")) for b in answer["batches"]))


def _balances(rows: list[dict[str, Any]]) -> dict[tuple[str, str], Decimal]:
    folded: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        folded[(folded_name(row["product"]), row["unit"])] += Decimal(row["product_balance"])
    return {key: value for key, value in folded.items() if value != 0}


def ledger_month(answer: dict[str, Any]) -> Answer:
    rows = answer["rows"]
    return {
        "ledger.rows": tuple(
            (
                r["code"],
                r["kind"],
                number(r["quantity_in"]),
                number(r["quantity_out"]),
                number(r["batch_balance"]),
                (r["meal_date"], r["meal"]) if r["kind"] == "out" else None,
                r["corrects_version"],
            )
            for r in rows
        ),
        "ledger.product_balances": tuple(number(r["product_balance"]) for r in rows),
        "ledger.expired": tuple(sorted({r["code"] for r in rows if r.get("expired")})),
        "ledger.opening": _balances(answer["opening"]),
        "ledger.closing": _balances(answer["closing"]),
    }


def compliance(answer: dict[str, Any]) -> Answer:
    samples = answer["samples"]
    return {
        "compliance.missing_certificates": tuple(
            sorted((g["code"], tuple(sorted(g["missing"]))) for g in answer["missing_certificates"])
        ),
        "compliance.failed_inspections": tuple(
            sorted((f["code"], f["stage"], f["inspector"]) for f in answer["failed_inspections"])
        ),
        "compliance.dishes": tuple(
            sorted((d["school"], d["meal_date"], d["meal"], d["dish"], d["sampled"]) for d in samples["dishes"])
        ),
        "compliance.meals_without_samples": tuple(
            sorted((m["school"], m["meal_date"], m["meal"]) for m in samples["meals_without_samples"])
        ),
        "compliance.disposed_early": tuple(sorted(s["sample_id"] for s in samples["disposed_early"])),
        "compliance.disagreements": tuple(
            sorted(
                (
                    d["school"],
                    d["meal_date"],
                    d["meal"],
                    tuple(d["sampled_but_not_issued"]),
                    tuple(sorted(i["code"] for i in d["issued_but_not_sampled"])),
                )
                for d in samples["disagreements"]
            )
        ),
        "compliance.staff_certificates": tuple(
            sorted((c["person_id"], c["kind"], c["status"]) for c in answer["staff_certificates_expiring"])
        ),
        "compliance.supervision": {
            (s["school"], s["check"], s["period"]): s["count"] for s in answer["supervision"] if s["count"]
        },
    }
