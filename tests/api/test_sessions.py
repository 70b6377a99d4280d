"""A phone's session lasts one working day, by the Ledger's clock: the clock every record of the day is timed by."""

from __future__ import annotations

from datetime import datetime

from tests.api.conftest import Api
from tests.county import at


def test_a_pin_session_ends_twelve_hours_after_signing_in_by_the_ledgers_clock(api: Api) -> None:
    api.set_clock(9)
    session = api.client.post("/api/v1/sessions", json={"person_id": "CG01-zhang", "pin": "2468"})
    assert session.status_code == 201, session.text
    assert datetime.fromisoformat(session.json()["expires_at"]) == at(hour=21)
    headers = {"Authorization": f"Bearer {session.json()['token']}"}

    api.set_clock(20, 59)
    assert api.client.get("/api/v1/sessions/current", headers=headers).status_code == 200
    api.set_clock(21)
    assert api.client.get("/api/v1/sessions/current", headers=headers).status_code == 401
