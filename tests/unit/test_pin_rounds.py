"""The tests stretch PINs with fewer rounds (tests/conftest.py, cheap_pin_hashing); production keeps 200,000, and a
PIN set with either count is checked with the count its record keeps."""

from __future__ import annotations

import pytest

from api import tokens
from api.tokens import Credentials
from domain.ledger import Ledger
from tests.conftest import TEST_PIN_ITERATIONS
from tests.county import ADMIN, ZHANG, County

PRODUCTION_ROUNDS = 200_000


def test_production_stretches_pins_with_200_000_rounds() -> None:
    source = tokens.__loader__.get_source(tokens.__name__)  # type: ignore[union-attr]
    assert source is not None and f"PIN_ITERATIONS = {PRODUCTION_ROUNDS:_}" in source
    assert tokens.PIN_ITERATIONS == TEST_PIN_ITERATIONS < PRODUCTION_ROUNDS  # what the other tests run with


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_pin_is_checked_with_the_rounds_its_record_keeps(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    County.set_up(ledger)
    credentials = Credentials(ledger)
    monkeypatch.setattr(tokens, "PIN_ITERATIONS", PRODUCTION_ROUNDS)
    credentials.set_pin(ZHANG, "2468", by=ADMIN)
    monkeypatch.setattr(tokens, "PIN_ITERATIONS", TEST_PIN_ITERATIONS)  # a later deployment changed the count
    assert credentials.pin_matches(ZHANG, "2468") and not credentials.pin_matches(ZHANG, "2469")
    record: object = ledger.repository.get(tokens.PersonPin.create_id(ZHANG))
    assert isinstance(record, tokens.PersonPin) and record.iterations == PRODUCTION_ROUNDS
