"""Fixtures for the read side: the projector on the test's store, and a county where two schools share a lot."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from api.settings import eventsourcing_env
from domain.ledger import Ledger
from domain.registry import RegisterStaff
from projections.service import Projections
from tests.county import ADMIN, DAY, County, at, food_worker_certificates

XH_SECOND = "XH01-wu"  # 吴, second storekeeper at 新华镇中心小学, so XH01 can sign intake with two people
XH_KITCHEN = "XH01-qian"  # 钱师傅, kitchen lead at XH01


@pytest.fixture
def views(database_url: str, ledger: Ledger) -> Iterator[Projections]:
    projector = Projections(eventsourcing_env(database_url), ledger=ledger, chunk_size=7)
    yield projector
    projector.close()


@pytest.fixture
def two_schools(county: County) -> County:
    """The small county, with XH01 staffed to receive (two signers) and to cook."""
    when = at(DAY - timedelta(days=30))
    for person, name, role in ((XH_SECOND, "吴海燕", "storekeeper"), (XH_KITCHEN, "钱师傅", "kitchen")):
        county.ledger.execute(
            RegisterStaff(person_id=person, name=name, school="XH01", roles=[role]), by=ADMIN, at=when
        )
        numbers = (f"JK-{person}", f"PX-{person}")
        food_worker_certificates(county.ledger, person, date(2026, 12, 31), at=when, numbers=numbers)
    return county
