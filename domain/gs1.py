"""GS1 data rules the ledger applies at intake: GTIN check digits and batch/lot (AI 10) values.

Labels put the lot into a GS1 Digital Link, where AI 10 allows at most 20 characters of GS1's
character set 82. Suppliers write lots as they please (全角, Chinese, spaces), so the ledger keeps the
lot as written and derives a GS1-safe form from it, deterministically, once, at intake.
"""

from __future__ import annotations

import base64
import hashlib
import re
import string
import unicodedata

from domain.errors import ValidationError

# GS1 General Specifications, figure 7.11-1 (character set 82).
CSET82 = frozenset(string.ascii_letters + string.digits + "!\"%&'()*+,-./:;<=>?_")
LOT_MAX = 20
_OUTSIDE_CSET82 = re.compile(f"[^{''.join(map(re.escape, sorted(CSET82)))}]")  # one scan, not a test per character
_DASHES = re.compile("-{2,}")


def gtin_check_digit(body: str) -> str:
    # From the right: the 1st, 3rd, … digit weighs 3, the 2nd, 4th, … 1. Summed by slices, and ASCII digits as
    # their bytes (48 is "0"), not an int() per digit: every intake with a GTIN asks.
    if body.isascii() and body.isdigit():
        data = body.encode("ascii")
        threes, ones = data[::-2], data[-2::-2]
        total = 3 * (sum(threes) - 48 * len(threes)) + sum(ones) - 48 * len(ones)
    else:
        total = 3 * sum(map(int, body[::-2])) + sum(map(int, body[-2::-2]))
    return str((10 - total % 10) % 10)


def normalise_gtin(text: str) -> str:
    """Return the GTIN-14 form of a GTIN-8/12/13/14, or raise when the check digit is wrong."""
    digits = text.strip().replace(" ", "")
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        raise ValidationError(
            zh="商品条码（GTIN）应为8、12、13或14位数字",
            en="a GTIN has 8, 12, 13 or 14 digits",
            field="gtin",
        )
    if gtin_check_digit(digits[:-1]) != digits[-1]:
        raise ValidationError(zh="商品条码（GTIN）校验位错误，请核对", en="the GTIN check digit is wrong", field="gtin")
    return digits.zfill(14)


def normalise_lot(original: str) -> str:
    """A GS1 AI 10 value for a supplier's lot: ASCII of CSET 82, at most 20 characters.

    Full-width characters become their ASCII twins, spaces become hyphens, and anything else outside
    CSET 82 is dropped. When nothing usable is left, or more than 20 characters remain, a short digest
    of the original keeps different lots apart.
    """
    text = original.strip()
    if not text:
        raise ValidationError(zh="请填写供应商批号", en="the supplier's lot code is required", field="lot")
    folded, kept = _fold_lot(text)
    if kept and kept == folded and len(kept) <= LOT_MAX:
        return kept
    digest = base64.b32encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    if not kept:
        return "X" + digest[:8]
    if len(kept) <= LOT_MAX - 5:
        return f"{kept}-{digest[:4]}"
    return f"{kept[: LOT_MAX - 5]}-{digest[:4]}"


def _fold_lot(text: str) -> tuple[str, str]:
    """The lot as typed in ASCII (full-width folded, spaces as hyphens), and what of it CSET 82 keeps."""
    folded = unicodedata.normalize("NFKC", text).replace(" ", "-")
    return folded, _DASHES.sub("-", _OUTSIDE_CSET82.sub("", folded)).strip("-")


def lot_prefix(typed: str) -> str | None:
    """The start of a normalised lot that a typed start of a lot stands for (``ＬＹ2611`` → ``LY2611``), or None
    when folding it would drop characters (the lot is then stored under a digest, so no prefix of it is)."""
    folded, kept = _fold_lot(typed.strip())
    folded = folded.rstrip("-")
    return kept if kept and kept == folded and len(kept) <= LOT_MAX else None


# Brackets people type for a cut or a grade: 猪肉（前腿）, 猪肉【前腿】, 猪肉[前腿] all mean 猪肉(前腿).
_BRACKETS = str.maketrans(dict.fromkeys("[{【〔〖〘［｛", "(") | dict.fromkeys("]}】〕〗〙］｝", ")"))


def normalise_product(name: str) -> str:
    """A product name as it is matched (never shown): Unicode NFKC (full-width brackets and letters become ASCII),
    every kind of bracket as ``()``, no spaces, case folded. ``猪肉（前腿）`` and ``猪肉 (前腿)`` are one product."""
    folded = unicodedata.normalize("NFKC", name).translate(_BRACKETS).casefold()
    return "".join(folded.split())


def product_key(gtin: str | None, product: str) -> str:
    """The product part of a lot's identity (supplier, product, lot): the GTIN-14 where there is one, else the
    normalised name. Suppliers date their lots (LY261126-8), so one lot number can be on potatoes and tomatoes."""
    return gtin if gtin else normalise_product(product)
