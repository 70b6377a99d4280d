"""Small value types shared by the aggregates, and the transcodings that store them."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Transcoding

from domain.errors import ValidationError


class Role(StrEnum):
    SUPPLIER = "supplier"
    STOREKEEPER = "storekeeper"  # 仓管员
    KITCHEN = "kitchen"  # 厨师长 / kitchen lead
    INVESTIGATOR = "investigator"  # 调查员
    PRINCIPAL = "principal"  # 校长 / 食品安全管理员
    ADMIN = "admin"
    LOGISTICS = "logistics"  # the county's logistics office (物资/后勤管理): recalls, §15's logistics checks


class Meal(StrEnum):
    BREAKFAST = "breakfast"
    LUNCH = "lunch"
    DINNER = "dinner"


class Stage(StrEnum):
    """When an inspection happens (§16: at purchase, again at intake and at issue)."""

    PURCHASE = "purchase"
    INTAKE = "intake"
    ISSUE = "issue"


# Units a canteen weighs or counts in. A batch keeps its unit for life: no silent conversions.
UNITS = frozenset({"kg", "g", "L", "mL", "piece", "box", "bag", "bottle"})


@dataclass(frozen=True)
class Principal:
    """Who did it: an authenticated person and the role they acted in."""

    person_id: str
    role: str

    def __post_init__(self) -> None:
        if not self.person_id.strip():
            raise ValidationError(zh="缺少操作人", en="the acting person is missing", field="by")
        Role(self.role)


class PrincipalAsDict(Transcoding):
    type = Principal
    name = "principal"

    def encode(self, obj: Principal) -> dict[str, str]:
        return {"person_id": obj.person_id, "role": obj.role}

    def decode(self, data: dict[str, str]) -> Principal:
        return _principal(data["person_id"], data["role"])


@functools.lru_cache(maxsize=4096)
def _principal(person_id: str, role: str) -> Principal:
    """A county's people are few and a Principal is immutable: each is checked once, not on every event read."""
    return Principal(person_id=person_id, role=role)


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


# The text policy (one for every free-text and code field): NFC, trimmed, capped, and free of characters
# that are invisible or break storage and exports: C0/C1 controls (NUL included), lone surrogates and
# Unicode noncharacters. Notes may hold lines: "\n" is kept there (a browser's "\r\n" becomes "\n").
# Each check is one regular expression (a scan in C, not a Python call per character). Cc is U+0000–U+001F and
# U+007F–U+009F, Cs U+D800–U+DFFF; tests/unit/test_text_policy.py checks every code point against unicodedata.
_PLANES = range(0x10000, 0x110000, 0x10000)
_IN_BMP = "\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"  # beyond C0: C1, surrogates, the BMP's noncharacters
_BEYOND_C0 = _IN_BMP + "".join(f"{chr(plane | 0xFFFE)}{chr(plane | 0xFFFF)}" for plane in _PLANES)
_C0 = {"text": "\x00-\x1f", "notes": "\x00-\x09\x0b-\x1f", "arguments": "\x00-\x09\x0b\x0c\x0e-\x1f"}
REFUSED = re.compile(f"[{_C0['text']}{_BEYOND_C0}]")
REFUSED_IN_NOTES = re.compile(f"[{_C0['notes']}{_BEYOND_C0}]")  # "\n" is kept in notes
REFUSED_IN_ARGUMENTS = re.compile(f"[{_C0['arguments']}{_BEYOND_C0}]")  # "\r" and "\n" pass the net
# re compares a character with each of the 32 noncharacters beyond U+FFFF one by one (~4.5 µs for an intake's 80
# characters of text): so a text is first screened for the pattern's characters below U+10000 and any character
# above (one range, ~0.8 µs), and searched with the pattern itself only when the screen finds one. Keyed by the
# pattern's id: a compiled pattern's hash hashes its whole compiled code (0.7 µs, more than the screen's search).
_SCREENS = {
    id(pattern): re.compile(f"[{_C0[kind]}{_IN_BMP}\U00010000-\U0010ffff]")
    for kind, pattern in (("text", REFUSED), ("notes", REFUSED_IN_NOTES), ("arguments", REFUSED_IN_ARGUMENTS))
}


