"""A command's fingerprint text is json.dumps(…, sort_keys=True, default=str), as v1 computed it, whatever it holds."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from domain.command import FINGERPRINT_JSON, fingerprint_json

SHANGHAI_MORNING = datetime(2026, 3, 27, 7, tzinfo=timezone(timedelta(hours=8)))
ODD_VALUES: list[Any] = [
    ["receive_batch", {"quantity": "100", "production_date": date(2026, 11, 22), "co_signers": ["li", "zhao"]}],
    ["put_on_hold", {"reason": "冷库温度报警\n待查\x00", "code": "7KQ2-M4X9B", "unit_price": Decimal("28.50")}],
    [
        {"b": 1, "a": [True, False, None, 1.5, -0.0, 10**30]},
        datetime(2026, 3, 27, 7, tzinfo=timezone(timedelta(hours=8))),
    ],
    ["\ud800 lone surrogate", {"😀": "emoji", "": ""}, [[[[]]]], {}],
]


@pytest.mark.parametrize("value", ODD_VALUES)
def test_the_fingerprint_text_is_the_encoders_text(value: Any) -> None:
    assert fingerprint_json(value) == FINGERPRINT_JSON.encode(value)


def test_a_circular_reference_fails_as_the_encoder_fails() -> None:
    looped: list[Any] = ["receive_batch"]
    looped.append(looped)
    with pytest.raises(ValueError, match="Circular reference detected"):
        fingerprint_json(looped)
