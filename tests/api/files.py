"""Real documents as suppliers upload them: a PDF report, a photographed invoice, a scanned certificate."""

from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageDraw
from reportlab.pdfgen.canvas import Canvas


def pdf_report(title: str = "Quality inspection report QJ-2026-0301") -> bytes:
    buffer = BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, title)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def photo(kind: str = "JPEG", text: str = "FP20260302001") -> bytes:
    image = Image.new("RGB", (320, 200), "white")
    ImageDraw.Draw(image).text((20, 90), text, fill="black")
    buffer = BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()
