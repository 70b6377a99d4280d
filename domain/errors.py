"""Domain errors: a stable machine code and a message a storekeeper understands, in Chinese and English.

The API maps each code to an HTTP status in one place (api/errors.py); nothing else inspects messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class DomainError(Exception):
    """A rule refused a command. Nothing was recorded."""

    code = "rule_violation"

    def __init__(self, zh: str, en: str, **details: Any) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en
        self.details = details

    def __str__(self) -> str:
        return f"{self.en} / {self.zh}"


class ValidationError(DomainError):
    """Input that can never be right (bad quantity, inconsistent dates, unknown unit)."""

    code = "invalid_input"


class RuleViolation(DomainError):
    """Input that is well formed but forbidden now by a food-safety rule."""

    code = "rule_violation"


class NotFound(DomainError):
    code = "not_found"


class AlreadyExists(DomainError):
    code = "already_exists"


class Conflict(DomainError):
    """Someone else changed the same record at the same moment; reload and try again."""

    code = "conflict"


class IdempotencyKeyReused(DomainError):
    """An idempotency key was sent again with a different command."""

    code = "idempotency_key_reused"


class ProfileTooLoose(DomainError):
    """A county rules profile would be looser than national law."""

    code = "profile_too_loose"


@dataclass(frozen=True)
class Refusal:
    """One reason a rule says no now: a stable code, the reason in Chinese and English, and its details."""

    code: str
    zh: str
    en: str
    details: dict[str, Any] = field(default_factory=dict)


def refused(refusals: list[Refusal], zh_outcome: str = "", en_outcome: str = "") -> RuleViolation:
    """All the reasons as one error, e.g. "已封存：召回；缺少正式发票，不能出库"; ``reasons`` lists their codes."""
    details: dict[str, Any] = {"reasons": [r.code for r in refusals]}
    for refusal in refusals:
        details.update(refusal.details)
    return RuleViolation(
        zh="；".join(r.zh for r in refusals) + (f"，{zh_outcome}" if zh_outcome else ""),
        en="; ".join(r.en for r in refusals) + (f"; {en_outcome}" if en_outcome else ""),
        **details,
    )
