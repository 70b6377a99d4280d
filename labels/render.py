"""Labels as bytes: PNG for thermal printers, SVG for the browser, PDF for one label or an A4 sheet.

Pure functions: label values in, file bytes out. Every format draws the same layout (labels.layout).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from domain.rules import DEFAULT_PROFILE, RulesProfile
from labels.fonts import FONT_FAMILY, pdf_font, pil_font
from labels.layout import MM_PER_INCH, WHITE, Box, Layout, Line, Symbol, batch_layout, sample_layout
from labels.model import RGB, BatchLabel, Format, SampleLabel, label_size

SHEET_MARGIN_MM = 10.0
SHEET_GAP_MM = 3.0
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render_batch_label(
    label: BatchLabel,
    fmt: Format = "png",
    size: str = "40x30",
    dpi: int = 203,
    profile: RulesProfile = DEFAULT_PROFILE,
) -> bytes:
    """批次标签 as ``fmt``; ``dpi`` is the thermal printer's, and the QR modules are whole dots of it."""
    return _render(batch_layout(label, size, dpi, profile), fmt)


def render_sample_label(label: SampleLabel, fmt: Format = "png", size: str = "40x30", dpi: int = 203) -> bytes:
    """留样标签 as ``fmt``."""
    return _render(sample_layout(label, size, dpi), fmt)


