"""Webhooks end to end: a supplier's ERP and the county office hear what happened, signed, exactly once.

The server sends them in its own thread, as served; a receiver the test starts on 127.0.0.1 checks every
signature with the README's own lines of Python, and records each webhook-id it accepted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.request import Request

import pytest

from api.destinations import AddressNotAllowed, check_url, checked_handlers, networks
from api.outbox import MESSAGE_COLUMNS, opener
from api.tokens import Caller
from api.webhooks import Webhooks
from domain.intake import RejectDelivery
from domain.ledger import Ledger
from domain.values import Role
from tests.api.conftest import Api, open_api
from tests.api.receiver import Received, Receiver, until
from tests.county import DAY, LI, WANG, County, at
from tests.test_cli import run

README = Path(__file__).resolve().parents[2] / "README.md"

ALL_KINDS = [
    "delivery.received",
    "delivery.refused",
    "certificate.missing",
    "certificate.rejected",
    "batch.held",
    "batch.released",
]
LOOPBACK = networks("127.0.0.0/8")  # the receiver's network, allowed as a county allows its own ERP's
REASON = "冷链车温度12℃，超过规定 / cold chain at 12 °C"


def readme_verifier() -> Callable[[str, dict[str, str], bytes], bool]:
    """The few lines of Python the README gives an ERP developer to check a signature, as printed there."""
    text = README.read_text(encoding="utf-8")
    found = re.search(r"```python\n(.*?)```", text[text.index("### Webhooks") :], re.DOTALL)
    assert found, "the README's webhook section shows how to verify a signature"
    namespace: dict[str, Any] = {}
    exec(found.group(1), namespace)
    return namespace["verified"]  # type: ignore[no-any-return]


verified = readme_verifier()


class Subscribers:
    """Each subscriber's secret by the receiver path it registered."""

    def __init__(self) -> None:
        self.secrets: dict[str, str] = {}

    def check(self, received: Received) -> bool:
        return verified(self.secrets[received.path.lstrip("/")], received.headers, received.body)


@pytest.fixture
def subscribers() -> Subscribers:
    return Subscribers()


@pytest.fixture
def receiver(subscribers: Subscribers) -> Iterator[Receiver]:
    with Receiver(check=subscribers.check) as started:
        yield started


@pytest.fixture
def served(ledger: Ledger, tmp_path: Path) -> Iterator[Api]:
    """The app sending webhooks in its thread, as `foodtrace serve` does, with back-off kept short."""
    options = {"send_webhooks": True, "webhook_retry_seconds": 0.05, "webhook_allow": LOOPBACK}
    with open_api(ledger, tmp_path, follow_projections=False, **options) as api:
        yield api


def subscribe(api: Api, who: str, receiver: Receiver, subscribers: Subscribers, kinds: list[str] = ALL_KINDS) -> str:
    answer = api.post(who, "/api/v1/webhooks", {"url": receiver.url_for(who), "kinds": kinds, "description": who})
    assert answer.status_code == 201, answer.text
    made = answer.json()
    assert made["secret"].startswith("whsec_")
    subscribers.secrets[who] = made["secret"]
    return str(made["id"])


def announce(api: Api, reference: str, product: str = "猪肉（前腿）", category: str = "meat") -> str:
    body = {
        "reference": reference,
        "school": "CG01",
        "product": product,
        "category": category,
        "quantity": "20",
        "unit": "kg",
        "supplier_lot": f"HX-{reference}",
        "production_date": str(DAY),
        "use_by_date": str(DAY + timedelta(days=3)),
        "invoice_number": f"FP-{reference}",
        "expected_on": str(DAY),
    }
    answer = api.post("supplier", "/api/v1/deliveries", body, key=reference)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["announcement_id"])


def receive(api: Api, announcement: str) -> str:
    body = {"place": "冷冻库（红）", "co_signers": [LI], "sensory_ok": True, "sensory_notes": "色泽正常"}
    answer = api.post("storekeeper", f"/api/v1/deliveries/{announcement}/receive", body, key=f"in-{announcement}")
    assert answer.status_code == 201, answer.text
    return str(answer.json()["code"])


def notices(receiver: Receiver, who: str) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in receiver.sent_to(who)]


def kinds(receiver: Receiver, who: str) -> list[str]:
    return sorted(n["type"] for n in notices(receiver, who))


