"""Chinese text on labels is really drawn, readable back from PDFs, escaped in SVG, and kept inside the label."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from io import BytesIO

import pytest
from label_samples import greens, lunch_sample, pdf_text, pork, rasterise_svg, tool
from PIL import Image, ImageDraw

from labels.fonts import FONT_ENV, FONT_PACKAGE, MissingCJKFont, cjk_font_path, pil_font, text_width
from labels.layout import Line, batch_layout
from labels.model import BatchLabel
from labels.render import render_batch_label, render_sample_label

MM_PER_INCH = 25.4


def product_line(label: BatchLabel, size: str = "40x30", dpi: int = 203) -> Line:
    return next(
        item for item in batch_layout(label, size, dpi).items if isinstance(item, Line) and item.text == label.product
    )


def ink(image: Image.Image, line: Line, dpi: int) -> float:
    """Share of dark pixels in the box where ``line`` is drawn."""
    scale = dpi / MM_PER_INCH
    box = (
        round(line.x * scale),
        round((line.baseline - line.size) * scale),
        round((line.x + text_width(line.text, line.size)) * scale),
        round(line.baseline * scale),
    )
    histogram = image.convert("L").crop(box).histogram()
    return sum(histogram[:128]) / sum(histogram)


def glyph(character: str) -> Image.Image:
    image = Image.new("L", (40, 40))
    ImageDraw.Draw(image).text((4, 4), character, font=pil_font(32), fill=255)
    return image


def test_the_cjk_font_draws_real_chinese_glyphs() -> None:
    missing = glyph("\U000f0000")  # a private-use character: the font's empty box

    for character in "猪肉留样午餐":
        assert pil_font(32).getmask(character).getbbox() is not None
        assert glyph(character).getbbox() is not None
        assert glyph(character).tobytes() != missing.tobytes()


def test_png_product_name_is_drawn_in_ink() -> None:
    label = pork(product="猪肉")
    image = Image.open(BytesIO(render_batch_label(label, "png", size="40x30", dpi=203)))

    assert ink(image, product_line(label), 203) > 0.08


def test_svg_product_name_is_drawn_in_ink_when_rasterised() -> None:
    label = pork(product="猪肉")
    image = rasterise_svg(render_batch_label(label, "svg", size="60x40"), 203)

    assert ink(image, product_line(label, "60x40"), 203) > 0.08


def test_pdf_text_reads_back_in_chinese() -> None:
    text = pdf_text(render_batch_label(pork(), "pdf", size="40x30"))

    # The colour band names the category as the batch card does (肉类, not 肉制品): one word everywhere.
    assert "肉制品" not in text
    for shown in ["冷鲜猪肉（前腿）", "肉类", "DZ8F-GSJR8", "批号 L20261120-3", "入库 2026-11-26", "到期 2026-12-01"]:
        assert shown in text


def test_pdf_embeds_its_chinese_font_so_it_prints_the_same_anywhere() -> None:
    with_font = subprocess.run(
        [tool("pdffonts", "poppler-utils"), "-"],
        input=render_batch_label(pork(), "pdf"),
        capture_output=True,
        check=True,
    ).stdout.decode()

    [row] = [row for row in with_font.splitlines() if "WenQuanYi" in row or "WQY" in row]
    assert row.split()[-5:-2] == ["yes", "yes", "yes"]  # embedded, subset, with a Unicode map


def test_sample_label_names_the_meal_and_times_in_chinese() -> None:
    text = pdf_text(render_sample_label(lunch_sample(), "pdf", size="50x30"))

    assert "封存" not in text  # 封存 is a batch put on hold; a sample is 留样
    assert "留样冰箱 A" in text
    for shown in ["留样 午餐", "150 g", "红烧肉", "留样 11-26 11:30", "留样至 11-28 11:30", "留样人 王丽"]:
        assert shown in text


def test_svg_escapes_what_storekeepers_type() -> None:
    product = '土鸡蛋 <散装> & "农家"'
    label = BatchLabel(**{**greens().__dict__, "product": product})

    document = ElementTree.fromstring(render_batch_label(label, "svg", size="60x40"))

    texts = [element.text for element in document.iter("{http://www.w3.org/2000/svg}text")]
    assert product in texts


def test_long_names_are_shrunk_or_cut_short_but_never_leave_the_label() -> None:
    label = pork(product="新疆阿克苏冰糖心红富士苹果（特级、单果重二百二十克以上）")

    lines = [item for item in batch_layout(label, "40x30", 203).items if isinstance(item, Line)]

    assert any(item.text.endswith("…") for item in lines)
    assert all(item.x + text_width(item.text, item.size) <= 40 for item in lines)


@pytest.fixture
def no_font_installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(FONT_ENV, "/nonexistent/fonts/wqy-microhei.ttc")
    cjk_font_path.cache_clear()
    yield
    cjk_font_path.cache_clear()


@pytest.mark.usefixtures("no_font_installed")
def test_missing_chinese_font_says_which_package_to_install() -> None:
    with pytest.raises(MissingCJKFont) as missing:
        cjk_font_path()

    assert FONT_PACKAGE in str(missing.value)
    assert FONT_ENV in str(missing.value)
