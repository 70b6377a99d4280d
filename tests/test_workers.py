"""Several server processes on one PostgreSQL database: `foodtrace serve --workers 2` beside a second server.

What must be shared is shared: PIN tries are counted across processes, exactly one process follows the log (the
holder of the advisory lock, api/leadership.py), a read in a process that does not follow it still gets an answer
that includes a write made in another, and when the follower stops, another process takes over.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import psycopg
import pytest

from api.settings import eventsourcing_env
from api.tokens import Credentials
from domain.ledger import Ledger
from domain.registry import RegisterSupplier
from tests.conftest import empty_postgres
from tests.county import ADMIN, LI, WANG, ZHANG, County, food_worker_certificates
from tests.faults.serving import FOODTRACE, answers, free_port, wait_for

PIN = "135790"


@contextlib.contextmanager
def serving(url: str, folder: Path, workers: int) -> Iterator[str]:
    """``foodtrace serve --workers N`` on a free port; its address."""
    port = free_port()
    env = {**os.environ, "FOODTRACE_DATABASE_URL": url, "FOODTRACE_DOCUMENTS": str(folder / "documents")}
    env["FOODTRACE_SIGNING_KEY"] = str(folder / "signing-key.pem")
    argv = [FOODTRACE, "serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(argv, env=env, stderr=subprocess.DEVNULL)
    address = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: server.poll() is not None or answers(address), "the server to start", timeout=180)
        assert server.poll() is None, "the server stopped"
        yield address
    finally:
        server.terminate()
        server.wait(timeout=60)


def followers(url: str) -> list[int]:
    """The database sessions holding the leader's advisory lock (api/leadership.py)."""
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        ).fetchall()
    return [row[0] for row in rows]


def one_follower(url: str, other_than: int | None = None) -> int:
    """Wait until exactly one session (not ``other_than``) holds the lock; its id."""

    def single() -> int | None:
        found = followers(url)
        return found[0] if len(found) == 1 and found[0] != other_than else None

    return wait_for(single, "one follower", timeout=120)


def sign_in(address: str, person: str, pin: str) -> httpx.Response:
    # A fresh connection each time, as phones do: the workers share the port and take turns accepting.
    return httpx.post(f"{address}/api/v1/sessions", json={"person_id": person, "pin": pin}, timeout=30)


@pytest.fixture
def store(postgres_url: str) -> Iterator[tuple[str, str, date]]:
    """The county on PostgreSQL as it stands today: 王 and 李 fit to handle food, a supplier under tender, PINs for
    王 and 张, and an investigator's token."""
    empty_postgres(postgres_url)
    ledger = Ledger(env=eventsourcing_env(postgres_url))
    try:
        County.set_up(ledger)
        now = ledger.clock()
        today = ledger.profile.local_date(now)
        for person in (WANG.person_id, LI):
            food_worker_certificates(ledger, person, today + timedelta(days=365), at=now)
        supplier = RegisterSupplier(
            code="SUP-WF",
            name="五丰粮油贸易有限公司",
            licence_number="JY1430104",
            licence_valid_from=today - timedelta(days=365),
            licence_valid_until=today + timedelta(days=365),
            tender_start=today - timedelta(days=30),
            tender_end=today + timedelta(days=300),
        )
        ledger.execute(supplier, by=ADMIN)
        credentials = Credentials(ledger)
        credentials.set_pin(WANG.person_id, PIN, by=ADMIN)
        credentials.set_pin(ZHANG, PIN, by=ADMIN)
        token, _ = credentials.create_token("inv-1", "investigator", None, "test", ADMIN)
    finally:
        ledger.close()
    yield postgres_url, token, today


def test_two_workers_and_a_second_server_share_pin_tries_and_follow_the_log_once(
    store: tuple[str, str, date], tmp_path: Path
) -> None:
    url, investigator, today = store
    with contextlib.ExitStack() as first_server:
        single = first_server.enter_context(serving(url, tmp_path, workers=1))
        first = one_follower(url)  # the only process yet: it follows the log
        with serving(url, tmp_path, workers=2) as pair:
            # PIN tries count across every process: 5 wrong ones spread over both servers, then the 6th is refused.
            for address in [pair, single, pair, single, pair]:
                assert sign_in(address, ZHANG, "000000").status_code == 401
            assert sign_in(pair, ZHANG, PIN).status_code == 429
            assert sign_in(single, ZHANG, PIN).status_code == 429
            keeper = sign_in(pair, WANG.person_id, PIN).json()["token"]

            # Three processes, one follower: the first server's, which started first.
            assert followers(url) == [first]

            # A write in the pair, read with ?after= in the pair (whose workers do not follow the log) and in the
            # single server: both answers include it.
            code, position = receive(pair, keeper, today)
            for address in (pair, single):
                found = search(address, code, position, investigator)
                assert found.status_code == 200, found.text
                assert [item["code"] for item in found.json()["items"]] == [code]

            # The follower stops: a worker of the pair takes over, and the views go on following the log.
            first_server.close()
            second = one_follower(url, other_than=first)
            assert followers(url) == [second]
            code, position = receive(pair, keeper, today)
            found = search(pair, code, position, investigator)
            assert found.status_code == 200, found.text
            assert [item["code"] for item in found.json()["items"]] == [code]


def receive(address: str, token: str, today: date) -> tuple[str, int]:
    """入库验收 of rice by 王 today, 李 to co-sign later; the batch's code and the write's log position."""
    body: dict[str, object] = {"product": "大米", "category": "plant", "quantity": "50", "unit": "kg"}
    body |= {"supplier": "SUP-WF", "supplier_lot": "WF-1", "invoice_number": "FP-1", "place": "干货库"}
    body |= {"production_date": str(today - timedelta(days=1)), "use_by_date": str(today + timedelta(days=180))}
    body |= {"co_signers": [LI], "sensory_ok": True}
    received = httpx.post(f"{address}/api/v1/batches", json=body, headers=bearer(token), timeout=30)
    assert received.status_code == 201, received.text
    return received.json()["code"], received.json()["position"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def search(address: str, code: str, position: int, token: str) -> httpx.Response:
    return httpx.get(
        f"{address}/api/v1/search/batches",
        params={"code": code, "after": position},
        headers=bearer(token),
        timeout=30,
    )