def deliveries(api: Api, who: str, webhook: str, limit: int = 50) -> list[dict[str, Any]]:
    """Every notice sent to the subscription, newest first, read page by page."""
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        answer = api.get(who, f"/api/v1/webhooks/{webhook}/deliveries", params=params)
        assert answer.status_code == 200, answer.text
        found += answer.json()["items"]
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            return found


def test_refused_delivery_reaches_the_supplier_once_signed_after_its_receiver_was_down(
    served: Api, receiver: Receiver, subscribers: Subscribers
) -> None:
    # Given the supplier's ERP, the county office and another supplier listening
    hx = subscribe(served, "supplier", receiver, subscribers)
    subscribe(served, "admin", receiver, subscribers)
    subscribe(served, "other_supplier", receiver, subscribers)
    # When the supplier's pork is received without its certificates
    code = receive(served, announce(served, "DN-01"))
    until(lambda: kinds(receiver, "supplier") == ["certificate.missing", "delivery.received"])
    received = next(n for n in notices(receiver, "supplier") if n["type"] == "delivery.received")
    assert received["data"]["code"] == code and received["data"]["reference"] == "DN-01"
    missing = next(n for n in notices(receiver, "supplier") if n["type"] == "certificate.missing")
    assert "animal_quarantine_certificate" in missing["data"]["missing"]
    # And, while the ERP is down, the next delivery is refused at the door
    receiver.stop()
    refused = announce(served, "DN-02")
    answer = served.post("storekeeper", f"/api/v1/deliveries/{refused}/reject", {"reason": REASON}, key="rej-02")
    assert answer.status_code == 200, answer.text
    until(lambda: any(d["last_error"] for d in deliveries(served, "supplier", hx)))
    failing = next(d for d in deliveries(served, "supplier", hx) if d["kind"] == "delivery.refused")
    assert failing["status"] == "pending" and failing["tries"][0]["status"] is None
    # Then, once it is back, everything arrives exactly once, each signature valid
    receiver.start()
    until(lambda: "delivery.refused" in kinds(receiver, "supplier"))
    until(lambda: kinds(receiver, "admin") == ["certificate.missing", "delivery.received", "delivery.refused"])
    assert kinds(receiver, "supplier") == ["certificate.missing", "delivery.received", "delivery.refused"]
    [refusal] = [n for n in notices(receiver, "supplier") if n["type"] == "delivery.refused"]
    assert refusal["data"]["reason"] == REASON
    assert refusal["data"]["announcement_id"] == refused and refusal["data"]["reference"] == "DN-02"
    assert refusal["timestamp"].endswith("+08:00")
    ids = [r.headers["webhook-id"] for r in receiver.accepted]
    assert len(ids) == len(set(ids)) == 6
    assert receiver.refused == []  # no bad signature anywhere
    # And another supplier heard nothing of it
    assert notices(receiver, "other_supplier") == []
    until(lambda: {d["status"] for d in deliveries(served, "supplier", hx)} == {"delivered"})
    listed = next(d for d in deliveries(served, "supplier", hx) if d["kind"] == "delivery.refused")
    assert listed["attempts"] >= 2
    paged = deliveries(served, "supplier", hx, limit=1)  # two notices of one event: the cursor splits them
    assert [d["webhook_id"] for d in paged] == [d["webhook_id"] for d in deliveries(served, "supplier", hx)]
    assert len(paged) == 3 and paged[0]["kind"] == "delivery.refused"
    assert listed["webhook_id"] == refusal_id(receiver)


def refusal_id(receiver: Receiver) -> str:
    return next(r.headers["webhook-id"] for r in receiver.sent_to("supplier") if b"delivery.refused" in r.body)


def test_a_notice_answered_500_is_tried_again(served: Api, receiver: Receiver, subscribers: Subscribers) -> None:
    hx = subscribe(served, "supplier", receiver, subscribers, kinds=["batch.held", "batch.released"])
    code = receive(served, announce(served, "DN-03"))
    receiver.fail_next(1)
    answer = served.post("storekeeper", f"/api/v1/batches/{code}/holds", {"reason": "供应商召回通知"}, key="hold-1")
    assert answer.status_code == 200, answer.text
    until(lambda: [d["status"] for d in deliveries(served, "supplier", hx)] == ["delivered"])
    assert kinds(receiver, "supplier") == ["batch.held"]
    [held] = deliveries(served, "supplier", hx)
    assert [t["status"] for t in held["tries"]] == [204, 500] and held["tries"][1]["error"] == "HTTP 500"
    assert held["last_status"] == 204 and held["last_error"] is None
    assert len(receiver.refused) == 1  # the 500; its retry carried the same webhook-id
    assert receiver.refused[0].headers["webhook-id"] == receiver.accepted[0].headers["webhook-id"]
    assert notices(receiver, "supplier")[0]["data"]["reason"] == "供应商召回通知"


