"""The weekly menu (周食谱): the principal publishes a week, amends it with a reason or copies an earlier week;
the school's staff and investigators read it, a week at a time or the dishes of one meal.

A week is named by its Monday (``/menus/2026-03-02``); a dish by its name within (school, date, meal).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter

from api.auth import SchoolAdmin, SchoolReader, check_school
from api.commands import command
from api.contract import Group
from api.deps import Record, Views
from api.freshness import STALE_RESPONSES, Fresh
from api.results import MenuChanged
from api.routing import Route
from api.schemas_menus import MenuAmendmentRequest, MenuCopyRequest, MenuRequest
from api.tokens import Caller
from domain.planning import AmendMenu, CopyMenu, PublishMenu
from domain.values import Meal
from projections import queries
from projections.menus import dishes_on_menu, week_menu

router = APIRouter(prefix="/api/v1/schools/{school}", tags=[Group.SCHOOL_OFFICE], route_class=Route)
Json = dict[str, Any]
WEEK = "/menus/{week}"


def _checked(caller: Caller, school: str) -> str:
    check_school(caller, school)
    return school


@router.post(WEEK, response_model=MenuChanged, status_code=201, summary="发布周食谱: publish a week's menu")
def publish_menu(school: str, week: date, body: MenuRequest, caller: SchoolAdmin, record: Record) -> MenuChanged:
    """Once a week (409 when it is already published: amend it instead)."""
    publish = command(PublishMenu, body, school=_checked(caller, school), week=week)
    return record(publish, caller, MenuChanged, body)


@router.post(
    f"{WEEK}/amendments", response_model=MenuChanged, status_code=201, summary="修改周食谱: amend meals, with a reason"
)
def amend_menu(school: str, week: date, body: MenuAmendmentRequest, caller: SchoolAdmin, record: Record) -> MenuChanged:
    """Each meal named is replaced whole; a meal with no dishes is cancelled."""
    amend = command(AmendMenu, body, school=_checked(caller, school), week=week)
    return record(amend, caller, MenuChanged, body)


@router.post(f"{WEEK}/copy", response_model=MenuChanged, status_code=201, summary="复制周食谱: copy another week")
def copy_menu(school: str, week: date, body: MenuCopyRequest, caller: SchoolAdmin, record: Record) -> MenuChanged:
    """The other week as it stands, amendments included, to a week not yet published."""
    copy = command(CopyMenu, body, school=_checked(caller, school), week=week)
    return record(copy, caller, MenuChanged, body)


@router.get(WEEK, response_model=Json, responses=STALE_RESPONSES, summary="周食谱: a week's menu with prices")
def get_menu(school: str, week: date, views: Views, caller: SchoolReader, fresh: Fresh) -> Json:
    """Its days, meals and dishes as the menu stands, and its history (published, copied, amended: who, when, why)."""
    queries.require_known(views, school=_checked(caller, school))
    freshness = fresh.reading("trace")
    return {**week_menu(views, school, week), "freshness": freshness}


@router.get(
    "/meals/{meal_date}/{meal}/dishes",
    response_model=Json,
    responses=STALE_RESPONSES,
    summary="The dishes the menu plans for one meal",
)
def get_meal_dishes(school: str, meal_date: date, meal: Meal, views: Views, caller: SchoolReader, fresh: Fresh) -> Json:
    """In the menu's order; none when the week has no menu or the meal none planned."""
    queries.require_known(views, school=_checked(caller, school))
    freshness = fresh.reading("trace")
    dishes = dishes_on_menu(views, school, meal_date, meal.value)
    return {
        "school": school,
        "meal_date": meal_date.isoformat(),
        "meal": meal.value,
        "dishes": dishes,
        "freshness": freshness,
    }
