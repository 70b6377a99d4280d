"""Retake the README's screenshots: run the page tests that take them (the real app on SQLite, Debian's Chromium
at a phone's or a desktop's size, the test county's day), then copy each picture from artifacts/screenshots/ to
docs/screenshots/ in 128 colours, which keeps text sharp and the repository small.

    .venv/bin/python docs/screenshots.py

Each picture is named where its test takes it (``screenshot(page, "ledger-phone")``); a test that no longer takes
one fails this script rather than leaving an old picture in the README.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
TAKEN = ROOT / "artifacts" / "screenshots"
KEPT = ROOT / "docs" / "screenshots"
PAGES = "tests/pages/"
SHOTS = {  # docs/screenshots/<name>.png: the test that takes it
    "scan-phone": "test_storekeeper_day.py::test_storekeeper_scans_a_label_and_issues_to_the_kitchen",
    "batch-card-phone": "test_storekeeper_day.py::test_storekeeper_scans_a_label_and_issues_to_the_kitchen",
    "kitchen-confirm-phone": "test_storekeeper_day.py::test_storekeeper_scans_a_label_and_issues_to_the_kitchen",
    "intake-form-phone": "test_store_room_safety.py::"
    "test_storekeeper_receives_an_unannounced_delivery_with_the_short_form",
    "ledger-phone": "test_principal_walk.py::test_principal_on_a_tablet_and_a_phone",
    "timeline-desktop": "test_investigator_walk.py::"
    "test_investigator_goes_from_the_lot_to_the_meal_to_the_other_school_and_exports",
}
COLOURS = 128


def main() -> int:
    for name in SHOTS:
        (TAKEN / f"{name}.png").unlink(missing_ok=True)  # so a picture a test no longer takes cannot be copied
    tests = sorted({PAGES + test for test in SHOTS.values()})
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests]
    if subprocess.run(run, cwd=ROOT, env=env).returncode:
        print("the page tests failed: the screenshots were not replaced", file=sys.stderr)
        return 1
    missing = [name for name in SHOTS if not (TAKEN / f"{name}.png").exists()]
    if missing:
        print(f"no test took: {', '.join(missing)}", file=sys.stderr)
        return 1
    KEPT.mkdir(parents=True, exist_ok=True)
    for name in SHOTS:
        picture = Image.open(TAKEN / f"{name}.png").convert("RGB")
        fewer = picture.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        kept = KEPT / f"{name}.png"
        fewer.save(kept, optimize=True)
        print(f"docs/screenshots/{name}.png  {picture.width}×{picture.height}  {kept.stat().st_size // 1024} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
