"""What a label's QR code says, and how scans and typed codes read back to exactly one batch."""

from __future__ import annotations

import string
from datetime import date, timedelta

import pytest
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from hypothesis import example, given
from hypothesis import strategies as st

from domain.codes import ALPHABET, check_character, format_code
from domain.gs1 import CSET82, gtin_check_digit
from labels.payload import CODE_PARAMETER, DEFAULT_BASE, InvalidPayload, ScannedLabel, batch_uri, parse

CODE = "7KQ2-M9XHH"
PORK_GTIN = "06901234567892"  # a GTIN-13 supplier code with its check digit, padded to 14
LOT = "L20261120-3"
USE_BY = date(2026, 12, 1)


def test_code_used_in_these_tests_is_well_formed() -> None:
    assert check_character("7KQ2M9XH") == "H"
    assert gtin_check_digit(PORK_GTIN[:-1]) == PORK_GTIN[-1]


def test_label_without_gtin_carries_a_short_foodtrace_uri() -> None:
    uri = batch_uri(CODE, base="https://trace.county.example.cn/")

    assert uri == "https://trace.county.example.cn/b/7KQ2-M9XHH"
    assert parse(uri) == ScannedLabel(CODE, None, None, None, "foodtrace")


def test_label_with_gtin_is_a_gs1_digital_link_with_our_code() -> None:
    uri = batch_uri(CODE, gtin=PORK_GTIN, lot=LOT, use_by=USE_BY)

    assert uri == f"{DEFAULT_BASE}/01/06901234567892/10/L20261120-3?17=261201&{CODE_PARAMETER}=7KQ2-M9XHH"
    assert parse(uri) == ScannedLabel(CODE, PORK_GTIN, LOT, USE_BY, "digital_link")


def test_any_gs1_reader_sees_gtin_lot_and_use_by_in_the_digital_link() -> None:
    link = GS1DigitalLinkURI.parse(batch_uri(CODE, gtin=PORK_GTIN, lot="AB/12%", use_by=USE_BY))

    values = {element.ai.ai: element.value for element in link.element_strings}
    assert values == {"01": PORK_GTIN, "10": "AB/12%", "17": "261201"}


def test_lot_is_percent_encoded_in_the_path() -> None:
    uri = batch_uri(CODE, gtin=PORK_GTIN, lot="AB/12%?&", use_by=USE_BY)

    assert "/10/AB%2F12%25%3F%26?" in uri
    assert parse(uri).lot == "AB/12%?&"


def test_reading_ignores_the_host_and_path_so_labels_survive_a_new_server_address() -> None:
    old = batch_uri(CODE, gtin=PORK_GTIN, lot=LOT, use_by=USE_BY, base="http://192.168.1.20:8000")
    moved = old.replace("http://192.168.1.20:8000", "https://ft.another-county.example.org/foodtrace")

    assert parse(moved) == parse(old)
    assert parse("https://anything.example/b/7KQ2-M9XHH").code == CODE


@pytest.mark.parametrize("typed", ["7KQ2-M9XHH", "7kq2m9xhh", " 7kq2-m9xhh ", "7KQ2 M9XHH"])
def test_code_typed_or_scanned_without_a_uri_reads_as_the_batch(typed: str) -> None:
    assert parse(typed) == ScannedLabel(CODE, None, None, None, "code")


@pytest.mark.parametrize("prefix", ["]Q1", "]Q3", "]d2", "]C1", "]L2"])
def test_scanner_symbology_prefix_and_line_ending_are_ignored(prefix: str) -> None:
    uri = batch_uri(CODE, gtin=PORK_GTIN, lot=LOT, use_by=USE_BY)

    assert parse(f"{prefix}{uri}\r\n").code == CODE
    assert parse(f"{prefix}7KQ2-M9XHH\n").code == CODE


def test_wrong_check_character_is_refused() -> None:
    with pytest.raises(InvalidPayload) as refused:
        parse("https://ft.example.invalid/b/7KQ2-M9XH5")

    assert "校验位" in refused.value.zh
    assert "check character" in refused.value.en


def test_forged_gtin_check_digit_is_refused() -> None:
    forged = batch_uri(CODE, gtin=PORK_GTIN, lot=LOT, use_by=USE_BY).replace(PORK_GTIN, "06901234567893")

    with pytest.raises(InvalidPayload) as refused:
        parse(forged)

    assert "GTIN" in refused.value.zh
    assert "GTIN" in refused.value.en


@pytest.mark.parametrize(
    "lot",
    ["ABCDEFGHIJKLMNOPQRSTU", "AB%20C", "%E7%8C%AA01", "A~B"],
    ids=["21 characters", "space", "Chinese", "tilde outside CSET 82"],
)
def test_lot_that_is_not_a_gs1_batch_number_is_refused(lot: str) -> None:
    with pytest.raises(InvalidPayload):
        parse(f"https://ft.example.invalid/01/{PORK_GTIN}/10/{lot}?17=261201&ft={CODE}")


@pytest.mark.parametrize("yymmdd", ["261341", "261232", "2612", "26-12-01", "260230"])
def test_impossible_use_by_date_is_refused(yymmdd: str) -> None:
    with pytest.raises(InvalidPayload):
        parse(f"https://ft.example.invalid/01/{PORK_GTIN}/10/{LOT}?17={yymmdd}&ft={CODE}")