def render_sheet(
    labels: Sequence[BatchLabel | SampleLabel],
    size: str = "60x40",
    dpi: int = 203,
    profile: RulesProfile = DEFAULT_PROFILE,
) -> bytes:
    """An A4 PDF of many labels, for an office printer and scissors; more pages when they do not fit."""
    width, height = label_size(size)
    columns = int((A4[0] / mm - 2 * SHEET_MARGIN_MM + SHEET_GAP_MM) // (width + SHEET_GAP_MM))
    rows = int((A4[1] / mm - 2 * SHEET_MARGIN_MM + SHEET_GAP_MM) // (height + SHEET_GAP_MM))
    output = BytesIO()
    canvas = _canvas(output, A4)
    for index, label in enumerate(labels):
        place = index % (columns * rows)
        if index and place == 0:
            canvas.showPage()
        left = SHEET_MARGIN_MM + (place % columns) * (width + SHEET_GAP_MM)
        top = SHEET_MARGIN_MM + (place // columns) * (height + SHEET_GAP_MM)
        if isinstance(label, BatchLabel):
            layout = batch_layout(label, size, dpi, profile)
        else:
            layout = sample_layout(label, size, dpi)
        _cut_guide(canvas, left, top, width, height)
        _draw_pdf(canvas, layout, left, top, A4[1])
    canvas.save()
    return output.getvalue()


def _render(layout: Layout, fmt: Format) -> bytes:
    if fmt == "png":
        return _png(layout)
    if fmt == "svg":
        return _svg(layout)
    if fmt == "pdf":
        output = BytesIO()
        canvas = _canvas(output, (layout.width * mm, layout.height * mm))
        _draw_pdf(canvas, layout, 0.0, 0.0, layout.height * mm)
        canvas.save()
        return output.getvalue()
    raise ValueError(f"label format must be png, svg or pdf, got {fmt!r}")


def _png(layout: Layout) -> bytes:
    scale = layout.dpi / MM_PER_INCH
    image = Image.new("RGB", (round(layout.width * scale), round(layout.height * scale)), WHITE)
    draw = ImageDraw.Draw(image)
    for item in layout.items:
        if isinstance(item, Box):
            corners = (item.x, item.y, item.x + item.width, item.y + item.height)
            left, top, right, bottom = (round(c * scale) for c in corners)
            draw.rectangle((left, top, right - 1, bottom - 1), fill=item.fill)
        elif isinstance(item, Line):
            font = pil_font(max(1, round(item.size * scale)))
            draw.text((item.x * scale, item.baseline * scale), item.text, font=font, fill=item.fill, anchor="ls")
        else:
            count = len(item.dark)
            module = round(item.module * scale)
            matrix = Image.new("1", (count, count), 1)
            matrix.putdata([0 if dark else 1 for row in item.dark for dark in row])
            symbol = matrix.resize((count * module, count * module), Image.Resampling.NEAREST)
            image.paste(symbol.convert("RGB"), (round(item.x * scale), round(item.y * scale)))
    output = BytesIO()
    image.save(output, "PNG", dpi=(layout.dpi, layout.dpi), optimize=False)
    return output.getvalue()


def _svg(layout: Layout) -> bytes:
    width, height = _num(layout.width), _num(layout.height)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}mm" height="{height}mm" '
        f'viewBox="0 0 {width} {height}">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    family = quoteattr(f"{FONT_FAMILY}, Noto Sans CJK SC, sans-serif")
    for item in layout.items:
        if isinstance(item, Box):
            parts.append(
                f'<rect x="{_num(item.x)}" y="{_num(item.y)}" width="{_num(item.width)}" '
                f'height="{_num(item.height)}" fill="{_hex(item.fill)}"/>'
            )
        elif isinstance(item, Line):
            text = escape(_NOT_XML.sub("", item.text))
            parts.append(
                f'<text x="{_num(item.x)}" y="{_num(item.baseline)}" font-size="{_num(item.size)}" '
                f'font-family={family} fill="{_hex(item.fill)}">{text}</text>'
            )
        else:
            runs = "".join(
                f"M{_num(item.x + start * item.module)} {_num(item.y + row * item.module)}"
                f"h{_num(length * item.module)}v{_num(item.module)}h{_num(-length * item.module)}z"
                for row, start, length in _dark_runs(item)
            )
            parts.append(f'<path d="{runs}" fill="#000000" shape-rendering="crispEdges"/>')
    parts.append("</svg>\n")
    return "\n".join(parts).encode("utf-8")


def _canvas(output: BytesIO, pagesize: tuple[float, float]) -> Any:
    canvas = Canvas(output, pagesize=pagesize, invariant=1, pageCompression=1)
    canvas.setCreator("FoodTrace")
    return canvas


def _draw_pdf(canvas: Any, layout: Layout, left: float, top: float, page_height: float) -> None:
    """Draw ``layout`` with its top-left corner at (left, top) mm from the page's top-left."""

    def at(x: float, y: float) -> tuple[float, float]:
        return (left + x) * mm, page_height - (top + y) * mm

    for item in layout.items:
        if isinstance(item, Box):
            x, bottom = at(item.x, item.y + item.height)
            canvas.setFillColorRGB(*_unit(item.fill))
            canvas.rect(x, bottom, item.width * mm, item.height * mm, stroke=0, fill=1)
        elif isinstance(item, Line):
            canvas.setFont(pdf_font(), item.size * mm)
            canvas.setFillColorRGB(*_unit(item.fill))
            canvas.drawString(*at(item.x, item.baseline), item.text)
        else:
            canvas.setFillColorRGB(0, 0, 0)
            path = canvas.beginPath()
            for row, start, length in _dark_runs(item):
                x, bottom = at(item.x + start * item.module, item.y + (row + 1) * item.module)
                path.rect(x, bottom, length * item.module * mm, item.module * mm)
            canvas.drawPath(path, stroke=0, fill=1)


def _cut_guide(canvas: Any, left: float, top: float, width: float, height: float) -> None:
    # Outside the label, so the QR code's quiet zone stays white.
    offset = SHEET_GAP_MM / 3
    canvas.setStrokeColorRGB(0.7, 0.7, 0.7)
    canvas.setLineWidth(0.1 * mm)
    canvas.setDash(1 * mm, 1 * mm)
    bottom = A4[1] - (top + height + offset) * mm
    canvas.rect((left - offset) * mm, bottom, (width + 2 * offset) * mm, (height + 2 * offset) * mm, stroke=1, fill=0)


def _dark_runs(symbol: Symbol) -> list[tuple[int, int, int]]:
    """(row, first column, length) of each horizontal run of dark modules: fewer shapes, no seams."""
    runs = []
    for row, modules in enumerate(symbol.dark):
        start = None
        for column, dark in enumerate((*modules, False)):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                runs.append((row, start, column - start))
                start = None
    return runs


def _num(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _hex(colour: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)


def _unit(colour: RGB) -> tuple[float, float, float]:
    red, green, blue = colour
    return red / 255, green / 255, blue / 255
