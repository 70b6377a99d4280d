"""The hostile-text corpus, stored as events (as old data may be), leaves through every door as text: the API's JSON,
the spreadsheets, CSV, label PDFs and PNGs, and the command line. Nothing fails, nothing is evaluated, and what a
reader sees is what was stored (controls as a visible \\uXXXX where a file or a terminal cannot hold them)."""

from __future__ import annotations

import csv
import io
import subprocess
import unicodedata
from io import BytesIO

import pytest
import zxingcpp
from openpyxl import load_workbook
from PIL import Image

from api.cli import main as foodtrace
from domain.printable import printable
from labels.payload import parse
from projections.cells import FORMULA_STARTS
from tests.api.conftest import Api
from tests.county import DAY
from tests.hostile import CORPUS, stored_batch, viewed

MEAL = {"school": "CG01", "meal_date": str(DAY), "meal": "lunch"}


def in_csv(text: str) -> str:
    shown = printable(viewed(text))
    return "'" + shown if shown.startswith(FORMULA_STARTS) else shown


def strings(value: object) -> set[str]:
    if isinstance(value, str):
        return {value}
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return {text for item in items for text in strings(item)}


def drawable(text: str) -> str:
    """What a printed label shows: no emoji in the font; format characters and spaces print blank."""
    return "".join(ch for ch in text if ord(ch) < 0x10000 and unicodedata.category(ch) not in ("Cf", "Zs"))


@pytest.fixture
def corpus(api: Api) -> dict[str, str]:
    """One batch per hostile text, in every text field, all issued for the same lunch: code → text."""
    codes = {stored_batch(api.ledger, text): text for text in CORPUS.values()}
    api.catch_up()
    return codes


def test_json_shows_every_text_exactly_as_stored(api: Api, corpus: dict[str, str]) -> None:
    for code, text in corpus.items():
        card = api.get("storekeeper", f"/api/v1/batches/{code}").json()
        assert (card["product"], card["supplier_lot"], card["place"]) == (text, text, text)
        assert {c["number"] for c in card["certificates"]} >= {text}
        history = api.get("investigator", f"/api/v1/batches/{code}/history", params={"limit": 100}).json()
        assert text in strings(history)  # the write-off's reason, the inspection's notes, …

    trace = api.get("investigator", "/api/v1/trace/backward", params=MEAL).json()

    assert {b["code"]: b["product"] for b in trace["batches"]} == {c: viewed(t) for c, t in corpus.items()}
    assert sorted(s["dish"] for s in trace["samples"]) == sorted(viewed(t) for t in corpus.values())


def test_every_spreadsheet_cell_of_a_record_is_a_string_cell_showing_the_text(api: Api, corpus: dict[str, str]) -> None:
    book = api.get("principal", "/api/v1/schools/CG01/ledger", params={"month": "2026-03", "format": "xlsx"})
    trace = api.get("investigator", "/api/v1/trace/backward", params={**MEAL, "format": "xlsx"})

    assert (book.status_code, trace.status_code) == (200, 200)
    expected = {printable(viewed(t)).replace("\r", "\n") for t in corpus.values()}  # XML reads CR as a line break
    for content, product in ((book.content, 2), (trace.content, 6)):
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet is not None
        cells = [cell for row in sheet.iter_rows() for cell in row]
        assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
        assert all(cell.data_type == "s" for cell in cells if isinstance(cell.value, str))
        assert {row[product].value for row in sheet.iter_rows() if row[product].value in expected} == expected


def test_the_trace_csv_neutralises_formula_starts_and_keeps_every_text(api: Api, corpus: dict[str, str]) -> None:
    exported = api.get("investigator", "/api/v1/trace/backward", params={**MEAL, "format": "csv"})

    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"), newline="")))[1:]
    assert {row[6] for row in rows} == {in_csv(t) for t in corpus.values()}
    assert not [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]


def test_labels_print_every_text_and_still_scan(api: Api, corpus: dict[str, str]) -> None:
    sheet = api.get("storekeeper", "/api/v1/labels/sheet", params={"code": list(corpus)})

    assert sheet.status_code == 200
    printed = subprocess.run(["pdftotext", "-", "-"], input=sheet.content, capture_output=True, check=True).stdout
    for code, text in corpus.items():
        assert drawable(printable(text, one_line=True))[:6] in drawable(printed.decode())
        png = api.get("storekeeper", f"/api/v1/batches/{code}/label", params={"format": "png", "size": "60x40"})
        assert png.status_code == 200
        assert [parse(b.text).code for b in zxingcpp.read_barcodes(Image.open(BytesIO(png.content)))] == [code]


def test_the_command_line_shows_controls_as_escapes_never_raw(
    api: Api,
    corpus: dict[str, str],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("FOODTRACE_DATABASE_URL", database_url)
    histories = []
    for code in corpus:
        assert foodtrace(["history", code]) == 0
        histories.append(capfd.readouterr().out)
    assert foodtrace(["trace", "backward", "--school", "CG01", "--date", str(DAY), "--meal", "lunch"]) == 0
    trace = capfd.readouterr().out

    for printed in (*histories, trace):
        assert not [ch for ch in printed if unicodedata.category(ch) == "Cc" and ch != "\n"]
    for history, text in zip(histories, corpus.values(), strict=True):
        assert printable(text, one_line=True) in history  # from the events
        assert printable(viewed(text), one_line=True) in trace  # from the views
