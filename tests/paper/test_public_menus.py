"""The weekly menus (周食谱) in the demo school's monthly public notice: each school day's lunch with its dishes and
their prices, in the JSON, on the A4 PDF (as pdftotext reads it) and nobody's name or id beside them."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from domain.menu import week_of
from tests.paper.conftest import MONTH, DemoMonth
from tests.paper.office import Printed, tools_or_skip

pytestmark = pytest.mark.xdist_group("paper")
NOTICE = f"/api/v1/public/schools/CG01/notices/{MONTH}"


def test_the_notice_posts_the_months_weekly_menus_with_dish_prices(demo_month: DemoMonth, folder: Path) -> None:
    tools_or_skip("pdfinfo", "pdftotext")
    lunches = []  # every school day of November, with its lunch as the Menu itself says
    day = date(2026, 11, 1)
    while day.month == 11:
        dishes = demo_month.ledger.dishes_on_menu("CG01", day, "lunch")
        if dishes:
            lunches.append((day, [(d.name, f"{d.price:.2f}") for d in dishes]))
        day += timedelta(days=1)
    assert len(lunches) == 21  # Monday to Friday, every week

    with demo_month.served(folder) as client:
        notice = client.get(NOTICE).json()
        paper = client.get(f"{NOTICE}/notice.pdf")

    weeks = notice["menus"]
    assert [w["week"] for w in weeks] == sorted({week_of(day).isoformat() for day, _ in lunches})
    posted = [
        (date.fromisoformat(d["day"]), [(dish["name"], dish["price"]) for dish in d["meals"][0]["dishes"]])
        for w in weeks
        for d in w["days"]
    ]
    assert posted == lunches
    assert weeks[0]["days"][0]["weekday_zh"] == "星期一" and weeks[0]["week"] == "2026-11-02"
    pdf = folder / "notice.pdf"
    pdf.write_bytes(paper.content)
    printed = Printed.read(pdf)
    flat = "".join("\n".join(printed.pages).split())
    assert "五、每周食谱（菜品及每份价格）：2026-11-02起一周" in flat
    for day, dishes in lunches:
        row = "、".join(f"{name}{price}" for name, price in dishes)
        assert f"{day.isoformat()}" in flat and row in flat, (day, row)
    assert "CG01-4" not in str(weeks) and "陈校长" not in str(weeks)  # who published them is not public
