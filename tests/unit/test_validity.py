"""Validity periods (有效期) and use-by dates (保质期) mean one thing, whoever asks."""

from __future__ import annotations

from datetime import date

import pytest

from domain.batch_state import Certificate
from domain.errors import ValidationError
from domain.rules import CertificateKind
from domain.staff import StaffCertificate
from domain.validity import check_period, past_use_by, valid_on
from domain.values import Principal

FIRST, LAST = date(2026, 1, 1), date(2026, 3, 2)


def test_a_period_is_valid_from_its_first_through_its_last_day() -> None:
    assert [valid_on(day, FIRST, LAST) for day in (date(2025, 12, 31), FIRST, LAST, date(2026, 3, 3))] == [
        False, True, True, False,
    ]  # fmt: skip
    assert valid_on(date(2036, 1, 1), FIRST, None)  # no end date: valid from then on


def test_batch_and_staff_certificates_use_the_same_period_rule() -> None:
    kind, issuer = CertificateKind.QUALITY_INSPECTION_REPORT, "县食品检验检测中心"
    report = Certificate(
        kind, "QJ-0301", issuer, FIRST, LAST, sha256="a" * 64, attached_by=Principal("SUP-HX", "supplier")
    )
    health = StaffCertificate("JK-0301", FIRST, LAST)
    for day in (FIRST, LAST, date(2026, 3, 3)):
        assert report.valid_on(day) == health.valid_on(day) == valid_on(day, FIRST, LAST)


def test_food_is_usable_on_its_use_by_date_and_expired_the_day_after() -> None:
    assert not past_use_by(LAST, LAST)
    assert past_use_by(LAST, date(2026, 3, 3))


def test_a_period_that_ends_before_it_starts_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as refused:
        check_period(LAST, FIRST, "valid_until", "证件有效期", "the certificate")
    assert refused.value.details["field"] == "valid_until"
    assert "结束日期早于开始日期" in refused.value.zh and "ends before it starts" in refused.value.en
