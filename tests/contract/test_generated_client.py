"""A supplier's ERP developer's first hour: generate a Python client from the live /openapi.json with
openapi-python-client, then announce a delivery, attach a certificate, read the delivery back and, once the store
room has received it, download the batch's label, through the generated functions against a real server."""

from __future__ import annotations

import hashlib
import importlib
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import UUID

import httpx
import pytest

from api.app import create_app
from api.settings import Settings, eventsourcing_env
from api.tokens import Credentials
from domain.ledger import Ledger
from tests.api.files import pdf_report
from tests.county import ADMIN, DAY, LI, County, at
from tests.faults.serving import server_thread

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
CONFIG = Path(__file__).resolve().parents[2] / "docs" / "openapi-client.yaml"  # the one the README gives


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A real uvicorn on a free port over the test county in SQLite; a token for the supplier and the store room."""
    ledger = Ledger(env=eventsourcing_env(f"sqlite:///{tmp_path / 'ledger.sqlite3'}"))
    County.set_up(ledger)
    ledger.clock = lambda: at(DAY, 9)
    credentials = Credentials(ledger)
    tokens = {
        "supplier": credentials.create_token("SUP-HX", "supplier", "SUP-HX", "恒鑫ERP", ADMIN)[0],
        "storekeeper": credentials.create_token("CG01-wang", "storekeeper", "CG01", "王建国的手机", ADMIN)[0],
    }
    settings = Settings(database_url="sqlite:///unused", documents_dir=tmp_path / "documents")
    with server_thread(create_app(settings, ledger=ledger)) as base:
        yield base, tokens
    ledger.close()


def generate(base: str, folder: Path) -> ModuleType:
    """The client, as the README tells a developer to generate it, imported from ``folder``."""
    (folder / "openapi.json").write_bytes(httpx.get(f"{base}/openapi.json", timeout=60).raise_for_status().content)
    command = [str(GENERATOR), "generate", "--path", str(folder / "openapi.json"), "--config", str(CONFIG)]
    made = subprocess.run([*command, "--meta", "none", "--output-path", str(folder / "foodtrace_client")],
                          capture_output=True, text=True, timeout=240)  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    assert "Warning" not in made.stdout, f"the generator dropped something:\n{made.stdout}"
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module("foodtrace_client")
    finally:
        sys.path.remove(str(folder))


def module(name: str) -> Any:
    return importlib.import_module(f"foodtrace_client.{name}")


def test_a_generated_client_announces_attaches_reads_and_prints(
    served: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    base, tokens = served
    client = generate(base, tmp_path)
    try:
        generated_names(tmp_path / "foodtrace_client")
        models, types = module("models"), module("types")
        announce, attach, read = (module(f"api.suppliers.{n}") for n in ("announce_delivery",
                                  "attach_delivery_certificate", "get_delivery"))  # fmt: skip
        receive, label = module("api.storekeepers.receive_delivery"), module("api.records.get_batch_label")
        supplier = client.AuthenticatedClient(base_url=base, token=tokens["supplier"])
        storekeeper = client.AuthenticatedClient(base_url=base, token=tokens["storekeeper"])

        body = models.AnnouncementRequest(
            reference="HX-DN-20260302-01", school="CG01", expected_on=DAY, product="猪肉（前腿）",
            category=models.Category.MEAT, quantity="20", unit="kg", supplier_lot="HX260302-2",
            production_date=DAY, use_by_date=DAY + timedelta(days=3), invoice_number="FP20260302001",
            gtin="6901234567892",
        )  # fmt: skip
        announced = announce.sync_detailed(client=supplier, body=body, idempotency_key="dn-01")
        assert announced.status_code == 201, announced.content
        assert isinstance(announced.parsed, models.DeliveryChanged)
        delivery = announced.parsed.announcement_id
        assert announced.parsed.status == "announced" and announced.parsed.position > 0
        retried = announce.sync_detailed(client=supplier, body=body, idempotency_key="dn-01")
        assert (retried.status_code, retried.parsed.announcement_id) == (201, delivery), "a retry replays the first"

        report = pdf_report()
        form = models.BodyAttachDeliveryCertificate(
            kind=models.CertificateKind.QUALITY_INSPECTION_REPORT, number="QJ-0301", issuer="县食品检验检测中心",
            issue_date=DAY - timedelta(days=1),
            file=types.File(payload=BytesIO(report), file_name="report.pdf", mime_type="application/pdf"),
        )  # fmt: skip
        attached = attach.sync(announcement_id=UUID(delivery), client=supplier, body=form)
        assert isinstance(attached, models.DeliveryCertificateAttached)
        assert (attached.certificates, attached.document) == (1, hashlib.sha256(report).hexdigest())

        found = read.sync(announcement_id=UUID(delivery), client=supplier)
        assert isinstance(found, models.AnnouncementOut)
        assert (found.reference, found.status, found.certificates) == (
            "HX-DN-20260302-01", "announced", ["quality_inspection_report"],
        )  # fmt: skip

        arrived = models.ReceiveAnnouncedRequest(place="冷冻库（红）", co_signers=[LI], sensory_ok=True)
        received = receive.sync(announcement_id=UUID(delivery), client=storekeeper, body=arrived)
        assert isinstance(received, models.DeliveryReceived) and received.announcement_id == delivery
        printed = label.sync(code=received.code, client=supplier, format_=models.LabelFormat.PNG)
        assert isinstance(printed, types.File)
        assert printed.payload.read().startswith(b"\x89PNG\r\n\x1a\n")
        assert read.sync(announcement_id=UUID(delivery), client=supplier).batch_code == received.code
    finally:
        for name in [n for n in sys.modules if n.split(".")[0] == "foodtrace_client"]:
            del sys.modules[name]


def generated_names(package: Path) -> None:
    """Every generated function and model has a short name: the operation's id, the schema's name."""
    functions = sorted(p.stem for p in package.glob("api/*/*.py") if p.stem != "__init__")
    models = sorted(p.stem for p in package.glob("models/*.py") if p.stem != "__init__")
    assert {"announce_delivery", "trace_backward", "get_batch_label", "attach_delivery_certificate"} <= set(functions)
    assert {"category", "meal", "certificate_kind", "delivery_changed", "announcement_request"} <= set(models)
    long = [name for name in functions + models if "api_v1" in name or re.search(r"_(get|post|delete)(_|$)", name)]
    assert long == [], "a generated name carries its path or method: give the route a short name"
    assert not [name for name in models if name.endswith("_category") or name.endswith("_meal")], "one enum, named"
