"""A database outage: every request answers 503 at once, and the server recovers by itself when it returns.

Before the fix, with PostgreSQL stopped every request, /health included, hung for more than two minutes (the
library retried 10 times, each waiting 30 s for a pooled connection), and a storekeeper's phone just spun.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest

from api.app import create_app
from api.settings import Settings, eventsourcing_env
from api.tokens import Credentials
from domain.ledger import Ledger
from tests.county import ADMIN
from tests.faults.cluster import Cluster, throwaway_cluster
from tests.faults.serving import server_thread, wait_for

CHROMIUM = "/usr/bin/chromium"
FAIL_FAST_SECONDS = 2.0  # the promise: a request learns of an outage within this


@dataclass
class Outage:
    base: str
    cluster: Cluster
    admin: dict[str, str]
    app: object

    def get(self, path: str) -> httpx.Response:
        return httpx.get(self.base + path, headers=self.admin, timeout=30)

    def register_school(self, code: str, key: str) -> httpx.Response:
        body = {"code": code, "name": f"测试学校{code}", "district": "城关镇"}
        return httpx.post(
            f"{self.base}/api/v1/schools", json=body, headers={**self.admin, "Idempotency-Key": key}, timeout=30
        )

    def lag(self) -> int:
        return max(view["lag"] for view in self.get("/api/v1/projections").json()["views"])


@pytest.fixture(scope="module")
def outage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outage]:
    with throwaway_cluster() as cluster:
        ledger = Ledger(env=eventsourcing_env(cluster.url))
        token = Credentials(ledger).create_token(ADMIN.person_id, "admin", None, "outage test", ADMIN)[0]
        ledger.close()
        documents = tmp_path_factory.mktemp("outage") / "documents"
        app = create_app(Settings(database_url=cluster.url, documents_dir=documents))
        with server_thread(app) as base:
            yield Outage(base, cluster, {"Authorization": f"Bearer {token}"}, app)


def timed(call: object) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = call()  # type: ignore[operator]
    return response, time.monotonic() - started


def assert_database_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["Retry-After"]) > 0
    problem = response.json()
    assert problem["code"] == "database_unavailable"
    assert problem["zh"] == "数据库暂不可用，请稍后重试"
    assert problem["en"] == "the database is unavailable; please retry shortly"


def test_while_the_database_is_away_requests_get_503_at_once_and_the_server_recovers(outage: Outage) -> None:
    # Given a server that answers
    assert outage.get("/health/ready").status_code == 200
    assert outage.register_school("OUT1", key="out-1").status_code == 201

    # When the database server stops between requests
    outage.cluster.stop()
    try:
        # Then every request that needs it answers 503 within 2 s, and readiness says so; liveness does not
        for path in ("/api/v1/schools", "/health/ready", "/health", "/api/v1/schools"):
            response, seconds = timed(lambda path=path: outage.get(path))
            assert_database_unavailable(response)
            assert seconds < FAIL_FAST_SECONDS, f"{path} took {seconds:.1f} s"
        response, seconds = timed(lambda: outage.register_school("OUT2", key="out-2"))
        assert_database_unavailable(response)
        assert seconds < FAIL_FAST_SECONDS
        assert outage.get("/health/live").json() == {"status": "live"}
    finally:
        outage.cluster.start()

    # And when it returns, the same server serves again, the write resent under its key is recorded once,
    # and the views catch up: nothing was restarted
    wait_for(lambda: outage.get("/health/ready").status_code == 200, "readiness after the database returned")
    assert outage.register_school("OUT2", key="out-2").status_code == 201
    assert outage.register_school("OUT2", key="out-2").status_code == 201  # the retry returns the first answer
    wait_for(lambda: outage.lag() == 0, "the views to catch up after the outage")
    codes = [school["code"] for school in outage.get("/api/v1/schools").json()["items"]]
    assert codes.count("OUT1") == 1 and codes.count("OUT2") == 1


def test_a_request_in_flight_when_the_database_stops_gets_503_at_once(outage: Outage) -> None:
    # Given a write held up inside the database (its table locked by another session)
    locker = psycopg.connect(outage.cluster.url, autocommit=False)
    locker.execute("LOCK TABLE ledger_events IN ACCESS EXCLUSIVE MODE")
    with ThreadPoolExecutor(1) as pool:
        write = pool.submit(outage.register_school, "OUT3", "out-3")
        with psycopg.connect(outage.cluster.url, autocommit=True) as watcher:
            wait_for(
                lambda: watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = 'foodtrace'"
                ).fetchone()[0],  # type: ignore[index]
                "the write to wait for the lock",
            )
        # When the database server stops under it
        outage.cluster.stop()
        try:
            stopped = time.monotonic()
            response = write.result(timeout=60)
            # Then its answer is a 503 within 2 s, not a hang
            assert time.monotonic() - stopped < FAIL_FAST_SECONDS
            assert_database_unavailable(response)
        finally:
            locker.close()
            outage.cluster.start()

    # And the write sent again under its key after the database returns is recorded once
    wait_for(lambda: outage.get("/health/ready").status_code == 200, "readiness after the database returned")
    assert outage.register_school("OUT3", key="out-3").status_code == 201
    wait_for(lambda: outage.lag() == 0, "the views to catch up after the outage")
    codes = [school["code"] for school in outage.get("/api/v1/schools").json()["items"]]
    assert codes.count("OUT3") == 1


def test_a_phone_shows_the_servers_words_while_the_database_is_away(outage: Outage) -> None:
    """The storekeeper's page says what is wrong and that it retries, then leaves the message: it never just spins."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make system-packages)")
    from playwright.sync_api import expect, sync_playwright

    session = {"token": outage.admin["Authorization"].removeprefix("Bearer "), "person_id": ADMIN.person_id}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.add_init_script(f"localStorage.setItem('ft.session', {json.dumps(json.dumps(session))})")
            page.goto(outage.base + "/app")
            page.wait_for_load_state("load")
            # Given the database goes away while the storekeeper types a code
            outage.cluster.stop()
            try:
                page.get_by_label("手动输入批次码").fill("7KQ2-M9XH4")
                page.locator("#code-form button[type=submit]").click()
                # Then the page says so while it retries, and keeps saying so when it gives up
                expect(page.locator("#notice")).to_contain_text("数据库暂不可用，请稍后重试", timeout=20_000)
                expect(page.locator("#notice")).to_contain_text("正在自动重试")
                expect(page.locator("#problem")).to_have_text("数据库暂不可用，请稍后重试", timeout=30_000)
                expect(page.locator("#notice")).to_be_hidden()
            finally:
                outage.cluster.start()
        finally:
            browser.close()
    wait_for(lambda: outage.get("/health/ready").status_code == 200, "readiness after the database returned")
