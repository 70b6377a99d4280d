"""The smallest histories in which the oracle found each defect of issue 9, replayed as plain tests.

Each is the example hypothesis printed (shrunk by hand where it kept steps that do not matter). While its
defect is open (defects.OPEN) the test is a strict xfail: it turns red the day the defect is fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pytest

from tests.oracle.conftest import Store
from tests.oracle.county import PRODUCTS
from tests.oracle.defects import (
    LATER_HEALTH_CHECK_COUNTS,
    LOT_WITHOUT_PRODUCT,
    OPEN,
    OWN_SCHOOL_IN_OTHER_SCHOOLS,
    PRODUCT_MATCHED_EXACTLY,
    RETURNS_LEFT_OUT,
    VOIDED_ISSUES_DROPPED,
    WRITE_OFFS_AND_HOLDS_LEFT_OUT,
    Defect,
)
from tests.oracle.machine import CountyHistory
from tests.oracle.oracle import Mismatch

PORK, POTATO = PRODUCTS[0], PRODUCTS[2]
History = Callable[[CountyHistory], None]


def while_open(defect: Defect) -> Any:
    return pytest.mark.xfail(
        defect in OPEN,
        reason=f"open (remove it from OPEN in tests/oracle/defects.py once fixed): {defect.name}",
        strict=True,
    )


def explained_by(defect: Defect, store: Store, history: History) -> list[Mismatch]:
    """Run ``history`` on an empty county; return the mismatches this defect explains."""
    found: list[Mismatch] = []
    county = store.machine(found.extend)()
    history(county)
    county.teardown()
    return [m for m in found if defect.explains(m)]


def no_mismatch_from(defect: Defect) -> Callable[[History], Callable[[Store], None]]:
    """The decorated history, run on an empty county, shows no mismatch that ``defect`` explains."""

    def replaying(history: History) -> Callable[[Store], None]:
        def test(store: Store) -> None:
            assert explained_by(defect, store, history) == []

        test.__name__ = test.__qualname__ = history.__name__
        test.__doc__ = history.__doc__
        return cast(Callable[[Store], None], while_open(defect)(test))

    return replaying


def pork_at_cg01(county: CountyHistory, batches: int = 1) -> None:
    county.morning_deliveries([("CG01", "SUP-LY", PORK, "LY261126-8")] * batches)


@no_mismatch_from(LOT_WITHOUT_PRODUCT)
def test_other_schools_never_list_another_product_that_shares_the_lot_number(county: CountyHistory) -> None:
    pork_at_cg01(county)
    county.receive(
        "CG02", "SUP-LY", POTATO, "LY261126-8", quantity=10, keeps_days=3, certificates="all", second_signer=False
    )  # date-based produce lot
    county.issue_today(pick=1, quantity="1", meal="breakfast")  # the potatoes, at CG02


@no_mismatch_from(OWN_SCHOOL_IN_OTHER_SCHOOLS)
def test_other_schools_never_list_the_meals_own_school(county: CountyHistory) -> None:
    pork_at_cg01(county, batches=2)  # two deliveries of one lot; only the first goes into breakfast
    county.issue_today(pick=0, quantity="1", meal="breakfast")


@no_mismatch_from(RETURNS_LEFT_OUT)
def test_traces_show_what_came_back_to_the_store_and_the_net(county: CountyHistory) -> None:
    pork_at_cg01(county)
    county.issue(pick=0, quantity="5", meal="lunch", days_ahead=0)
    county.kitchen_returns(pick=0, part="0.5", names=None)


@no_mismatch_from(VOIDED_ISSUES_DROPPED)
def test_a_voided_issue_shows_in_the_meals_trace_marked_voided(county: CountyHistory) -> None:
    pork_at_cg01(county)
    county.issue(pick=0, quantity="3", meal="lunch", days_ahead=0)
    county.correct(pick=0, kind="issue", which=0)


@no_mismatch_from(WRITE_OFFS_AND_HOLDS_LEFT_OUT)
def test_traces_show_write_offs_holds_and_releases(county: CountyHistory) -> None:
    pork_at_cg01(county)
    county.issue(pick=0, quantity="0.5", meal="breakfast", days_ahead=0)
    county.write_off(pick=0, quantity="1")
    county.hold_or_release(pick=0, reason="供应商召回通知")


@no_mismatch_from(PRODUCT_MATCHED_EXACTLY)
def test_a_product_is_found_whichever_width_its_brackets_were_typed_in(county: CountyHistory) -> None:
    pork_at_cg01(county)  # received as 猪肉（前腿）; asked for as 猪肉(前腿) too
    county.issue(pick=0, quantity="0.5", meal="breakfast", days_ahead=0)


@no_mismatch_from(LATER_HEALTH_CHECK_COUNTS)
def test_a_handler_is_judged_by_what_was_recorded_when_they_handled_the_food(county: CountyHistory) -> None:
    county.morning_deliveries([("CG01", "SUP-LY", POTATO, "A1")])
    county.issue_today(pick=0, quantity="1", meal="lunch")  # 07:00, the cook fit
    county.time_passes(hours=3)
    county.health_check(school="CG01", who="cook", passed=False)  # 10:00: fever, off food work from now