def holds_refused(pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``text`` holds a character one of the policy's patterns refuses (``pattern.search``, screened first).

    Every refused character is unprintable (controls, surrogates, noncharacters), so a printable text holds none:
    str.isprintable answers most texts in C, a quarter of the screen's time.
    """
    return (
        not text.isprintable() and _SCREENS[id(pattern)].search(text) is not None and pattern.search(text) is not None
    )


def _clean(value: object, field: str, zh: str, max_length: int, lines: bool) -> str:
    if not isinstance(value, str):
        raise ValidationError(zh=f"{zh}应为文字", en=f"{field} must be text", field=field)
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip() if lines else value.strip()
    if holds_refused(REFUSED_IN_NOTES if lines else REFUSED, text):
        raise ValidationError(zh=f"{zh}含有不可见的控制字符", en=f"{field} contains control characters", field=field)
    text = unicodedata.normalize("NFC", text)
    if len(text) > max_length:
        raise ValidationError(
            zh=f"{zh}过长（最多{max_length}字）", en=f"{field} is longer than {max_length}", field=field
        )
    return text


def require_text(value: str, field: str, zh: str, max_length: int = 200) -> str:
    """One line of text that must be there: a name, a code, a number, a place, a reason."""
    text = _clean(value, field, zh, max_length, lines=False)
    if not text:
        raise ValidationError(zh=f"请填写{zh}", en=f"{field} is required", field=field)
    return text


def optional_text(value: str | None, field: str, zh: str, max_length: int = 200) -> str:
    """One line of text that may be left empty ("")."""
    return "" if value is None else _clean(value, field, zh, max_length, lines=False)


def note_text(value: str | None, field: str, zh: str, max_length: int = 1000) -> str:
    """A note that may run over several lines and may be left empty."""
    return "" if value is None else _clean(value, field, zh, max_length, lines=True)


_SEQUENCES = (list, tuple)  # a name, not ``list | tuple``: that expression makes a new union at every evaluation


def refuse_control_characters(arguments: Mapping[str, Any]) -> None:
    """The net under the policy: no text argument of a command (or item of a list) carries a refused character.

    Fields a command cleans itself get NFC and their caps there; this catches the rest (codes that are only
    looked up, lists of people), whatever a future command adds.
    """
    # One scan of all the text first (a refused character is one character, so joining makes no match and hides
    # none); the field is looked for only when there is one.
    texts: list[str] = []
    for value in arguments.values():
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, _SEQUENCES):
            texts += [item for item in value if isinstance(item, str)]
    if not holds_refused(REFUSED_IN_ARGUMENTS, "".join(texts)):
        return
    for field, value in arguments.items():
        for item in value if isinstance(value, _SEQUENCES) else (value,):
            if isinstance(item, str) and REFUSED_IN_ARGUMENTS.search(item):
                raise ValidationError(
                    zh=f"{field}：含有不可见的控制字符", en=f"{field} contains control characters", field=field
                )


def require_quantity(value: Decimal | str | int, field: str = "quantity") -> Decimal:
    """A positive amount with at most three decimals (grams of a kilogram)."""
    try:
        quantity = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(zh="数量不是有效数字", en=f"{field} is not a number", field=field) from None
    if not quantity.is_finite() or quantity <= 0:
        raise ValidationError(zh="数量必须大于零", en=f"{field} must be greater than zero", field=field)
    exponent = quantity.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -3:
        raise ValidationError(zh="数量最多保留三位小数", en=f"{field} has more than 3 decimals", field=field)
    return quantity


def require_unit(unit: str) -> str:
    if unit not in UNITS:
        raise ValidationError(
            zh=f"未知单位：{unit}",
            en=f"unknown unit {unit!r}; use one of {', '.join(sorted(UNITS))}",
            field="unit",
        )
    return unit


def require_aware(moment: datetime, field: str = "at") -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError(zh="时间缺少时区", en=f"{field} must carry a time zone offset", field=field)
    return moment


def plain(value: Any) -> Any:
    """Enums to their plain values, so that stored events hold no class names of ours."""
    return value.value if isinstance(value, StrEnum) else value


def parse_choice(kind: type[Any], value: Any, field: str, zh: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ValidationError(zh=f"{zh}无效：{value}", en=f"{field} must be one of {allowed}", field=field) from None


def as_uuid(value: UUID | str) -> UUID:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        raise ValidationError(zh="编号格式错误", en=f"{value!r} is not a valid id", field="id") from None
