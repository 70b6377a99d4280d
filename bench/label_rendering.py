"""Labels rendered per second, per format: `.venv/bin/python bench/label_rendering.py`."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from domain.rules import Category
from labels.model import BatchLabel
from labels.payload import batch_uri
from labels.render import render_batch_label, render_sheet

SECONDS = 2.0


def pork(code: str = "DZ8F-GSJR8") -> BatchLabel:
    return BatchLabel(
        code=code,
        payload=batch_uri(code, gtin="06901234567892", lot="L20261120-3", use_by=date(2026, 12, 1)),
        product="冷鲜猪肉（前腿）",
        category=Category.MEAT,
        supplier_lot="L20261120-3",
        received_on=date(2026, 11, 26),
        use_by=date(2026, 12, 1),
        school="城关镇第一小学",
        storage_place="冷藏柜 2号",
    )


def rate(render: Callable[[], bytes], labels_each: int = 1) -> float:
    render()  # load fonts once, as a running server has
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < SECONDS:
        render()
        count += labels_each
    return count / (time.perf_counter() - start)


def main() -> None:
    label = pork()
    sheet = [label] * 18
    cases: dict[str, tuple[Callable[[], bytes], int]] = {
        "png 40x30 203 dpi": (lambda: render_batch_label(label, "png", "40x30", 203), 1),
        "png 40x30 300 dpi": (lambda: render_batch_label(label, "png", "40x30", 300), 1),
        "png 60x40 300 dpi": (lambda: render_batch_label(label, "png", "60x40", 300), 1),
        "svg 40x30": (lambda: render_batch_label(label, "svg", "40x30"), 1),
        "pdf 40x30": (lambda: render_batch_label(label, "pdf", "40x30"), 1),
        "pdf A4 sheet of 18 (60x40)": (lambda: render_sheet(sheet, "60x40"), len(sheet)),
    }
    for name, (render, labels_each) in cases.items():
        print(f"{name:<28} {rate(render, labels_each):8.1f} labels/s")


if __name__ == "__main__":
    main()
