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


def test_every_refused_character_is_unprintable_so_a_printable_text_holds_none() -> None:
    refused = "".join(REFUSED.findall(EVERY_CODE_POINT)) + "".join(REFUSED_IN_NOTES.findall(EVERY_CODE_POINT))
    assert refused and not any(ch.isprintable() for ch in refused)
    unprintable_yet_allowed = "猪肉 🥩\u3000冷库\u00a01"  # spaces Unicode calls unprintable: the screen decides
    for pattern in (REFUSED, REFUSED_IN_NOTES, REFUSED_IN_ARGUMENTS):
        assert not holds_refused(pattern, unprintable_yet_allowed) and holds_refused(pattern, "冷库1\x7f")
