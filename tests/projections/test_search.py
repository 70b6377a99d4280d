"""The investigators' search: batches by lot, supplier, product, school and receipt dates, newest first, by page."""

from __future__ import annotations

from datetime import timedelta

from projections.search import search_batches
from projections.service import Projections
from tests.county import DAY, County, at


def a_week_of_pork(county: County) -> list[str]:
    """One pork delivery a day for five days, the lot changing each day; greens on the Monday."""
    codes = []
    for n in range(5):
        day = DAY + timedelta(days=n)
        codes.append(county.receive(supplier_lot=f"HX2603{n:02d}-1", production_date=day - timedelta(days=1),
                                    use_by_date=day + timedelta(days=3), at=at(day, hour=7)))  # fmt: skip
    county.receive(supplier="SUP-LY", product="青菜", category="plant", supplier_lot="LY1", gtin=None)
    return codes


def test_search_by_supplier_pages_newest_first(county: County, views: Projections) -> None:
    codes = a_week_of_pork(county)
    views.catch_up()

    first = search_batches(views, supplier="SUP-HX", page_size=2)
    third = search_batches(views, supplier="SUP-HX", page=3, page_size=2)

    assert [i["code"] for i in first["items"]] == [codes[4], codes[3]] and first["has_more"] is True
    assert [i["code"] for i in third["items"]] == [codes[0]] and third["has_more"] is False
    assert first["items"][0]["received_on"] == "2026-03-06" and first["items"][0]["colour"] == "red"


def test_search_by_lot_product_school_and_dates(county: County, views: Projections) -> None:
    codes = a_week_of_pork(county)
    views.catch_up()

    assert [i["code"] for i in search_batches(views, lot="HX260302-1")["items"]] == [codes[2]]
    assert [i["code"] for i in search_batches(views, product="青菜", school="CG01")["items"]] != []
    between = search_batches(views, product="猪肉（前腿）", received_from=DAY + timedelta(days=1),
                             received_to=DAY + timedelta(days=2))  # fmt: skip
    assert [i["code"] for i in between["items"]] == [codes[2], codes[1]]
    assert search_batches(views, school="XH01")["items"] == []


# Search as a person types it: the start of a lot or a code, any part of a product's or a supplier's name.


def test_lot_prefix_finds_the_lot(county: County, views: Projections) -> None:
    codes = a_week_of_pork(county)
    views.catch_up()

    def found(lot: str) -> list[str]:
        return [i["code"] for i in search_batches(views, lot=lot)["items"]]

    assert found("HX2603") == codes[::-1]
    assert found("ＨＸ260302") == [codes[2]]  # typed full-width, stored as printed in ASCII
    assert found("HX2604") == []


def test_product_substring_finds_the_cut(county: County, views: Projections) -> None:
    codes = a_week_of_pork(county)
    views.catch_up()

    assert [i["code"] for i in search_batches(views, product="猪肉")["items"]] == codes[::-1]
    assert [i["code"] for i in search_batches(views, product="(前腿")["items"]] == codes[::-1]  # half-width typed
    assert search_batches(views, product="牛肉")["items"] == []


def test_supplier_name_substring(county: County, views: Projections) -> None:
    a_week_of_pork(county)
    views.catch_up()

    assert {i["supplier"] for i in search_batches(views, supplier="恒鑫")["items"]} == {"SUP-HX"}
    assert [i["product"] for i in search_batches(views, supplier="绿源")["items"]] == ["青菜"]
    assert [i["product"] for i in search_batches(views, supplier="sup-ly")["items"]] == ["青菜"]  # a code, any case
    assert search_batches(views, supplier="东旗")["items"] == []


def test_code_prefix(county: County, views: Projections) -> None:
    codes = a_week_of_pork(county)
    views.catch_up()
    typed = codes[3].replace("-", "")[:6].lower()  # 7kq2m9: as a storekeeper reads it off a label

    assert codes[3] in [i["code"] for i in search_batches(views, code=typed)["items"]]
    assert search_batches(views, code="U")["items"] == []  # no code holds a U


def test_typed_percent_matches_literally(county: County, views: Projections) -> None:
    literal = county.receive(supplier_lot="HX%1")
    county.receive(supplier_lot="HX21")
    county.receive(supplier_lot="HX_1")
    views.catch_up()

    assert [i["code"] for i in search_batches(views, lot="HX%")["items"]] == [literal]
    assert search_batches(views, product="%")["items"] == []
