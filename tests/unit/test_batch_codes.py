"""Batch codes are read aloud and typed in a hurry: the check character must catch the usual slips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.codes import ALPHABET, DATA_LENGTH, InvalidBatchCode, check_character, format_code, normalise_batch_code

data_parts = st.text(alphabet=ALPHABET, min_size=DATA_LENGTH, max_size=DATA_LENGTH)


@given(data_parts)
def test_a_code_reads_back_from_any_case_and_spacing(data: str) -> None:
    code = format_code(data + check_character(data))
    assert normalise_batch_code(code.lower()) == code
    assert normalise_batch_code(" " + code.replace("-", " ") + " ") == code


@given(data_parts, st.integers(0, DATA_LENGTH), st.sampled_from(ALPHABET))
def test_any_single_wrong_character_is_caught(data: str, position: int, wrong: str) -> None:
    compact = data + check_character(data)
    if compact[position] == wrong:
        return
    typo = compact[:position] + wrong + compact[position + 1 :]
    with pytest.raises(InvalidBatchCode):
        normalise_batch_code(typo)


@given(data_parts, st.integers(0, DATA_LENGTH - 1))
def test_two_swapped_neighbours_are_caught(data: str, position: int) -> None:
    compact = data + check_character(data)
    a, b = compact[position], compact[position + 1]
    # Luhn mod N misses only the swap of the first and last symbol of the alphabet.
    if a == b or {a, b} == {ALPHABET[0], ALPHABET[-1]}:
        return
    swapped = compact[:position] + b + a + compact[position + 2 :]
    with pytest.raises(InvalidBatchCode):
        normalise_batch_code(swapped)


def test_letters_people_type_for_digits_are_accepted() -> None:
    data = "0011ABCD"
    code = format_code(data + check_character(data))
    assert normalise_batch_code("OOIL-" + code[5:]) == code


@pytest.mark.parametrize("text", ["", "ABCD", "ABCD-EFGHJK1", "ABCD-EFGU1"])
def test_malformed_codes_are_refused(text: str) -> None:
    with pytest.raises(InvalidBatchCode):
        normalise_batch_code(text)
