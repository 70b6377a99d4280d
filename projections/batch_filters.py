"""Filters the investigators' search and the forward trace both put on view_trace_batches."""

from __future__ import annotations

from datetime import date
from typing import Any


def received_between(received_from: date | None, received_to: date | None) -> tuple[list[str], list[Any]]:
    """The WHERE clauses and their parameters for receipts on or after ``received_from`` and on or before
    ``received_to`` (both days included); none for a bound not given."""
    bounds = [(">=", received_from), ("<=", received_to)]
    return [f"received_on {op} ?" for op, day in bounds if day], [day for _, day in bounds if day]
