"""The weekly menu over HTTP (周食谱): the principal publishes, amends and copies; the school's staff and
investigators read the week and a meal's dishes; refusals are 4xx in Chinese and English."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api
from tests.menus import LUNCH

MENU = "/api/v1/schools/CG01/menus/2026-03-02"


def week(days: int = 5, dishes: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"slots": [{"day": f"2026-03-0{2 + n}", "meal": "lunch", "dishes": dishes or LUNCH} for n in range(days)]}


def test_the_principal_publishes_a_week_and_the_store_room_reads_the_dishes_of_a_meal(api: Api) -> None:
    published = api.post("principal", MENU, week(), key="menu-0302")
    assert published.status_code == 201, published.text
    answer = published.json()
    assert (answer["week"], answer["version"], answer["meals"], answer["dishes"]) == ("2026-03-02", 1, 5, 25)
    again = api.post("principal", MENU, week(), key="menu-0302")  # a retry answers the first result
    assert again.status_code == 201 and again.json()["version"] == 1
    api.catch_up()

    for who in ("storekeeper", "kitchen", "principal", "investigator"):
        lunch = api.get(who, "/api/v1/schools/CG01/meals/2026-03-04/lunch/dishes")
        assert lunch.status_code == 200, (who, lunch.text)
        assert [(d["name"], d["price"]) for d in lunch.json()["dishes"]][:2] == [("米饭", "0.80"), ("红烧肉", "3.50")]
    menu = api.get("kitchen", MENU).json()
    assert [d["day"] for d in menu["days"]] == ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"]
    assert menu["history"][0]["by_person"] == "CG01-principal" and menu["freshness"]["lag"] == 0
    assert api.get("other_school", MENU).status_code == 404  # another school's menu does not show
    assert api.get("supplier", MENU).status_code == 403


def test_an_amendment_and_a_copy_over_http(api: Api) -> None:
    api.post("principal", MENU, week())
    fish = {"name": "清蒸鱼", "price": "4.00", "ingredients": [{"product": "鲈鱼", "category": "aquatic"}]}
    amendment = {"slots": [{"day": "2026-03-04", "meal": "lunch", "dishes": [LUNCH[0], fish]}], "reason": "改为鱼"}
    amended = api.post("principal", f"{MENU}/amendments", amendment)
    assert amended.status_code == 201 and amended.json()["version"] == 2, amended.text
    copied = api.post("principal", "/api/v1/schools/CG01/menus/2026-03-09/copy", {"from_week": "2026-03-02"})
    assert copied.status_code == 201 and copied.json()["dishes"] == 22, copied.text
    api.catch_up()

    dishes = api.get("storekeeper", "/api/v1/schools/CG01/meals/2026-03-11/lunch/dishes").json()["dishes"]
    assert [d["name"] for d in dishes] == ["米饭", "清蒸鱼"]
    history = api.get("investigator", "/api/v1/schools/CG01/menus/2026-03-09").json()["history"]
    assert history[0]["copied_from"] == "2026-03-02"


def test_refusals_are_bilingual_and_nothing_is_recorded(api: Api) -> None:
    not_monday = api.post("principal", "/api/v1/schools/CG01/menus/2026-03-04", week())
    assert not_monday.status_code == 422
    assert "不是星期一" in not_monday.json()["zh"] and "is not a Monday" in not_monday.json()["en"]
    assert api.post("principal", MENU, week(dishes=[{**LUNCH[0], "price": "1e1"}])).status_code == 422
    twice = api.post("principal", MENU, week(dishes=[LUNCH[0], LUNCH[0]]))
    assert twice.status_code == 422 and "菜名重复" in twice.json()["zh"] and "twice" in twice.json()["en"]
    assert api.post("principal", MENU, week()).status_code == 201
    published_again = api.post("principal", MENU, week())
    assert published_again.status_code == 409 and "amend it instead" in published_again.json()["en"]
    no_reason = api.post("principal", f"{MENU}/amendments", {"slots": week(days=1)["slots"]})
    assert no_reason.status_code == 422 and no_reason.json()["zh"]
    unknown = api.post("principal", "/api/v1/schools/CG01/menus/2026-03-16/copy", {"from_week": "2026-02-23"})
    assert unknown.status_code == 404 and "没有食谱" in unknown.json()["zh"]
    assert api.post("principal", "/api/v1/schools/XH01/menus/2026-03-02", week()).status_code == 404
    assert api.post("kitchen", MENU, week()).status_code == 403
    api.catch_up()
    nothing = api.get("principal", "/api/v1/schools/CG01/menus/2026-03-16")
    assert nothing.status_code == 404 and nothing.json()["en"] == "no menu for the week of 2026-03-16"
    assert api.get("principal", "/api/v1/schools/CG01/meals/2026-03-16/lunch/dishes").json()["dishes"] == []
    assert "is not a Monday" in api.get("principal", "/api/v1/schools/CG01/menus/9999-12-31").json()["en"]
