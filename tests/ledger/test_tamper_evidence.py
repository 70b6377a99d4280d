"""Anyone holding a digest of the log can tell later whether history was rewritten (DESIGN: non-negotiable 7)."""

from __future__ import annotations

import sqlite3

import psycopg

from domain.digest import log_digest
from domain.ledger import Ledger
from tests.county import County


def rewrite_first_receipt(database_url: str) -> None:
    """What a forger with database access would do: edit a stored receipt's quantity in place."""
    statement = (
        "UPDATE {table} SET state = replace(state, '\"20\"', '\"2\"') WHERE topic LIKE '%IngredientBatch.Received'"
    )
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            conn.execute(
                statement.format(table="stored_events").replace("replace(state,", "replace(CAST(state AS TEXT),")
            )
    else:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(
                "UPDATE ledger_events "
                "SET state = convert_to(replace(convert_from(state, 'UTF8'), '\"20\"', '\"2\"'), 'UTF8') "
                "WHERE topic LIKE '%IngredientBatch.Received'"
            )


def test_the_digest_is_stable_and_later_events_do_not_change_it(county: County) -> None:
    county.receive()
    filed = log_digest(county.ledger.recorder)
    assert log_digest(county.ledger.recorder) == filed
    county.receive()
    assert log_digest(county.ledger.recorder, upto=filed.events) == filed
    assert log_digest(county.ledger.recorder).digest != filed.digest


def test_rewriting_a_stored_event_breaks_the_digest(county: County, database_url: str) -> None:
    county.receive()
    filed = log_digest(county.ledger.recorder)
    rewrite_first_receipt(database_url)
    reopened = Ledger(env=county.ledger.env)
    try:
        assert log_digest(reopened.recorder, upto=filed.events) != filed
    finally:
        reopened.close()
