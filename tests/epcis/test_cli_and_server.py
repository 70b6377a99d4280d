"""`foodtrace epcis export …` and `foodtrace epcis push`, and the server's own push (FOODTRACE_EPCIS_PUSH_URL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main
from api.epcis_schema import schema_error
from api.settings import Settings
from tests.api.receiver import Receiver, until
from tests.county import DAY, County
from tests.epcis.test_push import batch_events, valid_epcis


@pytest.fixture
def store(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    monkeypatch.setenv("FOODTRACE_DATABASE_URL", database_url)
    monkeypatch.setenv("FOODTRACE_RESOLVER_BASE", "https://trace.county.example")
    monkeypatch.chdir(tmp_path)
    return database_url


def exported(*argv: str) -> dict[str, object]:
    assert main(["epcis", "export", *argv, "-o", "out.jsonld"]) == 0
    document: dict[str, object] = json.loads(Path("out.jsonld").read_text(encoding="utf-8"))
    assert schema_error(document) is None, schema_error(document)
    return document


def test_the_command_line_exports_a_batch_a_lot_a_school_and_an_incident(store: str, county: County) -> None:
    code = county.ready_to_issue()
    county.issue(code, "5")
    for argv in (
        ("batch", code),
        ("lot", "--supplier", "SUP-HX", "--product", "猪肉(前腿)", "--lot", "HX260301-2"),
        ("school", "--school", "CG01", "--from", DAY.isoformat(), "--to", DAY.isoformat()),
        ("incident", "--school", "CG01", "--date", DAY.isoformat(), "--meal", "lunch"),
    ):
        events = exported(*argv)["epcisBody"]["eventList"]  # type: ignore[index]
        assert {e["foodtrace:batch"] for e in events} == {code}, argv
    assert main(["epcis", "export", "school", "--school", "NOPE", "--from", "2026-03-01", "--to", "2026-03-02"]) == 2


def test_the_command_line_pushes_once_per_run_and_never_twice(store: str, county: County) -> None:
    county.certify(county.receive())
    with Receiver(check=valid_epcis) as receiver:
        assert main(["epcis", "push", "--to", receiver.url, "--once", "--bearer", "city-token"]) == 0
        assert main(["epcis", "push", "--to", receiver.url, "--once"]) == 0
    assert len(receiver.accepted) == batch_events(county.ledger) and receiver.refused == []
    assert receiver.accepted[0].headers["authorization"] == "Bearer city-token"


def test_the_server_pushes_what_it_records_when_told_where(county: County, tmp_path: Path) -> None:
    with Receiver(check=valid_epcis) as receiver:
        settings = Settings(database_url="sqlite:///unused", documents_dir=tmp_path, epcis_push_url=receiver.url)
        with TestClient(create_app(settings, ledger=county.ledger)):
            county.receive()
            until(lambda: len(receiver.accepted) == 1)
    [document] = [json.loads(r.body) for r in receiver.accepted]
    assert document["epcisBody"]["eventList"][0]["bizStep"] == "receiving"
