"""Domain errors: a stable machine code and a message a storekeeper understands, in Chinese and English.

The API maps each code to an HTTP status in one place (api/errors.py); nothing else inspects messages.
"""

from __future__ import annotations

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
