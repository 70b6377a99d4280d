"""Every export writes a record's text as text: never a formula, never a failed file; numbers and dates stay typed."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from projections.cells import FORMULA_STARTS, append_row, csv_field, csv_line
from tests.hostile import CORPUS, FORMULA


def saved_row(values: list[object]) -> list[tuple[object, str]]:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    append_row(sheet, values)
    out = io.BytesIO()
    book.save(out)
    read = load_workbook(io.BytesIO(out.getvalue())).active
    assert read is not None
    return [(cell.value, cell.data_type) for cell in read[1]]


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_text_that_starts_like_a_formula_is_a_string_cell(start: str) -> None:
    text = f'{start}HYPERLINK("http://evil.example","点击")'

    assert saved_row([text]) == [(text.replace("\r", "\n"), "s")]  # XML reads a carriage return as a line break


def test_numbers_and_dates_stay_typed_beside_text() -> None:
    row = saved_row([FORMULA, Decimal("-1.5"), 20, datetime(2026, 3, 2, 7, 30), date(2026, 3, 2)])

    assert [kind for _, kind in row] == ["s", "n", "n", "d", "d"]
    assert row[1][0] == -1.5


def test_controls_stored_long_ago_show_as_visible_escapes() -> None:
    assert saved_row(["剩\x01余\x1b", "猪\x00肉"]) == [("剩\\u0001余\\u001b", "s"), ("猪\\u0000肉", "s")]
    assert csv_field("剩\x01余\x1b") == "剩\\u0001余\\u001b"


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_csv_cell_that_starts_like_a_formula_gets_an_apostrophe_and_quotes(start: str) -> None:
    assert csv_field(f"{start}1+2") == f'"\'{start}1+2"'


def test_a_csv_number_stays_a_number_even_when_negative() -> None:
    assert [csv_field(v) for v in (Decimal("-5"), Decimal("20.5"), 3, None)] == ["-5", "20.5", "3", ""]
    assert csv_field(datetime(2026, 3, 2, 7, 30)) == "2026-03-02 07:30:00"


def test_every_corpus_text_reads_back_from_csv_as_typed_or_neutralised() -> None:
    texts = [t for t in CORPUS.values() if "\x00" not in t and "\x01" not in t and "\x7f" not in t]

    read = next(csv.reader(io.StringIO(csv_line(texts), newline="")))

    assert read == [("'" + t if t.startswith(FORMULA_STARTS) else t) for t in texts]
