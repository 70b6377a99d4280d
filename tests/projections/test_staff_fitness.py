"""§12 fitness has one home: the trace's people status and the domain judge a person with the same rule."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from api.settings import eventsourcing_env
from domain.ledger import Ledger
from domain.registry import RecordHealthCheck
from domain.rules import DEFAULT_PROFILE, RulesProfile
from projections.service import Projections
from projections.tracing import trace_backward
from tests.county import ADMIN, DAY, WANG, ZHANG, County, at

DAILY_CHECKS = replace(DEFAULT_PROFILE, require_daily_health_check=True)


@pytest.fixture
def strict_views(database_url: str, ledger: Ledger) -> Iterator[Projections]:
    """The county's views under a profile that requires a passed health check (晨午检) every day."""
    projector = Projections(eventsourcing_env(database_url), profile=DAILY_CHECKS, ledger=ledger)
    yield projector
    projector.close()


def a_lunch_where_only_the_kitchen_lead_was_checked(county: County) -> None:
    """Recorded before the county required daily checks: only 张师傅 had his check on DAY."""
    county.ledger.execute(
        RecordHealthCheck(person_id=ZHANG, day=DAY, passed=True, notes="体温正常"), by=ADMIN, at=at(hour=6)
    )
    code = county.ready_to_issue()
    county.issue(code)


Verdicts = dict[str, set[tuple[bool, bool]]]


def fitness_in_view_and_domain(views: Projections, ledger: Ledger, profile: RulesProfile) -> Verdicts:
    """Each person who handled the lunch: (what the view says, what the domain says) about them that day."""
    trace = trace_backward(views, "CG01", DAY, "lunch")
    found: Verdicts = {}
    for person in trace["people"]:
        member = ledger.staff(person["person_id"])
        for entry in person["handled"]:
            domain_says = not member.fitness_refusals(DAY, profile.require_daily_health_check)
            found.setdefault(person["person_id"], set()).add((entry["fit_for_food_work"], domain_says))
    return found


def test_staff_status_view_honours_daily_health_check_rule(
    county: County, views: Projections, strict_views: Projections
) -> None:
    a_lunch_where_only_the_kitchen_lead_was_checked(county)
    views.catch_up()
    strict_views.catch_up()

    lenient = fitness_in_view_and_domain(views, county.ledger, DEFAULT_PROFILE)
    strict = fitness_in_view_and_domain(strict_views, county.ledger, DAILY_CHECKS)

    assert lenient[WANG.person_id] == {(True, True)} and lenient[ZHANG] == {(True, True)}
    assert strict[WANG.person_id] == {(False, False)}  # no check on DAY: unfit under the daily rule
    assert strict[ZHANG] == {(True, True)}
