"""Hostile text stored in a batch (formulas, markup, bidi, controls, NUL) exports as valid EPCIS, kept as stored."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from api.epcis_schema import schema_error
from projections.epcis import Naming, batch_epcis_events, epcis_document
from tests.county import SHANGHAI, County, at
from tests.hostile import CORPUS, stored_batch


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_text_exports_as_valid_epcis_and_as_it_was_stored(county: County, name: str) -> None:
    text = CORPUS[name]
    code = stored_batch(county.ledger, text)
    stream = list(county.ledger.events.get(county.ledger.batch(code).id))
    events = batch_epcis_events(stream, Naming("https://trace.county.example", SHANGHAI))
    document = epcis_document(events, at(), Naming("https://trace.county.example", SHANGHAI))
    assert schema_error(document) is None, schema_error(document)
    received = events[0]
    assert received["ilmd"]["foodtrace:product"] == text and received["ilmd"]["cbvmda:lotNumber"] == text
    assert unquote(received["readPoint"]["id"]).endswith(f"/place/{text}")  # the store place, percent-encoded
