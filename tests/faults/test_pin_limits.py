# ruff: noqa: F811  (tests take the imported `api` fixture as an argument)
"""PIN limits hold under a burst of concurrent guesses and across server processes sharing one database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from api.app import create_app
from api.errors import ApiError
from api.pin_limits import WINDOW_SECONDS, PinLimits
from api.settings import Settings, eventsourcing_env
from api.tokens import Credentials
from domain.ledger import Ledger
from domain.values import Principal
from tests.api.conftest import Api, api  # noqa: F401  (the fixture: the real app over a real store)
from tests.conftest import empty_postgres
from tests.county import ADMIN, LI, ZHANG, County
from tests.faults.live import all_at_once
from tests.faults.serving import server_thread

RIGHT_PIN = "2468"


@pytest.fixture
def shared_postgres(postgres_url: str) -> Iterator[str]:
    """A county on PostgreSQL whose kitchen lead 张师傅 has a PIN; the servers open it themselves."""
    empty_postgres(postgres_url)
    ledger = Ledger(env=eventsourcing_env(postgres_url))
    try:
        County.set_up(ledger)
        Credentials(ledger).set_pin(ZHANG, RIGHT_PIN, by=Principal(ADMIN.person_id, "admin"))
    finally:
        ledger.close()
    yield postgres_url


def test_concurrent_pin_burst_counts_at_most_five_tries(shared_postgres: str, tmp_path: Path) -> None:
    # Given two server processes' worth of apps over one PostgreSQL database
    settings = Settings(database_url=shared_postgres, documents_dir=tmp_path / "documents", follow_projections=False)
    with server_thread(create_app(settings)) as first, server_thread(create_app(settings)) as second:
        servers = [first, second]
        guesses = [f"{1000 + i:04d}" for i in range(40)]
        guesses[23] = RIGHT_PIN  # one of the forty is right

        # When 40 guesses for one person arrive at once, spread over both servers
        def guess(i: int) -> httpx.Response:
            body = {"person_id": ZHANG, "pin": guesses[i]}
            return httpx.post(f"{servers[i % 2]}/api/v1/sessions", json=body, timeout=60)

        answers = all_at_once(40, guess)

    # Then at most five were tried against the PIN; every other one was told to wait, in both languages
    counted = Counter(a.status_code for a in answers)
    assert counted[401] + counted[201] <= 5, counted
    assert counted[429] == 40 - counted[401] - counted[201], counted
    refused = next(a for a in answers if a.status_code == 429)
    assert 0 < int(refused.headers["Retry-After"]) <= 900
    assert refused.json()["code"] == "too_many_pin_attempts"
    assert "PIN" in refused.json()["zh"] and "try again" in refused.json()["en"]


def test_right_pins_give_their_try_back(api: Api) -> None:
    # A kitchen lead signs many hand-offs in a morning: their own right PIN never locks them out
    for _ in range(7):
        signed = api.client.post("/api/v1/sessions", json={"person_id": ZHANG, "pin": RIGHT_PIN})
        assert signed.status_code == 201, signed.text


def test_one_address_guessing_many_people_is_limited(api: Api) -> None:
    # Given one address that tries one PIN for each of many people (so no person reaches their own limit)
    answers = [
        api.client.post("/api/v1/sessions", json={"person_id": f"CG01-guess-{i}", "pin": "1234"}) for i in range(31)
    ]
    # Then the address runs out of tries, and a real person behind it waits too
    assert [a.status_code for a in answers[:30]] == [401] * 30
    assert answers[30].status_code == 429 and "Retry-After" in answers[30].headers


def test_a_window_passes_and_its_tries_are_forgotten(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a person locked out after five wrong tries
    clock = [1_800_000_000.0]
    monkeypatch.setattr("api.pin_limits.time", SimpleNamespace(time=lambda: clock[0]))
    limits = PinLimits(ledger)
    for _ in range(5):
        limits.try_pin(ZHANG, "10.0.0.7")
    with pytest.raises(ApiError) as refused:
        limits.try_pin(ZHANG, "10.0.0.7")
    assert refused.value.status == 429 and refused.value.details["retry_after"] == WINDOW_SECONDS
    # When the window has passed, they may try again, and the old counts are gone from the table
    clock[0] += WINDOW_SECONDS
    limits.try_pin(LI, "10.0.0.8")
    with ledger.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
        cursor.execute("SELECT tries FROM pin_tries")
        assert [tuple(row.values()) if isinstance(row, dict) else tuple(row) for row in cursor.fetchall()] == [
            (1,),
            (1,),
        ]
    limits.try_pin(ZHANG, "10.0.0.7")