def test_subscriptions_are_listed_to_their_owner_and_deleted(served: Api, receiver: Receiver) -> None:
    body = {"url": receiver.url_for("supplier"), "kinds": ["delivery.refused"]}
    made = served.post("supplier", "/api/v1/webhooks", body, key="sub-1").json()
    again = served.post("supplier", "/api/v1/webhooks", body, key="sub-1").json()
    assert again == made  # a retry with the same Idempotency-Key: the same subscription
    listed = served.get("supplier", "/api/v1/webhooks").json()
    assert [s["id"] for s in listed] == [made["id"]] and "secret" not in listed[0]
    assert served.get("other_supplier", "/api/v1/webhooks").json() == []
    assert served.get("other_supplier", f"/api/v1/webhooks/{made['id']}/deliveries").status_code == 404
    assert (
        served.client.delete(f"/api/v1/webhooks/{made['id']}", headers=served.headers("other_supplier")).status_code
        == 404
    )
    assert served.client.delete(f"/api/v1/webhooks/{made['id']}", headers=served.headers("supplier")).status_code == 204
    assert served.get("supplier", "/api/v1/webhooks").json() == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://erp.example/hooks", "kinds": ["batch.held"]}, "url"),
        ({"url": "https://erp.example/hooks", "kinds": []}, "kinds"),
        ({"url": "https://erp.example/hooks", "kinds": ["recall.closed"]}, "kinds"),  # no such kind
    ],
)
def test_a_bad_subscription_is_refused_naming_the_field(served: Api, body: dict[str, Any], field: str) -> None:
    answer = served.post("supplier", "/api/v1/webhooks", body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"].startswith(field)


def test_foodtrace_webhooks_run_sends_from_a_process_of_its_own(
    database_url: str, ledger: Ledger, receiver: Receiver, subscribers: Subscribers, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a supplier's subscription, and a delivery refused while no server sends webhooks
    county = County.set_up(ledger)
    webhooks = Webhooks(ledger, allow=LOOPBACK)
    try:
        hx = Caller("SUP-HX", Role.SUPPLIER, "SUP-HX")
        made, subscribers.secrets["supplier"] = webhooks.subscribe(hx, receiver.url_for("supplier"), ALL_KINDS, None)
    finally:
        webhooks.close()
    refused = county.announce()
    ledger.execute(RejectDelivery(announcement=refused, reason=REASON), by=WANG, at=at(DAY, 7))
    monkeypatch.setenv("FOODTRACE_WEBHOOK_RETRY", "0")
    # When the operator runs one round of `foodtrace webhooks run` without allowing the receiver's network
    sent = run(database_url, ["webhooks", "run", "--once"])
    # Then nothing reaches 127.0.0.1: the attempt is recorded as refused for its address
    assert sent.returncode == 0, sent.stderr
    assert receiver.accepted == [] and receiver.refused == []
    [attempt] = outbox_attempts(ledger)
    assert "internal address" in attempt
    # And once the county allows it (FOODTRACE_WEBHOOK_ALLOW), the next round delivers it, signed
    monkeypatch.setenv("FOODTRACE_WEBHOOK_ALLOW", "127.0.0.1/32")
    sent = run(database_url, ["webhooks", "run", "--once"])
    assert sent.returncode == 0, sent.stderr
    [notice] = notices(receiver, "supplier")
    assert notice["type"] == "delivery.refused" and notice["data"]["reason"] == REASON
    assert receiver.refused == []
    listed = run(database_url, ["webhooks", "list"])
    assert [s["id"] for s in json.loads(listed.stdout)] == [made.id] and "whsec_" not in listed.stdout


def outbox_attempts(ledger: Ledger) -> list[str]:
    """The errors of every webhook attempt so far, as the subscriber's delivery list shows them."""
    webhooks = Webhooks(ledger)
    try:
        county = Caller("county", Role.ADMIN, None)
        return [
            str(t["error"])
            for s in webhooks.subscriptions(county)
            for d in webhooks.deliveries(Caller(s.person_id, Role(s.role), s.scope), s.id)[0]
            for t in d["tries"]
        ]
    finally:
        webhooks.close()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hooks",
        "http://localhost:8080/hooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.8/erp",
        "http://192.168.1.20/erp",
        "http://[::1]/hooks",
        "http://[::ffff:127.0.0.1]/hooks",
        "http://0.0.0.0/hooks",
    ],
)
def test_a_subscription_to_an_internal_address_is_refused(ledger: Ledger, tmp_path: Path, url: str) -> None:
    with open_api(ledger, tmp_path, follow_projections=False) as strict:  # no network allowed, as by default
        answer = strict.post("supplier", "/api/v1/webhooks", {"url": url, "kinds": ["delivery.refused"]})
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "url" and "内部网络" in answer.text


