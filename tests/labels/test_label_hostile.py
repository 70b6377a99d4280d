"""Labels print what was typed or stored as text: markup stays literal, controls show as \\uXXXX, and the QR scans."""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ElementTree
from dataclasses import replace
from io import BytesIO

import pytest
from label_samples import PORK_CODE, decoded_codes, lunch_sample, pdf_text, pork
from PIL import Image

from domain.printable import printable
from labels.render import render_batch_label, render_sample_label, render_sheet
from tests.hostile import CORPUS, STORED


def drawable(text: str) -> str:
    """What a reader of the printed label can see: the font has no emoji, format characters and spaces are blank."""
    return "".join(ch for ch in text if ord(ch) < 0x10000 and unicodedata.category(ch) not in ("Cf", "Zs"))


@pytest.mark.parametrize("name", CORPUS)
def test_a_label_prints_hostile_text_as_text_and_still_scans(name: str) -> None:
    text = CORPUS[name]
    label = replace(pork(), product=text, supplier_lot=text, storage_place=text)
    sample = replace(lunch_sample(payload=label.payload), dish=text, fridge=text)

    png = render_batch_label(label, "png", size="60x40")
    ElementTree.fromstring(render_batch_label(label, "svg", size="60x40"))  # well-formed XML
    printed = [pdf_text(render_batch_label(label, "pdf", size="60x40"))]
    printed.append(pdf_text(render_sample_label(sample, "pdf", size="50x30")))
    printed.append(pdf_text(render_sheet([label, sample])))

    assert decoded_codes(Image.open(BytesIO(png))) == [PORK_CODE]
    # A long line is cut short with "…" to fit; pdftotext reorders the run after a right-to-left override.
    shown = drawable(printable(text, one_line=True))[: 6 if name == "bidi" else 12]
    for pdf in printed:
        assert shown in drawable(pdf)


def test_controls_stored_long_ago_print_as_visible_escapes() -> None:
    label = replace(pork(), product=STORED["controls"], storage_place=STORED["carriage_return"])

    text = pdf_text(render_batch_label(label, "pdf", size="60x40"))

    assert "剩\\u0001余\\u001b" in text and "\\u000d=1+2" in text
