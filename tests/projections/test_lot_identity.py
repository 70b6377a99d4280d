"""A lot is (supplier, product, lot), never the lot text alone: produce suppliers date their lots, so one lot
number is on potatoes at one school and on tomatoes at another. Product names match however they are typed."""

from __future__ import annotations

from domain.values import Principal
from projections.search import search_batches
from projections.service import Projections
from projections.tracing import trace_backward, trace_forward
from tests.county import DAY, County, at
from tests.projections.conftest import XH_KITCHEN, XH_SECOND

XH_KEEPER = Principal("XH01-zhou", "storekeeper")
SHARED_LOT = "LY261126-8"


def produce(county: County, school: str, product: str, lot: str = SHARED_LOT, hour: int = 7, **more: str) -> str:
    """绿源 delivers vegetables without a GTIN; its lot number is the production date and a truck number."""
    keeper = {"by": XH_KEEPER, "co_signers": [XH_SECOND]} if school == "XH01" else {}
    code = county.receive(school=school, supplier="SUP-LY", product=product, category="plant", supplier_lot=lot,
                          gtin=None, place="蔬菜库（绿）", at=at(hour=hour), **keeper, **more)  # fmt: skip
    county.certify(code)
    return code


def potatoes_here_tomatoes_there(county: County) -> dict[str, str]:
    """CG01 cooks 土豆 of lot LY261126-8 for lunch; XH01 cooks 西红柿 of the same supplier's same lot number."""
    potatoes = produce(county, "CG01", "土豆")
    tomatoes = produce(county, "XH01", "西红柿")
    county.issue(potatoes, "5")
    county.issue(tomatoes, "3", taken_by=XH_KITCHEN, by=XH_KEEPER)
    return {"potatoes": potatoes, "tomatoes": tomatoes}


def test_backward_trace_does_not_mix_products_sharing_a_lot_number(two_schools: County, views: Projections) -> None:
    potatoes_here_tomatoes_there(two_schools)
    views.catch_up()

    trace = trace_backward(views, "CG01", DAY, "lunch")

    assert trace["other_schools"] == []
    assert [(lot["supplier"], lot["product_key"], lot["lot"]) for lot in trace["lots"]] == [
        ("SUP-LY", "土豆", SHARED_LOT)
    ]


def test_backward_trace_finds_the_same_product_of_the_lot_at_another_school(
    two_schools: County, views: Projections
) -> None:
    codes = potatoes_here_tomatoes_there(two_schools)
    more_potatoes = produce(two_schools, "XH01", "土豆", hour=9, invoice_number="FP20260302077")
    views.catch_up()

    trace = trace_backward(views, "CG01", DAY, "lunch")

    assert [(s["code"], [b["code"] for b in s["batches"]]) for s in trace["other_schools"]] == [
        ("XH01", [more_potatoes])
    ]
    assert codes["tomatoes"] not in str(trace["other_schools"])


def test_forward_trace_of_a_lot_with_its_supplier_and_product_finds_only_that_product(
    two_schools: County, views: Projections
) -> None:
    codes = potatoes_here_tomatoes_there(two_schools)
    views.catch_up()

    every_product = trace_forward(views, lot=SHARED_LOT, supplier="SUP-LY")
    potatoes = trace_forward(views, lot=SHARED_LOT, supplier="SUP-LY", product="土豆")

    assert [lot["products"] for lot in every_product["lots"]] == [["土豆"], ["西红柿"]]
    assert [b["code"] for b in potatoes["batches"]] == [codes["potatoes"]]
    assert [s["code"] for s in potatoes["schools"]] == ["CG01"]


def test_other_schools_never_lists_the_meals_own_school(two_schools: County, views: Projections) -> None:
    potatoes = produce(two_schools, "CG01", "土豆")
    second_delivery = produce(two_schools, "CG01", "土豆", hour=9, invoice_number="FP20260302078")
    two_schools.issue(potatoes, "5")
    views.catch_up()

    trace = trace_backward(views, "CG01", DAY, "lunch")

    assert "CG01" not in [s["code"] for s in trace["other_schools"]]
    assert [b["code"] for b in trace["same_lots_at_school"]] == [second_delivery]


def test_product_search_folds_half_width_brackets(two_schools: County, views: Projections) -> None:
    pork = two_schools.receive()  # 猪肉（前腿）, full-width brackets as the supplier typed them
    views.catch_up()

    for typed in ("猪肉(前腿)", "猪肉（前腿）", "猪肉 (前腿)", "猪肉【前腿】"):
        assert [b["code"] for b in search_batches(views, product=typed)["items"]] == [pork], typed
        assert [b["code"] for b in trace_forward(views, product=typed)["batches"]] == [pork], typed