def test_a_name_is_taken_when_subscribing_and_its_address_checked_on_every_send() -> None:
    # A name is not resolved when subscribing (it may not resolve yet), but each send resolves it and refuses
    # an internal address: localhost here stands for any name that points inside.
    check_url("http://erp.example/hooks", allow=())
    with Receiver() as receiver:
        url = f"http://localhost:{receiver.port}/supplier"
        with pytest.raises(URLError) as refused:
            opener(*checked_handlers(())).open(Request(url, data=b"{}", method="POST"), timeout=5)
        assert isinstance(refused.value.reason, AddressNotAllowed)
        assert receiver.accepted == []
        with opener(*checked_handlers(LOOPBACK)).open(Request(url, data=b"{}", method="POST"), timeout=5) as answer:
            assert answer.status == 204 and len(receiver.accepted) == 1  # allowed, it got there


def test_a_recall_is_heard_by_the_lots_supplier_and_the_county_office_only(
    served: Api, receiver: Receiver, subscribers: Subscribers
) -> None:
    # Given the supplier's ERP, the county's logistics office and another supplier listening for recalls
    for who in ("supplier", "logistics", "other_supplier"):
        subscribe(served, who, receiver, subscribers, kinds=["recall.opened"])
    code = receive(served, announce(served, "DN-R1"))
    # When the logistics office recalls the lot, while the supplier's receiver is down
    receiver.stop()
    body = {
        "notice_number": "县市监召〔2026〕3号",
        "reason": "同批次抽检不合格",
        "supplier": "SUP-HX",
        "product": "猪肉（前腿）",
        "lot": "HX-DN-R1",
    }
    answer = served.post("logistics", "/api/v1/recalls", body)
    assert answer.status_code == 201, answer.text
    receiver.start()
    # Then the supplier and the county office each hear it once, signed; the other supplier hears nothing
    until(lambda: kinds(receiver, "supplier") == kinds(receiver, "logistics") == ["recall.opened"])
    [recall] = notices(receiver, "supplier")
    assert recall["data"]["recall_id"] == answer.json()["recall_id"]
    assert (recall["data"]["notice_number"], recall["data"]["lot"]) == ("县市监召〔2026〕3号", "HX-DN-R1")
    assert recall["data"]["school"] is None and recall["data"]["by"] == "county-logistics"
    assert served.get("storekeeper", f"/api/v1/batches/{code}").json()["on_hold"] is True
    assert notices(receiver, "other_supplier") == []
    assert receiver.refused == []


def test_a_notice_stored_after_its_subscription_was_deleted_is_cancelled_not_sent(
    ledger: Ledger, tmp_path: Path, receiver: Receiver, subscribers: Subscribers
) -> None:
    """The feed reads a chunk of the log, then stores its notices: a subscription deleted in between has had its
    pending notices cancelled already, and finds one more stored after. It is not sent to the deleted address."""
    with open_api(ledger, tmp_path, follow_projections=False, webhook_allow=LOOPBACK) as api:
        hx = subscribe(api, "supplier", receiver, subscribers, kinds=["batch.held"])
        hooks: Webhooks = api.client.app.state.webhooks  # type: ignore[attr-defined]
        assert api.client.delete(f"/api/v1/webhooks/{hx}", headers=api.headers("supplier")).status_code == 204
        late = ("webhooks", "msg_late", 1, hx, receiver.url_for("supplier"), "batch.held", "{}", "application/json")
        hooks.outbox.view.write(  # as the chunk read before the deletion is stored after it
            f"INSERT INTO outbox_messages ({MESSAGE_COLUMNS}) VALUES ({', '.join('?' * 12)})",
            (*late, "pending", 0, 0.0, 0.0),
        )
        assert hooks.outbox.send_due() == 0
        [row] = hooks.outbox.view.select("SELECT status, attempts FROM outbox_messages WHERE key = 'msg_late'")
        assert (row["status"], row["attempts"]) == ("cancelled", 0)
    assert receiver.sent_to("supplier") == []
