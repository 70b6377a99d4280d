"""The other schools of a backward trace at county scale: one row per school and lot, counted, and their batches a
page at a time; the exports still list every batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from projections.service import Projections, Reader
from projections.tracing import trace_backward, trace_backward_others
from tests.county import DAY, County, at
from tests.projections.conftest import XH_KITCHEN, XH_SECOND
from tests.projections.test_trace import XH_KEEPER, lunch_at_two_schools

PORK = {"supplier": "SUP-HX", "product_key": "06901234567892", "lot": "HX260301-2"}


def pork_twice_at_xh01(county: County) -> dict[str, str]:
    """The lunch of test_trace, and a second delivery of the same pork lot to XH01 later that morning."""
    codes = lunch_at_two_schools(county)
    again = county.receive(
        school="XH01", by=XH_KEEPER, co_signers=[XH_SECOND], quantity="6", invoice_number="FP20260302002", at=at(hour=9)
    )
    county.certify(again)
    county.issue(again, "4", taken_by=XH_KITCHEN, by=XH_KEEPER, meal="dinner", at=at(hour=15))
    return {**codes, "again": again}


def test_other_schools_come_as_one_row_per_school_and_lot(two_schools: County, views: Projections) -> None:
    codes = pork_twice_at_xh01(two_schools)
    views.catch_up()

    trace = trace_backward(views, "CG01", DAY, "lunch", with_other_batches=False)

    [xh01] = trace["other_schools"]
    assert (xh01["code"], xh01["name"], xh01["batch_count"], xh01["batches"]) == ("XH01", "新华镇中心小学", 2, [])
    day = DAY.isoformat()
    assert xh01["lots"] == [{**PORK, "batches": 2, "first_received": day, "last_received": day}]
    # The same counts come with the batches themselves, as the v1 answer and the exports give them.
    listed = trace_backward(views, "CG01", DAY, "lunch")["other_schools"]
    assert [(s["code"], s["batch_count"], s["lots"]) for s in listed] == [("XH01", 2, xh01["lots"])]
    assert [b["code"] for b in listed[0]["batches"]] == [codes["pork_xh"], codes["again"]]
    in_full = trace_backward(views, "CG01", DAY, "lunch", others_in_full=True)["other_schools"]
    assert [b["code"] for b in in_full[0]["batches"]] == [codes["pork_xh"], codes["again"]]
    assert all(b["certificates"] for b in in_full[0]["batches"])


def test_other_schools_batches_come_a_page_at_a_time(two_schools: County, views: Projections) -> None:
    codes = pork_twice_at_xh01(two_schools)
    views.catch_up()

    first = trace_backward_others(views, "CG01", DAY, "lunch", page_size=1)
    second = trace_backward_others(views, "CG01", DAY, "lunch", page=2, page_size=1)
    assert ([b["code"] for b in first["batches"]], first["has_more"]) == ([codes["pork_xh"]], True)
    assert ([b["code"] for b in second["batches"]], second["has_more"]) == ([codes["again"]], False)
    # Each with its meals, as the tree shows them: lunch for the first, dinner for the second.
    assert [(m["meal"], m["issued"]) for m in first["batches"][0]["meals"]] == [("lunch", "2")]
    assert [(m["meal"], m["net"]) for m in second["batches"][0]["meals"]] == [("dinner", "4")]
    at_xh01 = trace_backward_others(views, "CG01", DAY, "lunch", at="XH01")
    assert ([b["code"] for b in at_xh01["batches"]], at_xh01["has_more"]) == ([codes["pork_xh"], codes["again"]], False)
    # The meal's own school is never among the others; a meal without lots has no other batches.
    assert trace_backward_others(views, "CG01", DAY, "lunch", at="CG01")["batches"] == []
    assert trace_backward_others(views, "CG01", DAY, "breakfast")["batches"] == []
    # From XH01's lunch, CG01 is the other school (greens went nowhere else).
    from_xh01 = trace_backward_others(views, "XH01", DAY, "lunch")
    assert [(b["school"], b["code"]) for b in from_xh01["batches"]] == [("CG01", codes["pork_cg"])]


def test_other_schools_batches_come_in_the_round_trip_of_the_same_lots(
    two_schools: County, views: Projections, monkeypatch: pytest.MonkeyPatch
) -> None:
    codes = pork_twice_at_xh01(two_schools)
    views.catch_up()
    reads: list[str] = []  # each a round trip on PostgreSQL: select alone, or several queries in select_many

    def counted(name: str, read: Callable[..., Any]) -> Callable[..., Any]:
        def counting(reader: Reader, *arguments: Any) -> Any:
            reads.append(name)
            return read(reader, *arguments)

        return counting

    for name in ("select", "select_many"):
        monkeypatch.setattr(Reader, name, counted(name, getattr(Reader, name)))

    trace = trace_backward(views, "CG01", DAY, "lunch")

    assert [b["code"] for b in trace["other_schools"][0]["batches"]] == [codes["pork_xh"], codes["again"]]
    # The meal; its batches' details; what follows from them (the same lots here and elsewhere, the others'
    # batches among them, suppliers, people); the other batches' issues and movements. No read of its own.
    assert reads == ["select_many"] * 4
