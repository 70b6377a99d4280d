"""The rules profile: national defaults, stricter counties allowed, looser ones refused."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from domain.errors import ProfileTooLoose
from domain.rules import DEFAULT_PROFILE, Category, CertificateKind, RulesProfile


def test_defaults_follow_the_newer_national_rules() -> None:
    profile = RulesProfile()
    assert (profile.sample_grams, profile.sample_hours, profile.intake_signers) == (125, 48, 2)
    assert profile.retention_years == 3
    # §15 supervisors' checks: the school ≥2 a week, the central principal ≥1 and its logistics ≥2 a month.
    assert (
        profile.school_checks_per_week,
        profile.central_principal_checks_per_month,
        profile.central_logistics_checks_per_month,
    ) == (2, 1, 2)
    assert profile.colour(Category.PLANT) == "green"
    assert profile.colour(Category.MEAT) == "red"
    assert profile.colour(Category.AQUATIC) == "yellow"
    assert profile.certificates_required(Category.MEAT, pork=True) == {
        CertificateKind.QUALITY_INSPECTION_REPORT,
        CertificateKind.INVOICE,
        CertificateKind.ANIMAL_QUARANTINE_CERTIFICATE,
        CertificateKind.MEAT_QUALITY_CERTIFICATE,
    }
    assert profile.certificates_required(Category.PLANT, pork=False) == {
        CertificateKind.QUALITY_INSPECTION_REPORT,
        CertificateKind.INVOICE,
    }


@pytest.mark.parametrize(
    "looser",
    [
        {"sample_grams": 100},  # the 2021 plan's 100 g is below the national 125 g
        {"sample_hours": 24},
        {"intake_signers": 1},
        {"retention_years": 1},
        {"required_certificates": {**DEFAULT_PROFILE.required_certificates, "meat": frozenset()}},
        {"pork_extra_certificates": frozenset()},
    ],
)
def test_a_profile_looser_than_national_law_is_refused(looser: dict[str, object]) -> None:
    with pytest.raises(ProfileTooLoose):
        replace(DEFAULT_PROFILE, **looser)  # type: ignore[arg-type]


def test_a_stricter_county_profile_loads_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "county.toml"
    path.write_text(
        "sample_grams = 150\nintake_signers = 3\n"
        '[colours]\nplant = "green"\nmeat = "red"\naquatic = "blue"\nother = "none"\n'
        '[required_certificates]\nplant = ["quality_inspection_report", "invoice"]\n'
        'meat = ["quality_inspection_report", "invoice", "animal_quarantine_certificate"]\n'
        'aquatic = ["quality_inspection_report", "invoice", "animal_quarantine_certificate"]\n'
        'other = ["quality_inspection_report", "invoice", "other"]\n',
        encoding="utf-8",
    )
    profile = RulesProfile.from_toml(path)
    assert profile.sample_grams == 150 and profile.intake_signers == 3
    assert profile.colour(Category.AQUATIC) == "blue"
    assert CertificateKind.OTHER in profile.certificates_required(Category.OTHER, pork=False)


def test_a_toml_profile_with_a_looser_number_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "county.toml"
    path.write_text("sample_grams = 100\n", encoding="utf-8")
    with pytest.raises(ProfileTooLoose, match="sample_grams"):
        RulesProfile.from_toml(path)


def test_a_misspelt_key_is_not_silently_ignored(tmp_path: Path) -> None:
    path = tmp_path / "county.toml"
    path.write_text("sample_gram = 150\n", encoding="utf-8")
    with pytest.raises(ProfileTooLoose, match="unknown keys"):
        RulesProfile.from_toml(path)
