"""Realistic labels for the tests, and the independent tools that read printed labels back."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from PIL import Image, ImageFilter

from domain.rules import Category
from domain.values import Meal
from labels.model import BatchLabel, SampleLabel
from labels.payload import batch_uri, parse

SHANGHAI = ZoneInfo("Asia/Shanghai")
PORK_CODE = "DZ8F-GSJR8"
GREENS_CODE = "7KQ2-M9XHH"
# The longest payload a batch can have: a 20-character lot of characters that must all be percent-encoded.
WORST_LOT = '"%&\'()*+,/:;<=>?!"%&'


def pork(lot: str = "L20261120-3", product: str = "冷鲜猪肉（前腿）") -> BatchLabel:
    return BatchLabel(
        code=PORK_CODE,
        payload=batch_uri(
            PORK_CODE,
            base="https://foodtrace.jiaoyu.county.example.cn",
            gtin="06901234567892",
            lot=lot,
            use_by=date(2026, 12, 1),
        ),
        product=product,
        category=Category.MEAT,
        supplier_lot=lot,
        received_on=date(2026, 11, 26),
        use_by=date(2026, 12, 1),
        school="城关镇第一小学",
        storage_place="冷藏柜 2号",
    )


def greens(category: Category = Category.PLANT) -> BatchLabel:
    return BatchLabel(
        code=GREENS_CODE,
        payload=batch_uri(GREENS_CODE, base="http://192.168.1.20:8000"),
        product="上海青",
        category=category,
        supplier_lot="20261126早",
        received_on=date(2026, 11, 26),
        use_by=None,
        school="城关镇第一小学",
        storage_place="蔬菜架 A",
    )


def lunch_sample(payload: str | None = None) -> SampleLabel:
    return SampleLabel(
        dish="红烧肉",
        meal=Meal.LUNCH,
        sealed_at=datetime(2026, 11, 26, 11, 30, tzinfo=SHANGHAI),
        grams=150,
        keep_until=datetime(2026, 11, 28, 11, 30, tzinfo=SHANGHAI),
        sealed_by="王丽",
        fridge="留样冰箱 A",
        payload=payload,
    )


def decoded_codes(image: Image.Image) -> list[str]:
    barcodes = zxingcpp.read_barcodes(image)
    return [parse(barcode.text).code for barcode in barcodes if barcode.format == zxingcpp.BarcodeFormat.QRCode]


def worn(image: Image.Image) -> Image.Image:
    """A rubbed, slightly out-of-focus label (0.12 mm blur at 203 dpi) seen at half the printer's resolution."""
    blurred = image.convert("L").filter(ImageFilter.GaussianBlur(1.0))
    return blurred.resize((image.width // 2, image.height // 2), Image.Resampling.BILINEAR)


def tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: apt-get install {package}")
    return path


def rasterise_pdf(pdf: bytes, dpi: int) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder, "label.pdf")
        source.write_bytes(pdf)
        subprocess.run(
            [tool("pdftoppm", "poppler-utils"), "-r", str(dpi), "-png", source, Path(folder, "page")], check=True
        )
        return [Image.open(page).copy() for page in sorted(Path(folder).glob("page*.png"))]


def rasterise_svg(svg: bytes, dpi: int) -> Image.Image:
    command = [tool("rsvg-convert", "librsvg2-bin"), "--dpi-x", str(dpi), "--dpi-y", str(dpi), "--format", "png"]
    png = subprocess.run(command, input=svg, capture_output=True, check=True).stdout
    return Image.open(BytesIO(png))


def pdf_text(pdf: bytes) -> str:
    command = [tool("pdftotext", "poppler-utils"), "-", "-"]
    return subprocess.run(command, input=pdf, capture_output=True, check=True).stdout.decode("utf-8")
