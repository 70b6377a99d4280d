"""Batch codes (批次码): short, county-wide unique, read aloud and typed by storekeepers.

A code is eight Crockford base-32 characters and one Luhn mod-32 check character, shown as
``XXXX-XXXXX``. Crockford's alphabet has no I, L, O or U, so nothing is mistaken for 1 or 0, and
typing errors (one wrong character, two neighbours swapped) are caught by the check character.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DATA_LENGTH = 8
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
# What people type for the letters Crockford leaves out.
_ALIASES = {"O": "0", "I": "1", "L": "1"}


class InvalidBatchCode(ValueError):
    """The text is not a well-formed batch code (wrong length, character or check character)."""


def check_character(data: str) -> str:
    """Luhn mod N over the Crockford alphabet."""
    n = len(ALPHABET)
    total = 0
    factor = 2
    for char in reversed(data):
        addend = factor * _VALUE[char]
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def new_batch_code() -> str:
    # One draw of 40 random bits, five to a character (32 = 2⁵, so each is uniform): secrets.choice per character
    # read the system's random source twice for each of the eight, a sixth of an intake's own Python.
    bits = secrets.randbits(5 * DATA_LENGTH)
    data = "".join(ALPHABET[(bits >> shift) & 31] for shift in range(0, 5 * DATA_LENGTH, 5))
    return format_code(data + check_character(data))


def format_code(compact: str) -> str:
    return f"{compact[:4]}-{compact[4:]}"


def code_prefix(typed: str) -> str | None:
    """The start of a ``XXXX-XXXXX`` code that a typed start stands for (``7kq2m`` → ``7KQ2-M``), read as
    normalise_batch_code reads a whole code; None when it cannot start any code."""
    compact = "".join(_ALIASES.get(ch, ch) for ch in typed.strip().upper() if ch not in " -")
    if not compact or len(compact) > DATA_LENGTH + 1 or any(ch not in _VALUE for ch in compact):
        return None
    return format_code(compact) if len(compact) > 4 else compact


def normalise_batch_code(text: str) -> str:
    """Return the canonical ``XXXX-XXXXX`` form, or raise InvalidBatchCode.

    Accepts lower case, spaces and hyphens anywhere, and O/I/L typed for 0/1/1.
    """
    compact = "".join(ch for ch in text.strip().upper() if ch not in " -")
    compact = "".join(_ALIASES.get(ch, ch) for ch in compact)
    if len(compact) != DATA_LENGTH + 1:
        raise InvalidBatchCode(f"a batch code has {DATA_LENGTH + 1} characters, got {len(compact)}")
    bad = sorted({ch for ch in compact if ch not in _VALUE})
    if bad:
        raise InvalidBatchCode(f"a batch code cannot contain {''.join(bad)!r}")
    if check_character(compact[:-1]) != compact[-1]:
        raise InvalidBatchCode("the check character does not match: the code was mistyped or misread")
    return format_code(compact)
