"""Dates that make a thing usable or valid: use-by dates (保质期) and validity periods (有效期).

Every date here is the county's local date (``RulesProfile.local_date``). The domain, the batch card and the
views all call these, so "expired" means the same everywhere.
"""

from __future__ import annotations

from datetime import date


def past_use_by(use_by_date: date, day: date) -> bool:
    """已过期: food may be used on its use-by date, never after."""
    return day > use_by_date
