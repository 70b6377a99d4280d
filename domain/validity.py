"""Dates that make a thing usable or valid: use-by dates (保质期) and validity periods (有效期).

Every date here is the county's local date (``RulesProfile.local_date``). The domain, the batch card and the
views all call these, so "expired" means the same everywhere.
"""

from __future__ import annotations

from datetime import date

from domain.errors import ValidationError


def ended(last_day: date, day: date) -> bool:
    """A use-by date or a validity period's last day counts in full: it has ended only the day after."""
    return day > last_day


def past_use_by(use_by_date: date, day: date) -> bool:
    """已过期: food may be used on its use-by date, never after."""
    return ended(use_by_date, day)


def valid_on(day: date, valid_from: date, valid_until: date | None) -> bool:
    """有效期: valid from its first day through its last, both included; without an end date, from then on.

    Certificates of a batch, staff certificates (二证), supplier licences and tender periods all mean this.
    """
    return valid_from <= day and (valid_until is None or not ended(valid_until, day))


def check_period(valid_from: date, valid_until: date | None, field: str, zh: str, en: str) -> None:
    """A validity period cannot end before it starts; ``zh``/``en`` name what it is the period of."""
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError(zh=f"{zh}的结束日期早于开始日期", en=f"{en} ends before it starts", field=field)
