"""Supplier lots and GTINs as GS1 fields: what the labels will carry."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ValidationError
from domain.gs1 import CSET82, LOT_MAX, gtin_check_digit, normalise_gtin, normalise_lot, normalise_product, product_key


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("HX260301-2", "HX260301-2"),
        ("ＨＸ２６０３０１", "HX260301"),  # full-width digits and letters from a Chinese keyboard
        ("A B C", "A-B-C"),
    ],
)
def test_clean_lots_keep_their_meaning(written: str, expected: str) -> None:
    assert normalise_lot(written) == expected


def test_two_chinese_lots_stay_apart() -> None:
    assert normalise_lot("一批") != normalise_lot("二批")


@given(st.text(min_size=1, max_size=80).filter(lambda s: s.strip()))
def test_every_lot_becomes_a_valid_gs1_lot(written: str) -> None:
    lot = normalise_lot(written)
    assert 1 <= len(lot) <= LOT_MAX
    assert set(lot) <= CSET82


def test_an_empty_lot_is_refused() -> None:
    with pytest.raises(ValidationError, match="lot code is required"):
        normalise_lot("   ")


@pytest.mark.parametrize("gtin", ["6901234567892", "06901234567892", "96385074", "036000291452"])
def test_valid_gtins_become_gtin_14(gtin: str) -> None:
    assert len(normalise_gtin(gtin)) == 14


@pytest.mark.parametrize("gtin", ["6901234567891", "12345", "69012345678a2"])
def test_bad_gtins_are_refused(gtin: str) -> None:
    with pytest.raises(ValidationError):
        normalise_gtin(gtin)


def test_typed_text_with_control_characters_is_refused() -> None:
    from domain.values import require_text

    with pytest.raises(ValidationError, match="control characters"):
        require_text("猪肉\x00", "product", "品名")


@pytest.mark.parametrize(
    "typed", ["猪肉（前腿）", "猪肉(前腿)", "猪肉 (前腿)", "猪肉\u3000（前腿）", "猪肉【前腿】", " 猪肉[前腿] "]
)
def test_a_product_name_matches_however_its_brackets_and_spaces_are_typed(typed: str) -> None:
    assert normalise_product(typed) == normalise_product("猪肉（前腿）")


def test_different_products_stay_apart() -> None:
    assert normalise_product("猪肉（前腿）") != normalise_product("猪肉（后腿）")


def test_a_lots_product_is_its_gtin_where_there_is_one_else_its_name() -> None:
    assert product_key("06901234567892", "猪肉（前腿）") == "06901234567892"
    assert product_key(None, "土豆 ") == product_key(None, "土豆") == "土豆"


def weighted_check_digit(body: str) -> str:
    """GS1's rule as written: from the right, digits weigh 3, 1, 3, 1, …; the check digit tops the sum up to tens."""
    total = sum(int(digit) * (3 if position % 2 == 0 else 1) for position, digit in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


@given(st.text(alphabet="0123456789", max_size=17) | st.text(alphabet=st.characters(categories=["Nd"]), max_size=17))
def test_the_check_digit_is_gs1s_weighted_sum_for_any_digits(body: str) -> None:
    assert gtin_check_digit(body) == weighted_check_digit(body)


@pytest.mark.parametrize("body", ["69012a4", "²3", "1 2"])
def test_a_body_that_is_not_decimal_digits_has_no_check_digit(body: str) -> None:
    with pytest.raises(ValueError):
        gtin_check_digit(body)
