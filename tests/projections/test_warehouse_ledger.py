"""The warehouse ledger (进出库台账): every movement a row, balances carried per batch and per product."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from api.cli.demo import seed_demo
from domain.handoff import CancelIssueOffer, ConfirmIssue, Correct, Move, OfferIssue, ReturnToStore, WriteOff
from domain.ledger import Ledger
from domain.values import Principal
from projections.service import Projections
from projections.stock import expiring, stock_on_hand, warehouse_ledger
from tests.county import DAY, LI, WANG, ZHANG, County, at

FIELDS = ("kind", "code", "quantity_in", "quantity_out", "batch_balance", "product_balance", "given_by", "taken_by")


def a_day_in_the_store_room(county: County) -> tuple[str, str, int]:
    """Pork lots A and B at CG01: issues, a return, a voided issue, a move, a write-off and two offers."""
    ledger = county.ledger
    a = county.receive()
    b = county.receive(quantity="10", supplier_lot="HX260301-3", at=at(hour=7, minute=50))
    county.certify(a)
    county.certify(b)
    county.issue(a, "5")
    ledger.execute(
        ReturnToStore(code=a, quantity="1", unit="kg", returned_by=ZHANG, reason="未用完"), by=WANG, at=at(hour=13)
    )
    dinner = county.issue(a, "3", meal="dinner", at=at(hour=15))
    ledger.execute(Correct(code=a, corrects_version=dinner["version"], reason="重复录入"), by=WANG, at=at(hour=16))
    ledger.execute(Move(code=a, place="冷冻库2号（红）"), by=WANG, at=at(hour=16, minute=30))
    ledger.execute(WriteOff(code=a, reason="解冻后变质", witness=LI, quantity="2"), by=WANG, at=at(hour=17))
    offer = ledger.execute(
        OfferIssue(code=b, quantity="2", unit="kg", meal_date=DAY, meal="dinner", taken_by=ZHANG),
        by=WANG,
        at=at(hour=17, minute=10),
    )["offer"]
    ledger.execute(CancelIssueOffer(code=b, offer=offer, reason="菜单调整"), by=WANG, at=at(hour=17, minute=20))
    ledger.execute(
        OfferIssue(code=b, quantity="4", unit="kg", meal_date=DAY, meal="dinner", taken_by=ZHANG),
        by=WANG,
        at=at(hour=17, minute=30),
    )
    return a, b, dinner["version"]


def test_every_movement_is_a_row_with_running_balances_per_batch_and_product(
    county: County, views: Projections
) -> None:
    a, b, voided = a_day_in_the_store_room(county)
    views.catch_up()

    book = warehouse_ledger(views, "CG01", "2026-03")

    signers = f"{WANG.person_id},{LI}"
    assert [tuple(row[f] for f in FIELDS) for row in book["rows"]] == [
        ("in", a, "20", None, "20", "20", "SUP-HX", signers),
        ("in", b, "10", None, "10", "30", "SUP-HX", signers),
        ("out", a, None, "5", "15", "25", WANG.person_id, ZHANG),
        ("return", a, "1", None, "16", "26", ZHANG, WANG.person_id),
        ("out", a, None, "3", "13", "23", WANG.person_id, ZHANG),
        ("correction", a, None, "-3", "16", "26", WANG.person_id, ""),
        ("move", a, None, None, "16", "26", WANG.person_id, ""),
        ("write_off", a, None, "2", "14", "24", WANG.person_id, LI),
    ]
    rows = book["rows"]
    assert [r["moved_at"] for r in rows[:3]] == [at(hour=7, minute=30).isoformat(), at(hour=7, minute=50).isoformat(),
                                                 at(hour=10).isoformat()]  # fmt: skip
    assert (rows[2]["meal_date"], rows[2]["meal"]) == ("2026-03-02", "lunch")
    assert (rows[5]["corrects_version"], rows[5]["note"], rows[5]["kind_zh"]) == (voided, "重复录入", "冲销")
    assert (rows[6]["from_place"], rows[6]["to_place"]) == ("冷冻库（红）", "冷冻库2号（红）")
    assert rows[7]["note"] == "解冻后变质"
    assert {r["colour"] for r in rows} == {"red"}
    assert rows[0]["supplier_name"] == "恒鑫肉类食品有限公司"
    assert (rows[2]["given_by_name"], rows[2]["taken_by_name"]) == ("王建国", "张师傅")
    assert rows[0]["taken_by_name"] == "王建国、李秀英"
    assert book["school_name"] == "城关第一小学"
    assert book["opening"] == []
    assert book["closing"] == [{"product": "猪肉（前腿）", "unit": "kg", "product_balance": "24"}]


def test_the_next_month_opens_with_the_balance_carried_forward(county: County, views: Projections) -> None:
    a_day_in_the_store_room(county)
    views.catch_up()

    april = warehouse_ledger(views, "CG01", "2026-04")

    assert april["rows"] == []
    assert april["opening"] == [{"product": "猪肉（前腿）", "unit": "kg", "product_balance": "24"}]


def test_the_book_runs_in_time_order_whatever_order_things_were_written_in(county: County, views: Projections) -> None:
    """Lot A is received and issued; lot B's receipt at 7:50 is written up afterwards, and so is a pork receipt on
    the last day of February: the book puts each at its hour and carries both balances in that order."""
    a = county.receive()
    county.certify(a)
    county.issue(a, "5")
    b = county.receive(quantity="10", supplier_lot="HX260301-3", at=at(hour=7, minute=50))
    county.certify(b)
    february = county.receive(
        supplier_lot="HX260227-1", production_date=DAY - timedelta(days=3), at=at(DAY - timedelta(days=2), 7, 30)
    )
    views.catch_up()

    march = warehouse_ledger(views, "CG01", "2026-03")

    assert [(r["kind"], r["code"], r["batch_balance"], r["product_balance"]) for r in march["rows"]] == [
        ("in", a, "20", "40"),
        ("in", b, "10", "50"),
        ("out", a, "15", "45"),
    ]
    assert [r["moved_at"] for r in march["rows"]] == sorted(r["moved_at"] for r in march["rows"])
    assert march["opening"] == [{"product": "猪肉（前腿）", "unit": "kg", "product_balance": "20"}]
    assert march["closing"] == [{"product": "猪肉（前腿）", "unit": "kg", "product_balance": "45"}]
    assert [(r["code"], r["product_balance"]) for r in warehouse_ledger(views, "CG01", "2026-02")["rows"]] == [
        (february, "20")
    ]


def test_a_demo_countys_book_runs_in_time_order_and_each_balance_follows_from_the_row_before(
    ledger: Ledger, views: Projections
) -> None:
    seed_demo(ledger, days=6)
    views.catch_up()
    today = ledger.profile.local_date(ledger.clock())
    months = sorted({today.isoformat()[:7], (today - timedelta(days=6)).isoformat()[:7]})

    for school, month in [(s, m) for s in ("CG01", "CG02", "XH01") for m in months]:
        book = warehouse_ledger(views, school, month)
        rows = book["rows"]
        assert [r["moved_at"] for r in rows] == sorted(r["moved_at"] for r in rows), (school, month)
        batches: dict[str, Decimal] = {}
        products = {(o["product"], o["unit"]): Decimal(o["product_balance"]) for o in book["opening"]}
        for row in rows:
            change = Decimal(row["quantity_in"] or 0) - Decimal(row["quantity_out"] or 0)
            if row["code"] in batches:
                assert Decimal(row["batch_balance"]) == batches[row["code"]] + change, row
            batches[row["code"]] = Decimal(row["batch_balance"])
            product = (row["product"], row["unit"])
            products[product] = products.get(product, Decimal(0)) + change
            assert Decimal(row["product_balance"]) == products[product], row
        closing = {(c["product"], c["unit"]): Decimal(c["product_balance"]) for c in book["closing"]}
        assert closing == products, (school, month)


def test_stock_on_hand_shows_what_is_reserved_for_a_taker_and_what_is_left(county: County, views: Projections) -> None:
    a, b, _ = a_day_in_the_store_room(county)
    views.catch_up()

    stock = stock_on_hand(views, "CG01")

    assert [(s["code"], s["on_hand"], s["reserved"], s["available"], s["place"]) for s in stock["batches"]] == sorted(
        [(a, "14", "0", "14", "冷冻库2号（红）"), (b, "10", "4", "6", "冷冻库（红）")],
        key=lambda s: s[0],
    )
    assert stock["products"] == [{"product": "猪肉（前腿）", "unit": "kg", "on_hand": "24"}]
    assert stock_on_hand(views, "XH01") == {"school": "XH01", "batches": [], "products": []}


def test_expiring_lists_batches_in_stock_whose_use_by_date_is_near(county: County, views: Projections) -> None:
    a = county.receive()  # use-by DAY + 3
    empty = county.receive(supplier_lot="HX260301-9", use_by_date=DAY + timedelta(days=1))
    county.certify(empty)
    county.issue(empty, "20")
    later = county.receive(supplier_lot="HX260301-8", use_by_date=DAY + timedelta(days=10))
    views.catch_up()

    assert [b["code"] for b in expiring(views, "CG01", 2, today=DAY)["batches"]] == []
    assert [b["code"] for b in expiring(views, "CG01", 3, today=DAY)["batches"]] == [a]
    assert [b["code"] for b in expiring(views, "CG01", 10, today=DAY)["batches"]] == [a, later]


def test_the_ledger_agrees_with_every_batch_of_a_demo_county(ledger: Ledger, views: Projections) -> None:
    seed_demo(ledger, days=6)
    views.catch_up()

    stock = {
        r["code"]: r["on_hand"]
        for r in views.view("warehouse").select("SELECT code, on_hand FROM view_warehouse_batches")
    }
    assert stock
    for code, on_hand in stock.items():
        assert str(on_hand) == str(ledger.batch(code).on_hand), code
    issued = views.view("warehouse").select("SELECT COUNT(*) AS n FROM view_warehouse_movements WHERE kind = 'out'")
    assert issued[0]["n"] == sum(len(ledger.batch(c).live_movements) for c in stock)


def test_offers_are_not_movements(county: County, views: Projections) -> None:
    code = county.ready_to_issue()
    offer = county.offer(code, "6", at=at(hour=9))["offer"]
    views.catch_up()
    assert [r["kind"] for r in warehouse_ledger(views, "CG01", "2026-03")["rows"]] == ["in"]

    county.ledger.execute(ConfirmIssue(code=code, offer=offer), by=Principal(ZHANG, "kitchen"), at=at(hour=9, minute=5))
    views.catch_up()

    rows = warehouse_ledger(views, "CG01", "2026-03")["rows"]
    assert [(r["kind"], r["quantity_out"], r["batch_balance"], r["taken_by"]) for r in rows[1:]] == [
        ("out", "6", "14", ZHANG)
    ]
    assert stock_on_hand(views, "CG01")["batches"][0]["reserved"] == "0"
