"""The CJK font every label format uses, found once on this machine.

Debian's ``fonts-wqy-microhei`` (文泉驿微米黑) is TrueType-outlined, so Pillow draws it and reportlab
can embed it in PDFs; a PDF then prints the same on any computer, with no font of its own.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from PIL import ImageFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_ENV = "FOODTRACE_CJK_FONT"
FONT_PACKAGE = "fonts-wqy-microhei"
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)
PDF_FONT = "FoodTraceCJK"
FONT_FAMILY = "WenQuanYi Micro Hei"  # what SVG viewers ask fontconfig for
_REFERENCE_PX = 100


class MissingCJKFont(RuntimeError):
    """No Chinese font is installed, so labels cannot be drawn."""


@cache
def cjk_font_path() -> Path:
    """Path of the CJK font: $FOODTRACE_CJK_FONT, else the first installed candidate."""
    configured = os.environ.get(FONT_ENV)
    candidates = (Path(configured),) if configured else FONT_CANDIDATES
    for path in candidates:
        if path.is_file():
            return path
    looked = ", ".join(str(p) for p in candidates)
    raise MissingCJKFont(
        f"no Chinese font for labels: looked for {looked}; install it with `apt-get install {FONT_PACKAGE}` "
        f"or set {FONT_ENV} to a TrueType .ttf/.ttc file"
    )


@cache
def pdf_font() -> str:
    """The CJK font's name in reportlab, registered once; embedded (subset), so a PDF prints the same anywhere and
    its text can be copied."""
    pdfmetrics.registerFont(TTFont(PDF_FONT, str(cjk_font_path()), subfontIndex=0))
    return PDF_FONT


@cache
def pil_font(size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(cjk_font_path()), size_px)


def text_width(text: str, size: float) -> float:
    """Advance width of ``text`` set at ``size`` (any unit; the result is in the same unit)."""
    return pil_font(_REFERENCE_PX).getlength(text) * size / _REFERENCE_PX
