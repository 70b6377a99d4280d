"""What a trace shows of each batch beyond its receipt: returns, write-offs, holds and releases, and the quantities
issued, returned and net, per batch, per issue and per meal. Voided rows stay, marked ``voided: true``, and count
for nothing.

Fields each batch of a trace gets (quantities are decimal strings in the batch's unit):

- ``issues[]``: each issue also has ``returned`` (its live returns) and ``net`` (quantity − returned); both "0"
  for a voided issue.
- ``returns[]``: ``{version, school, quantity, returned_by, received_by, reason, returned_at, issue, meal_date,
  meal, voided}``. ``issue`` is the version of the issue it came back from, and ``meal_date``/``meal`` that
  issue's meal; all three None when it is not known (returns recorded before returns named their issue, or one
  larger than any single issue had out): such a return counts for the batch, never for a meal.
- ``write_offs[]``: ``{version, school, quantity, reason, witness, written_off_by, written_off_at, voided}``.
- ``holds[]``: ``{version, action: "hold" | "release", reason, person, role, acted_at}`` in order.
- ``issued``, ``returned``, ``net`` (issued − returned), ``written_off``: live totals.
- ``meals[]``: ``{school, meal_date, meal, issued, returned, net}`` for each meal with a live issue, by date,
  school, then breakfast, lunch, dinner.

A backward trace adds, for the meal it asks about: ``issues_for_meal[]`` (voided ones included, marked),
``returns_for_meal[]`` (the returns naming those issues), ``issued_for_meal``, ``returned_for_meal`` and
``net_for_meal``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from projections.rows import Row, plain
from projections.store import Select

Reader = Any  # projections.service.Reader (not imported: tracing imports this module)
TABLES = ("returns", "write_offs", "holds")
MEAL_ORDER = {"breakfast": 0, "lunch": 1, "dinner": 2}


def movement_selects(batch_ids: list[Any]) -> list[Select]:
    """The queries of ``attach_movements``, to send with others in one round trip (``Reader.select_many``)."""
    return [Select(f"SELECT * FROM view_trace_{table} WHERE batch_id IN", keys=batch_ids) for table in TABLES]


def attach_movements(r: Reader, batches: dict[str, Row], found_rows: list[list[Row]] | None = None) -> None:
    """Add returns, write-offs, holds and the quantities to these batches (keyed by batch id).

    ``found_rows``: the answers to ``movement_selects`` when the caller already asked them.
    """
    if found_rows is None:
        found_rows = r.select_many(movement_selects(list(batches)))
    found: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for table, rows in zip(TABLES, found_rows, strict=True):
        for row in sorted(rows, key=lambda row: int(row["version"])):
            found[str(row.pop("batch_id"))][table].append(plain(row, r.zone))
    for batch_id, batch in batches.items():
        batch.update({table: found[batch_id][table] for table in TABLES})
        add_quantities(batch)


def add_quantities(batch: Row) -> None:
    issues = {i["version"]: i for i in batch["issues"]}
    live_returns = [x for x in batch["returns"] if not x["voided"]]
    for back in batch["returns"]:
        source = issues.get(back["issue"])
        back["meal_date"], back["meal"] = (source["meal_date"], source["meal"]) if source else (None, None)
    for issue in batch["issues"]:
        if issue["voided"]:
            issue.update(returned="0", net="0")
            continue
        returned = total(x for x in live_returns if x["issue"] == issue["version"])
        issue.update(returned=str(returned), net=str(Decimal(issue["quantity"]) - returned))
    live_issues = [i for i in batch["issues"] if not i["voided"]]
    issued, returned = total(live_issues), total(live_returns)
    batch.update(issued=str(issued), returned=str(returned), net=str(issued - returned))
    batch["written_off"] = str(total(w for w in batch["write_offs"] if not w["voided"]))
    meals: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for issue in live_issues:
        meals[(issue["school"], issue["meal_date"], issue["meal"])].append(issue)
    batch["meals"] = [
        {"school": school, "meal_date": day, "meal": meal, **_issued_returned_net(meals[(school, day, meal)])}
        for school, day, meal in sorted(meals, key=lambda m: (m[1], m[0], MEAL_ORDER.get(m[2], 9), m[2]))
    ]


def for_meal(batch: Row, school: str, meal_date: str, meal: str) -> None:
    """The batch's issues and returns for one meal, and what it gave that meal net of returns."""
    batch["issues_for_meal"] = [
        i for i in batch["issues"] if (i["school"], i["meal_date"], i["meal"]) == (school, meal_date, meal)
    ]
    versions = {i["version"] for i in batch["issues_for_meal"]}
    batch["returns_for_meal"] = [x for x in batch["returns"] if x["issue"] in versions]
    quantities = _issued_returned_net([i for i in batch["issues_for_meal"] if not i["voided"]])
    batch.update({f"{key}_for_meal": value for key, value in quantities.items()})


def _issued_returned_net(live_issues: list[Row]) -> dict[str, str]:
    issued = total(live_issues)
    returned = sum((Decimal(i["returned"]) for i in live_issues), Decimal(0))
    return {"issued": str(issued), "returned": str(returned), "net": str(issued - returned)}


def total(rows: Iterable[Row]) -> Decimal:
    return sum((Decimal(row["quantity"]) for row in rows), Decimal(0))