def test_supplier_digital_link_without_our_code_is_refused() -> None:
    with pytest.raises(InvalidPayload) as refused:
        parse(f"https://id.gs1.org/01/{PORK_GTIN}/10/{LOT}?17=261201")

    assert "批次码" in refused.value.zh


@pytest.mark.parametrize(
    "text",
    ["", "   ", "]Q1", "ftp://ft.example.invalid/b/7KQ2-M9XHH", "https://ft.example.invalid/", "猪肉", "12345"],
)
def test_text_that_is_not_a_label_is_refused(text: str) -> None:
    with pytest.raises(InvalidPayload):
        parse(text)


@pytest.mark.parametrize("form", ["short", "digital_link"])
def test_every_truncated_payload_is_refused(form: str) -> None:
    uri = batch_uri(CODE) if form == "short" else batch_uri(CODE, gtin=PORK_GTIN, lot=LOT, use_by=USE_BY)

    for end in range(len(uri)):
        with pytest.raises(InvalidPayload):
            parse(uri[:end])


def test_refusal_is_a_value_error_with_chinese_and_english_messages() -> None:
    with pytest.raises(ValueError) as refused:
        parse("7KQ2-M9XH")

    assert isinstance(refused.value, InvalidPayload)
    assert refused.value.zh.startswith("批次码有误")
    assert refused.value.en.startswith("the batch code is wrong")


@pytest.mark.parametrize(
    "values",
    [
        {"gtin": PORK_GTIN, "lot": "ABCDEFGHIJKLMNOPQRSTU"},
        {"gtin": PORK_GTIN, "lot": "猪肉批号"},
        {"gtin": "06901234567893"},
        {"base": "ft.example.invalid"},
        {"base": "https://ft.example.invalid/?school=1"},
    ],
    ids=["lot too long", "lot not ASCII", "bad GTIN", "base without scheme", "base with query"],
)
def test_a_label_that_would_not_read_back_is_never_written(values: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        batch_uri(CODE, **values)  # type: ignore[arg-type]


# Property tests ---------------------------------------------------------------------------------------

codes = st.text(alphabet=ALPHABET, min_size=8, max_size=8).map(lambda data: format_code(data + check_character(data)))
gtins = st.text(alphabet=string.digits, min_size=13, max_size=13).map(lambda body: body + gtin_check_digit(body))
lots = st.text(alphabet=sorted(CSET82), min_size=1, max_size=20)
# YYMMDD names a century by GS1's sliding window around today; labels are never printed 40 years out.
FORTY_YEARS = timedelta(days=40 * 365)
use_by_dates = st.dates(min_value=date.today() - FORTY_YEARS, max_value=date.today() + FORTY_YEARS)
hosts = st.from_regex(r"[a-z][a-z0-9-]{0,15}(\.[a-z][a-z0-9-]{0,15}){0,3}", fullmatch=True)
prefixes = st.from_regex(r"(/[a-z][a-z0-9_-]{0,10}){0,2}", fullmatch=True)
bases = st.builds(
    lambda scheme, host, port, prefix: f"{scheme}://{host}{port}{prefix}",
    st.sampled_from(["http", "https"]),
    hosts,
    st.sampled_from(["", ":8000", ":443"]),
    prefixes,
)


@given(code=codes, gtin=gtins, lot=lots, use_by=use_by_dates, base=bases)
@example(code=CODE, gtin=PORK_GTIN, lot="!\"%&'()*+,-./:;<=>?_", use_by=USE_BY, base="https://b")
def test_digital_link_label_reads_back_to_what_was_written(
    code: str, gtin: str, lot: str, use_by: date, base: str
) -> None:
    uri = batch_uri(code, gtin=gtin, lot=lot, use_by=use_by, base=base)

    assert parse(uri) == ScannedLabel(code, gtin, lot, use_by, "digital_link")


@given(code=codes, base=bases)
def test_short_label_reads_back_to_what_was_written(code: str, base: str) -> None:
    assert parse(batch_uri(code, base=base)) == ScannedLabel(code, None, None, None, "foodtrace")


@given(
    code=codes,
    form=st.sampled_from(["code", "short", "digital_link"]),
    position=st.integers(min_value=0, max_value=9),
    replacement=st.characters(codec="ascii", exclude_characters="\r\n\t\x0b\x0c\x1c\x1d\x1e\x1f\x85 "),
)
def test_changing_one_character_of_the_code_is_refused_or_changes_nothing(
    code: str, form: str, position: int, replacement: str
) -> None:
    # Given a label as printed
    if form == "code":
        printed = code
    elif form == "short":
        printed = batch_uri(code)
    else:
        printed = batch_uri(code, gtin=PORK_GTIN, lot=LOT, use_by=USE_BY)
    # When one character of its batch code is misread
    start = printed.rindex(code)
    misread = printed[: start + position] + replacement + printed[start + position + 1 :]
    # Then the scan is refused, or it still names the same batch
    try:
        read = parse(misread)
    except InvalidPayload:
        return
    assert read.code == code
