"""The text policy's patterns refuse exactly the characters it names, by Unicode's own categories."""

from __future__ import annotations

import unicodedata

from domain.values import REFUSED, REFUSED_IN_ARGUMENTS, REFUSED_IN_NOTES, holds_refused

EVERY_CODE_POINT = "".join(map(chr, range(0x110000)))


def refused_by_definition(ch: str) -> bool:
    """Controls (Cc), lone surrogates (Cs) and the noncharacters: U+FDD0–U+FDEF and the last two of every plane."""
    point = ord(ch)
    return unicodedata.category(ch) in ("Cc", "Cs") or 0xFDD0 <= point <= 0xFDEF or (point & 0xFFFE) == 0xFFFE


def test_the_patterns_refuse_exactly_the_defined_characters_with_line_ends_kept_where_allowed() -> None:
    defined = "".join(filter(refused_by_definition, EVERY_CODE_POINT))
    assert "".join(REFUSED.findall(EVERY_CODE_POINT)) == defined
    assert "".join(REFUSED_IN_NOTES.findall(EVERY_CODE_POINT)) == defined.replace("\n", "")
    assert "".join(REFUSED_IN_ARGUMENTS.findall(EVERY_CODE_POINT)) == defined.replace("\n", "").replace("\r", "")


def test_the_screened_search_finds_a_refused_character_exactly_where_its_pattern_does() -> None:
    for pattern in (REFUSED, REFUSED_IN_NOTES, REFUSED_IN_ARGUMENTS):
        refused = "".join(pattern.findall(EVERY_CODE_POINT))
        assert "".join(ch for ch in EVERY_CODE_POINT if holds_refused(pattern, ch)) == refused
        assert holds_refused(pattern, f"猪肉 🥩{refused[-1]}") and not holds_refused(pattern, "猪肉 🥩 (前腿)")
