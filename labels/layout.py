"""Where each thing goes on a label, in millimetres, once for every output format.

Lengths that meet the QR code are whole printer dots, so a thermal printer draws every module the
same width and a PDF printed at 100 % lines up with the printer's dots too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import qrcode
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q

from domain.glossary import SAMPLE_WORDS, zh
from domain.printable import printable
from domain.rules import DEFAULT_PROFILE, RulesProfile
from labels.fonts import text_width
from labels.model import CATEGORY_NAMES_ZH, COLOUR_RGB, MEAL_NAMES_ZH, RGB, BatchLabel, SampleLabel, label_size

MM_PER_INCH = 25.4
QUIET_ZONE = 4  # modules of white around the symbol (ISO/IEC 18004 minimum)
MIN_MODULE_MM = 0.33  # smaller modules are not read reliably from a worn label by a phone
BLACK: RGB = (0, 0, 0)
WHITE: RGB = (255, 255, 255)
BAND_SHARE = 0.14  # of the label height
MARGIN_MM = 0.8
LINE_SPACING = 1.22
MAX_TEXT_MM = 3.6
MIN_TEXT_MM = 1.5
TITLE_SCALE = 1.35
# Highest error correction first: of the levels giving the largest modules, keep the most robust.
_LEVELS = (ERROR_CORRECT_H, ERROR_CORRECT_Q, ERROR_CORRECT_M, ERROR_CORRECT_L)


class PayloadTooLong(ValueError):
    """The QR code would need modules too small to scan on this label size."""


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    fill: RGB


@dataclass(frozen=True)
class Line:
    x: float
    baseline: float
    size: float
    text: str
    fill: RGB


@dataclass(frozen=True)
class Symbol:
    """A QR code; (x, y) is its first module, the quiet zone lies around it."""

    x: float
    y: float
    module: float
    dark: tuple[tuple[bool, ...], ...]


Item = Box | Line | Symbol


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    dpi: int
    items: tuple[Item, ...]


def batch_layout(label: BatchLabel, size: str, dpi: int, profile: RulesProfile = DEFAULT_PROFILE) -> Layout:
    width, height = label_size(size)
    band = _dots_to_mm(round(height * BAND_SHARE * dpi / MM_PER_INCH), dpi)
    colour = _band_colour(profile.colour(label.category))
    items: list[Item] = []
    items += _band(width, band, colour, CATEGORY_NAMES_ZH[label.category], label.code)
    symbol, text_left = _symbol(label.payload, band, height, dpi)
    items.append(symbol)
    lines = [label.product, f"批号 {label.supplier_lot}", f"入库 {_day(label.received_on)}"]
    if label.use_by is not None:
        lines.append(f"到期 {_day(label.use_by)}")
    lines += [label.storage_place, label.school]
    items += _column(lines, text_left, band, width, height)
    return Layout(width, height, dpi, tuple(items))


def sample_layout(label: SampleLabel, size: str, dpi: int) -> Layout:
    width, height = label_size(size)
    band = _dots_to_mm(round(height * BAND_SHARE * dpi / MM_PER_INCH), dpi)
    items: list[Item] = []
    items += _band(width, band, BLACK, f"留样 {MEAL_NAMES_ZH[label.meal]}", f"{label.grams} g")
    text_left = MARGIN_MM
    if label.payload is not None:
        symbol, text_left = _symbol(label.payload, band, height, dpi)
        items.append(symbol)
    lines = [
        label.dish,
        f"{zh(SAMPLE_WORDS, 'sealed_at_short')} {_moment(label.sealed_at)}",  # not 封存: that is a batch on hold
        f"{zh(SAMPLE_WORDS, 'keep_until')} {_moment(label.keep_until)}",
        f"留样人 {label.sealed_by}",
    ]
    if label.fridge:
        lines.append(label.fridge)
    items += _column(lines, text_left, band, width, height)
    return Layout(width, height, dpi, tuple(items))


def _band(width: float, height: float, colour: RGB | None, left: str, right: str) -> list[Item]:
    """The colour band (色标) across the top: category on the left, the code to type on the right."""
    ink = BLACK if colour is None or _luminance(colour) > 140 else WHITE
    size = height * 0.72
    baseline = height * 0.82
    right, right_size = _fit(right, width / 2 - MARGIN_MM, size)
    left_width = width - 2 * MARGIN_MM - text_width(right, right_size) - size
    left, left_size = _fit(left, left_width, size)
    background = Box(0, 0, width, height, colour) if colour else Box(0, height - 0.25, width, 0.25, BLACK)
    return [
        background,
        Line(MARGIN_MM, baseline, left_size, left, ink),
        Line(width - MARGIN_MM - text_width(right, right_size), baseline, right_size, right, ink),
    ]


def _symbol(payload: str, top: float, height: float, dpi: int) -> tuple[Symbol, float]:
    """The largest QR code that fits left of the text, below the band; and where the text may start."""
    room = int((height - top) * dpi / MM_PER_INCH)
    dark, module = _matrix(payload, room, dpi)
    span = (len(dark) + 2 * QUIET_ZONE) * module
    y = _dots_to_mm(round(top * dpi / MM_PER_INCH) + (room - span) // 2 + QUIET_ZONE * module, dpi)
    symbol = Symbol(_dots_to_mm(QUIET_ZONE * module, dpi), y, _dots_to_mm(module, dpi), dark)
    return symbol, _dots_to_mm(span, dpi)


def _matrix(payload: str, room: int, dpi: int) -> tuple[tuple[tuple[bool, ...], ...], int]:
    best_level, best_module = _LEVELS[0], 0
    for level in _LEVELS:
        code = qrcode.QRCode(error_correction=level, border=0)
        code.add_data(payload)
        modules = 17 + 4 * code.best_fit()
        module = room // (modules + 2 * QUIET_ZONE)
        if module > best_module:
            best_level, best_module = level, module
    if best_module * MM_PER_INCH / dpi < MIN_MODULE_MM:
        raise PayloadTooLong(f"the QR code for {payload!r} does not fit this label at {dpi} dpi; use a larger label")
    code = qrcode.QRCode(error_correction=best_level, border=0)
    code.add_data(payload)
    code.make(fit=True)
    return tuple(tuple(bool(m) for m in row) for row in code.get_matrix()), best_module


def _column(texts: list[str], left: float, top: float, width: float, height: float) -> list[Item]:
    """Lines of text stacked under the band, the first (the name) larger, each shrunk to fit its width."""
    room = width - left - MARGIN_MM
    scales = [TITLE_SCALE] + [1.0] * (len(texts) - 1)
    size = min(MAX_TEXT_MM, (height - top - MARGIN_MM) / (sum(scales) * LINE_SPACING))
    y = top + MARGIN_MM / 2
    items: list[Item] = []
    for text, scale in zip(texts, scales, strict=True):
        nominal = size * scale
        fitted, fitted_size = _fit(text, room, nominal)
        items.append(Line(left, y + nominal * 0.95, fitted_size, fitted, BLACK))
        y += nominal * LINE_SPACING
    return items


def _fit(text: str, room: float, size: float) -> tuple[str, float]:
    """Shrink the text to fit ``room``, down to the smallest legible size; then cut it short with '…'."""
    text = printable(text, one_line=True)  # a stored control or line break would stop the text layout (raqm)
    natural = text_width(text, size)
    if natural <= room:
        return text, size
    size = max(MIN_TEXT_MM, size * room / natural * 0.99)  # 0.99: rounding must not cut the text
    if text_width(text, size) <= room:
        return text, size
    while text and text_width(text + "…", size) > room:
        text = text[:-1]
    return text + "…", size


def _band_colour(name: str) -> RGB | None:
    try:
        return COLOUR_RGB[name]
    except KeyError:
        raise ValueError(f"no print colour for the colour {name!r}; known: {', '.join(COLOUR_RGB)}") from None


def _luminance(colour: RGB) -> float:
    red, green, blue = colour
    return 0.299 * red + 0.587 * green + 0.114 * blue


def _dots_to_mm(dots: int, dpi: int) -> float:
    return dots * MM_PER_INCH / dpi


def _day(day: date) -> str:
    return day.isoformat()


def _moment(moment: datetime) -> str:
    # Samples are kept for 48 hours: month and day are enough, and short enough for a small label.
    return moment.strftime("%m-%d %H:%M")
