"""The office suite people print with, run headless: LibreOffice turns spreadsheets into PDFs, poppler reads them.

LibreOffice starts in seconds, so every file of a test goes through one ``soffice`` call; each test session
(each xdist worker) keeps a profile folder of its own, since two instances sharing one refuse to start.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGES = "libreoffice-calc-nogui poppler-utils"


def tools_or_skip(*names: str) -> None:
    """Skip with what to install where a tool is missing; under CI=true fail instead, as CI installs them."""
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        message = f"{', '.join(missing)} not installed: `apt-get install {PACKAGES}` (make test installs them)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@dataclass(frozen=True)
class Office:
    profile: Path

    def to_pdf(self, *files: Path) -> list[Path]:
        """Each file converted to a PDF beside it, as Calc prints it (its own page setup), in one start-up."""
        out = files[0].parent
        subprocess.run(
            ["soffice", f"-env:UserInstallation={self.profile.as_uri()}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(out), *map(str, files)],
            check=True, capture_output=True, timeout=600,
        )  # fmt: skip
        pdfs = [out / f"{file.stem}.pdf" for file in files]
        for pdf in pdfs:
            assert pdf.is_file(), f"LibreOffice wrote no {pdf.name}"
        return pdfs


@dataclass(frozen=True)
class Printed:
    """A PDF as poppler reads it: its page size and each page's text."""

    width: float
    height: float
    pages: list[str]

    @classmethod
    def read(cls, pdf: Path) -> Printed:
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
        size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
        assert size is not None, info
        count = int(re.search(r"Pages:\s+(\d+)", info)[1])  # type: ignore[index]
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True)
        pages = text.stdout.split("\f")[:count]
        return cls(float(size[1]), float(size[2]), pages)

    @property
    def landscape_a4(self) -> bool:
        return (round(self.width), round(self.height)) == (842, 595)

    def numbered(self, number: int) -> bool:
        """Page ``number`` (from 1) says 第 N 页 / 共 M 页 (text extraction may drop the spaces)."""
        return f"第{number}页/共{len(self.pages)}页" in "".join(self.pages[number - 1].split())
