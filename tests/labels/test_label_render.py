"""Printed labels scan back to their batch with an independent decoder (zxing-cpp), in every format and size.

SVG is rasterised with rsvg-convert (Debian librsvg2-bin), PDF with pdftoppm (poppler-utils).
"""

from __future__ import annotations

from io import BytesIO

import pytest
from label_samples import (
    PORK_CODE,
    WORST_LOT,
    decoded_codes,
    greens,
    lunch_sample,
    pork,
    rasterise_pdf,
    rasterise_svg,
    worn,
)
from PIL import Image

from domain.rules import Category
from labels.layout import PayloadTooLong, Symbol, batch_layout
from labels.model import SIZES, BatchLabel
from labels.payload import batch_uri
from labels.render import render_batch_label, render_sample_label, render_sheet


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("label", [pork(), greens()], ids=["digital link", "short uri"])
def test_png_label_decodes_to_its_batch_in_every_size_and_resolution(label: BatchLabel, size: str, dpi: int) -> None:
    png = render_batch_label(label, "png", size=size, dpi=dpi)

    assert decoded_codes(Image.open(BytesIO(png))) == [label.code]


def test_smallest_label_still_decodes_after_blur() -> None:
    # Given the longest payload on the smallest label at the coarsest printer
    label = pork(lot=WORST_LOT)
    png = render_batch_label(label, "png", size="40x30", dpi=203)
    # When the label is worn and photographed badly, then it still reads as its batch
    assert decoded_codes(worn(Image.open(BytesIO(png)))) == [PORK_CODE]


@pytest.mark.parametrize("size", list(SIZES))
def test_svg_label_decodes_to_its_batch_in_every_size(size: str) -> None:
    svg = render_batch_label(pork(lot=WORST_LOT), "svg", size=size)

    assert decoded_codes(rasterise_svg(svg, 203)) == [PORK_CODE]
    assert decoded_codes(worn(rasterise_svg(svg, 203))) == [PORK_CODE]


@pytest.mark.parametrize("size", list(SIZES))
def test_pdf_label_decodes_to_its_batch_in_every_size(size: str) -> None:
    pdf = render_batch_label(pork(lot=WORST_LOT), "pdf", size=size)

    [page] = rasterise_pdf(pdf, 203)
    assert decoded_codes(page) == [PORK_CODE]
    assert decoded_codes(worn(page)) == [PORK_CODE]


def test_a4_sheet_holds_every_label_and_each_decodes() -> None:
    # Given 20 labels, more than one A4 page of 60×40 labels holds (3 × 6)
    labels = [pork(), greens()] * 10
    # When they are printed on a sheet
    pages = rasterise_pdf(render_sheet(labels, size="60x40"), 150)
    # Then there are two pages, and every label on them scans
    assert len(pages) == 2
    assert [len(decoded_codes(page)) for page in pages] == [18, 2]
    assert sorted(code for page in pages for code in decoded_codes(page)) == sorted(label.code for label in labels)


@pytest.mark.parametrize(("size", "dpi", "pixels"), [("40x30", 203, (320, 240)), ("60x40", 300, (709, 472))])
def test_png_is_the_label_size_in_printer_dots(size: str, dpi: int, pixels: tuple[int, int]) -> None:
    image = Image.open(BytesIO(render_batch_label(pork(), "png", size=size, dpi=dpi)))

    assert image.size == pixels
    assert round(image.info["dpi"][0]) == dpi


@pytest.mark.parametrize(("size", "dpi"), [(size, dpi) for size in SIZES for dpi in (203, 300)])
def test_qr_modules_are_whole_dots_and_the_quiet_zone_is_white(size: str, dpi: int) -> None:
    label = pork(lot=WORST_LOT)
    [symbol] = [item for item in batch_layout(label, size, dpi).items if isinstance(item, Symbol)]
    image = Image.open(BytesIO(render_batch_label(label, "png", size=size, dpi=dpi))).convert("L")

    module = symbol.module * dpi / 25.4
    assert module == pytest.approx(round(module)) and round(module) >= 3
    left, top, side = round(symbol.x * dpi / 25.4), round(symbol.y * dpi / 25.4), round(module) * len(symbol.dark)
    quiet = 4 * round(module)  # ISO/IEC 18004: at least four modules
    assert left >= quiet and top - quiet >= 0 and top + side + quiet <= image.height
    surround = image.crop((left - quiet, top - quiet, left + side + quiet, top + side + quiet))
    surround.paste(255, (quiet, quiet, quiet + side, quiet + side))
    assert surround.getextrema() == (255, 255)


@pytest.mark.parametrize(
    ("category", "rgb"),
    [(Category.PLANT, (0, 150, 64)), (Category.MEAT, (210, 16, 24)), (Category.AQUATIC, (255, 205, 0))],
)
def test_colour_band_shows_the_category_colour(category: Category, rgb: tuple[int, int, int]) -> None:
    image = Image.open(BytesIO(render_batch_label(greens(category), "png"))).convert("RGB")

    assert image.getpixel((1, 1)) == rgb
    assert image.getpixel((image.width - 2, 1)) == rgb


def test_other_category_has_no_colour_band() -> None:
    image = Image.open(BytesIO(render_batch_label(greens(Category.OTHER), "png"))).convert("RGB")

    assert image.getpixel((1, 1)) == (255, 255, 255)


def test_sample_label_decodes_when_it_carries_a_payload() -> None:
    label = lunch_sample(payload=batch_uri(PORK_CODE))

    for size in SIZES:
        assert decoded_codes(Image.open(BytesIO(render_sample_label(label, "png", size=size)))) == [PORK_CODE]


def test_sample_label_without_payload_has_no_qr_code() -> None:
    png = render_sample_label(lunch_sample(), "png")

    assert decoded_codes(Image.open(BytesIO(png))) == []


def test_payload_too_long_for_the_label_is_refused() -> None:
    label = lunch_sample(payload="https://ft.example.invalid/b/" + "7KQ2-M9XHH" * 40)

    with pytest.raises(PayloadTooLong):
        render_sample_label(label, "png", size="40x30", dpi=203)


@pytest.mark.parametrize(("fmt", "size"), [("jpg", "40x30"), ("png", "100x150"), ("pdf", "40 x 30")])
def test_unknown_format_or_label_stock_is_refused(fmt: str, size: str) -> None:
    with pytest.raises(ValueError):
        render_batch_label(pork(), fmt, size=size)  # type: ignore[arg-type]
