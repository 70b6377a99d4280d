"""Dishes in the store room: an issue may name the dishes it is for; the kitchen lead records after service which
batches went into which dish and the portions served (供餐记录)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.dishes import RecordDishServed, meal_service
from domain.errors import NotFound, RuleViolation, ValidationError
from domain.handoff import ConfirmIssue
from domain.values import Principal
from tests.county import DAY, ZHANG, County, at, retain_sample, send
from tests.menus import publish_week

KITCHEN = Principal(ZHANG, "kitchen")


def record(county: County, dish: str, codes: list[str], portions: int = 320, **overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "school": "CG01",
        "meal_date": DAY,
        "meal": "lunch",
        "dish": dish,
        "batch_codes": codes,
        "portions": portions,
        "by": KITCHEN,
        "at": at(hour=13),
    }
    return send(county.ledger, RecordDishServed, {**fields, **overrides})


def test_an_issue_names_the_dishes_it_is_for_each_once(county: County) -> None:
    code = county.ready_to_issue()
    county.issue(code, "5", dishes=["红烧肉", " 土豆烧肉 ", "红烧肉"])
    (movement,) = county.ledger.batch(code).movements.values()
    assert movement.dishes == ("红烧肉", "土豆烧肉")


def test_an_issue_naming_no_dish_is_as_before(county: County) -> None:
    code = county.ready_to_issue()
    county.issue(code, "5")
    (movement,) = county.ledger.batch(code).movements.values()
    assert movement.dishes == ()


def test_an_offer_keeps_its_dishes_until_the_kitchen_confirms(county: County) -> None:
    code = county.ready_to_issue()
    offer = county.offer(code, "5", dishes=["米饭"])["offer"]
    county.ledger.execute(ConfirmIssue(code=code, offer=offer), by=KITCHEN, at=at(hour=10, minute=5))
    issued = [m for m in county.ledger.batch(code).movements.values() if m.kind == "issue"]
    assert [m.dishes for m in issued] == [("米饭",)]


def test_a_blank_dish_name_is_refused(county: County) -> None:
    code = county.ready_to_issue()
    with pytest.raises(ValidationError):
        county.issue(code, "5", dishes=["  "])


def test_the_kitchen_records_which_batches_went_into_a_dish(county: County) -> None:
    code = county.ready_to_issue()
    county.issue(code, "5")
    answer = record(county, "红烧肉", [code.lower()], portions=318)
    assert answer["batch_codes"] == [code] and answer["portions"] == 318
    service = meal_service(county.ledger, "CG01", DAY, "lunch")
    assert service is not None and service.dishes["红烧肉"].batch_codes == (code,)


def test_a_later_record_of_the_same_dish_replaces_the_earlier(county: County) -> None:
    code = county.ready_to_issue()
    county.issue(code, "5")
    record(county, "红烧肉", [code], portions=300)
    record(county, "红烧肉", [], portions=310, at=at(hour=13, minute=30))
    service = meal_service(county.ledger, "CG01", DAY, "lunch")
    assert service is not None and service.dishes["红烧肉"].portions == 310
    assert service.dishes["红烧肉"].batch_codes == ()


def test_a_batch_not_issued_for_the_meal_cannot_be_in_its_dish(county: County) -> None:
    code = county.ready_to_issue()
    county.issue(code, "5", meal="breakfast")
    with pytest.raises(RuleViolation, match="was not issued for this meal"):
        record(county, "红烧肉", [code])


def test_a_voided_issue_puts_its_batch_in_no_dish(county: County) -> None:
    code = county.ready_to_issue()
    version = county.issue(code, "5")["version"]
    county.correct(code, version, "数量录错")
    with pytest.raises(RuleViolation, match="was not issued for this meal"):
        record(county, "红烧肉", [code])


def test_another_schools_batch_is_as_if_unknown(county: County) -> None:
    code = county.ready_to_issue()
    county.issue(code, "5")
    with pytest.raises(NotFound):
        record(county, "红烧肉", [code], school="XH01")


def test_portions_out_of_range_are_refused(county: County) -> None:
    with pytest.raises(ValidationError, match="portions"):
        record(county, "红烧肉", [], portions=-1)


def test_where_the_meal_has_a_menu_an_issue_names_only_its_dishes(county: County) -> None:
    publish_week(county.ledger, DAY, at=at(DAY - timedelta(days=3)))
    code = county.ready_to_issue()
    with pytest.raises(ValidationError) as refused:
        county.issue(code, "5", dishes=["红烧肉", "糖醋排骨"])
    assert refused.value.details["field"] == "dishes"
    assert "糖醋排骨" in refused.value.zh and "not on the menu" in refused.value.en
    county.issue(code, "5", dishes=["红烧肉"])
    county.issue(code, "1", dishes=["糖醋排骨"], meal="dinner")  # no dinner on the menu: any name goes


def test_where_the_meal_has_a_menu_a_sample_and_a_dish_record_name_one_of_its_dishes(county: County) -> None:
    publish_week(county.ledger, DAY, at=at(DAY - timedelta(days=3)))
    code = county.ready_to_issue()
    county.issue(code, "5", dishes=["红烧肉"])
    with pytest.raises(ValidationError, match="not on the menu") as refused:
        retain_sample(county.ledger, "红烧排骨", [code], sealed_at=at(hour=12), at=at(hour=12, minute=5))
    assert refused.value.details["field"] == "dish"
    with pytest.raises(ValidationError, match="not on the menu"):
        record(county, "红烧排骨", [code])
    retain_sample(county.ledger, "红烧肉", [code], sealed_at=at(hour=12), at=at(hour=12, minute=5))
    assert record(county, "红烧肉", [code])["dish"] == "红烧肉"
