"""Records a school files on paper (the 台账, the check records, an incident report) as A4 landscape PDFs.

Every page carries the same furniture: the record's title in the header, 第 N 页 / 共 M 页 and a note (where the
data stands in the log) in the footer; a table's column headings repeat on every page it runs onto; the record
ends with signature lines. Pure: a Document in, PDF bytes out, in the CJK font the labels use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from functools import partial
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from domain.printable import printable
from labels.fonts import pdf_font

PAGE = landscape(A4)
MARGIN_MM = 12.0
SIGNERS = ("经手人", "负责人", "审核人")
TEXT_SIZE = 8.0
CELL_PADDING = 2.5


@dataclass(frozen=True)
class Grid:
    """A table: its column headings (repeated on each page), rows of values, numeric columns, rows set apart."""

    columns: Sequence[str]
    rows: Sequence[Sequence[object]]
    numeric: frozenset[int] = frozenset()
    totals: frozenset[int] = frozenset()  # rows set apart: brought forward, totals
    whole: frozenset[int] = frozenset()  # columns never wrapped, e.g. a SHA-256 read against a file's


@dataclass(frozen=True)
class Section:
    heading: str
    lines: Sequence[str] = ()
    grid: Grid | None = None


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    sections: Sequence[Section]
    note: str = ""  # in every page's footer, e.g. the log position the record reflects
    signers: Sequence[str] = field(default=SIGNERS)


def position_note(position: int) -> str:
    """Where a record stands in the log, in every page's footer: a later print of the same month can differ."""
    return f"FoodTrace：数据截至日志位置 {position} / as of log position {position}"


def render_document(document: Document) -> bytes:
    """The document as a PDF; the signature lines are kept together on the last page."""
    output = BytesIO()
    frame = SimpleDocTemplate(
        output, pagesize=PAGE, leftMargin=MARGIN_MM * mm, rightMargin=MARGIN_MM * mm, topMargin=18 * mm,
        bottomMargin=16 * mm, title=document.title, creator="FoodTrace", invariant=1,
    )  # fmt: skip
    story: list[Flowable] = [Paragraph(_text(document.title), _style(16, centred=True))]
    story += [Paragraph(_text(document.subtitle), _style(10, centred=True)), Spacer(0, 4 * mm)]
    for section in document.sections:
        story += _section(section, frame.width)
    story.append(_signatures(document.signers, frame.width))
    frame.build(story, canvasmaker=partial(_NumberedCanvas, document=document))
    return output.getvalue()


def _section(section: Section, width: float) -> list[Flowable]:
    # A section's heading never ends a page without a few of its lines below it.
    parts: list[Flowable] = [CondPageBreak(30 * mm), Paragraph(_text(section.heading), _style(11))]
    parts += [Paragraph(_text(line), _style(9)) for line in section.lines]
    if section.grid is not None:
        parts.append(_table(section.grid, width))
    return [*parts, Spacer(0, 4 * mm)]


def _table(grid: Grid, width: float) -> Table:
    cell, number, heading = _style(TEXT_SIZE), _style(TEXT_SIZE, right=True), _style(TEXT_SIZE, centred=True)
    rows = [[Paragraph(_text(c), heading) for c in grid.columns]]
    for row in grid.rows:
        rows.append([Paragraph(_text(v), number if i in grid.numeric else cell) for i, v in enumerate(row)])
    table = Table(rows, colWidths=_widths(grid, width), repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    style += [("BACKGROUND", (0, r + 1), (-1, r + 1), colors.HexColor("#f4f4f4")) for r in sorted(grid.totals)]
    table.setStyle(TableStyle(style))
    return table


def _widths(grid: Grid, width: float) -> list[float]:
    """Every heading on one line; the room left goes to the columns whose values are longer than their heading, in
    proportion to how much longer (a SHA-256 or a note wraps, a date does not)."""
    pad = 2 * CELL_PADDING + 1

    def wide(value: object) -> float:
        return float(stringWidth(_plain(value), pdf_font(), TEXT_SIZE)) + pad

    least = [wide(heading) for heading in grid.columns]
    caps = [width / 2 if i in grid.whole else width / 5 for i in range(len(least))]
    longest = [max([least[i], *(min(wide(row[i]), caps[i]) for row in grid.rows)]) for i in range(len(least))]
    spare, wanted = width - sum(least), sum(longest) - sum(least)
    if spare <= 0 or wanted <= 0:
        return [w * width / sum(least) for w in least]
    share = min(1.0, spare / wanted)
    widths = [low + (high - low) * share for low, high in zip(least, longest, strict=True)]
    return [w * width / sum(widths) for w in widths]


def _signatures(signers: Sequence[str], width: float) -> Flowable:
    """经手人 / 负责人 / 审核人: a line to sign on and a date, side by side, never split from each other."""
    style = _style(10)
    cells = [[Paragraph(f"{_text(who)}（签字）：________________", style) for who in signers]]
    cells.append([Paragraph("日期：______年____月____日", style) for _ in signers])
    table = Table(cells, colWidths=[width / len(signers)] * len(signers), rowHeights=[12 * mm, 9 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    return KeepTogether([Spacer(0, 6 * mm), table])


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
    """Holds each page until the last is laid out, so each footer can say how many pages there are."""

    def __init__(self, *args: Any, document: Document, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._document = document
        self._pages: list[dict[str, Any]] = []
        self.setCreator("FoodTrace")

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for number, page in enumerate(self._pages, start=1):
            self.__dict__.update(page)
            self._furniture(number, len(self._pages))
            super().showPage()
        super().save()

    def _furniture(self, number: int, total: int) -> None:
        width, height = PAGE
        self.setFont(pdf_font(), 9)
        self.drawCentredString(width / 2, height - 10 * mm, printable(self._document.title, one_line=True))
        self.setLineWidth(0.3)
        self.line(MARGIN_MM * mm, height - 12 * mm, width - MARGIN_MM * mm, height - 12 * mm)
        self.drawCentredString(width / 2, 8 * mm, f"第 {number} 页 / 共 {total} 页")
        self.setFont(pdf_font(), 7)
        self.drawString(MARGIN_MM * mm, 8 * mm, printable(self._document.note, one_line=True))


def _style(size: float, centred: bool = False, right: bool = False) -> ParagraphStyle:
    """The one CJK font has no bold face: headings stand out by size and by the grid's shading."""
    alignment = TA_CENTER if centred else TA_RIGHT if right else TA_LEFT
    return ParagraphStyle(
        name=f"paper-{size}-{alignment}",
        fontName=pdf_font(),
        fontSize=size,
        leading=size * 1.3,
        wordWrap="CJK",
        alignment=alignment,
    )


def _text(value: object) -> str:
    """A value as paragraph text; records' own text is escaped (a < in a note is text, not markup)."""
    return escape(_plain(value))


def _plain(value: object) -> str:
    """A value as the book is written by hand: 2026-11-02 07:03, 12.5; controls as visible escapes."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, time):
        value = value.strftime("%H:%M")
    elif isinstance(value, Decimal):
        value = f"{value.normalize():f}"
    return printable(str(value), one_line=True)
