# ruff: noqa: F811  (tests take the imported `api` fixture as an argument)
"""Evidence is never lost or silently replaced: racing uploads, a file changed on disk, the sweep and the check."""

from __future__ import annotations

import hashlib
import logging
import os
import shlex
import time
from pathlib import Path

import httpx
import pytest

from api.cli import main as foodtrace
from api.documents import DocumentStore, inspect_upload
from tests.api.conftest import Api, api  # noqa: F401  (the fixture: the real app over a real store)
from tests.api.files import pdf_report
from tests.county import DAY
from tests.faults.live import all_at_once, serving, statuses

CERTIFICATE = {"kind": "quality_inspection_report", "issuer": "县检测中心", "issue_date": str(DAY)}


def attach(http: httpx.Client, code: str, number: str, content: bytes) -> httpx.Response:
    return http.post(
        f"/api/v1/batches/{code}/certificates",
        data={**CERTIFICATE, "number": number},
        files={"file": ("report.pdf", content, "application/pdf")},
    )


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def test_double_submitted_upload_keeps_the_evidence(api: Api) -> None:
    # Given a batch, and a phone that sends each upload twice at once (a double tap, no Idempotency-Key)
    code = api.county.receive()
    with serving(api.client.app) as base, httpx.Client(base_url=base, headers=api.headers("supplier")) as http:
        for run in range(30):
            content = pdf_report(f"Quality inspection report QJ-{run}")
            answers = all_at_once(2, lambda _: attach(http, code, f"QJ-{run}", content))  # noqa: B023
            # Then one is recorded, the other refused, and the recorded document is served every time
            assert statuses(answers) == [201, 409], [a.text for a in answers]
            served = http.get(f"/api/v1/batches/{code}/documents/{sha256(content)}")
            assert served.status_code == 200, f"run {run}: {served.text}"
            assert served.content == content


def test_same_file_to_two_batches_at_once(api: Api) -> None:
    # Given two batches, the second already holding report QJ-7: the same file sent to both at once
    first, second = api.county.receive(), api.county.receive()
    with serving(api.client.app) as base, httpx.Client(base_url=base, headers=api.headers("supplier")) as http:
        assert attach(http, second, "QJ-7", pdf_report("the second batch's own report")).status_code == 201
        for run in range(20):
            content = pdf_report(f"one report for two batches, run {run}")
            targets = [(first, f"QJ-{run}-a"), (second, "QJ-7")]
            answers = all_at_once(2, lambda i: attach(http, targets[i][0], targets[i][1], content))  # noqa: B023
            # Then the refusal on the second batch does not take the file the first one recorded
            assert [a.status_code for a in answers] == [201, 409]
            served = http.get(f"/api/v1/batches/{first}/documents/{sha256(content)}")
            assert served.status_code == 200, f"run {run}: {served.text}"


def test_replaced_document_is_refused_on_serve(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    # Given a recorded certificate whose file was later replaced on disk
    code = api.county.receive()
    content = pdf_report()
    response = api.client.post(
        f"/api/v1/batches/{code}/certificates",
        headers=api.headers("supplier"),
        data={**CERTIFICATE, "number": "QJ-1"},
        files={"file": ("report.pdf", content)},
    )
    assert response.status_code == 201
    (stored,) = api.documents.rglob("*.pdf")
    stored.write_bytes(pdf_report("a forged report"))
    # When an investigator asks for it
    with caplog.at_level(logging.ERROR):
        served = api.get("investigator", f"/api/v1/batches/{code}/documents/{sha256(content)}")
    # Then it is refused, saying why in both languages, and the log says so
    assert served.status_code == 409
    assert served.headers["content-type"] == "application/problem+json"
    assert served.json()["code"] == "document_altered"
    assert "文件已被篡改" in served.json()["zh"] and "does not match its recorded" in served.json()["en"]
    assert any(sha256(content) in record.getMessage() for record in caplog.records)


def uploaded(api: Api, code: str, number: str, content: bytes) -> int:
    response = api.client.post(
        f"/api/v1/batches/{code}/certificates",
        headers=api.headers("supplier"),
        data={**CERTIFICATE, "number": number},
        files={"file": ("report.pdf", content)},
    )
    return response.status_code


def run_cli(database_url: str, documents: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> int:
    """``command`` as typed after ``foodtrace``, e.g. ``"documents sweep --grace 24h"``."""
    monkeypatch.setenv("FOODTRACE_DATABASE_URL", database_url)
    monkeypatch.setenv("FOODTRACE_DOCUMENTS", str(documents))
    return foodtrace(shlex.split(command))


def test_verify_documents_lists_missing_and_altered(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given three recorded certificates
    code = api.county.receive()
    kept, lost, forged = pdf_report("kept"), pdf_report("lost"), pdf_report("forged")
    for number, content in [("QJ-1", kept), ("QJ-2", lost), ("QJ-3", forged)]:
        assert uploaded(api, code, number, content) == 201
    assert run_cli(database_url, api.documents, monkeypatch, "verify --documents") == 0
    assert "3 documents" in capsys.readouterr().out
    # When one file is deleted and another changed
    next(p for p in api.documents.rglob("*.pdf") if p.name.startswith(sha256(lost))).unlink()
    next(p for p in api.documents.rglob("*.pdf") if p.name.startswith(sha256(forged))).write_bytes(kept)
    # Then the check names both, and only them, and fails
    assert run_cli(database_url, api.documents, monkeypatch, "verify --documents") == 1
    out = capsys.readouterr()
    report = out.out + out.err
    assert f"missing  {sha256(lost)}" in report and f"altered  {sha256(forged)}" in report
    assert sha256(kept) not in report.replace(f"altered  {sha256(forged)}", "")


def test_sweep_removes_only_unreferenced_files_after_grace(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a recorded certificate, a refused upload's file, and a leftover temporary file
    code = api.county.receive()
    recorded, refused = pdf_report("recorded"), pdf_report("refused")
    assert uploaded(api, code, "QJ-1", recorded) == 201
    assert uploaded(api, code, "QJ-1", refused) == 409  # same number: refused, its file stays until the sweep
    leftover = api.documents / "ab" / ".upload-crashed"
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(b"half a file")
    files = {p.name for p in api.documents.rglob("*") if p.is_file()}
    assert len(files) == 3
    # When the sweep runs within the grace period, nothing goes
    assert run_cli(database_url, api.documents, monkeypatch, "documents sweep --grace 24h") == 0
    assert {p.name for p in api.documents.rglob("*") if p.is_file()} == files
    # Once the files are older than the grace period, only the unreferenced ones go
    two_days_ago = time.time() - 2 * 86400
    for path in api.documents.rglob("*"):
        if path.is_file():
            os.utime(path, (two_days_ago, two_days_ago))
    assert run_cli(database_url, api.documents, monkeypatch, "documents sweep --grace 24h") == 0
    assert "removed 2" in capsys.readouterr().out
    assert [p.name for p in api.documents.rglob("*") if p.is_file()] == [f"{sha256(recorded)}.pdf"]
    assert api.get("investigator", f"/api/v1/batches/{code}/documents/{sha256(recorded)}").status_code == 200


def test_an_upload_of_an_old_unreferenced_file_is_not_swept_before_it_is_recorded(tmp_path: Path) -> None:
    # Given a refused upload's file, long unreferenced
    content = pdf_report("sent again")
    store = DocumentStore(tmp_path)
    store.put(content, inspect_upload(content))
    (path,) = tmp_path.rglob("*.pdf")
    os.utime(path, (time.time() - 3 * 86400,) * 2)
    # When the same file is uploaded again, it counts as new for the sweep's grace period
    store.put(content, inspect_upload(content))
    assert path.stat().st_mtime > time.time() - 3600
    assert not store.remove_if_untouched_since(path, cutoff=time.time() - 86400)
    assert path.read_bytes() == content


def test_the_demo_county_stores_the_files_its_certificates_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    assert run_cli(database, tmp_path / "documents", monkeypatch, "demo --days 3") == 0
    assert run_cli(database, tmp_path / "documents", monkeypatch, "verify --documents") == 0
    assert "ok: all" in capsys.readouterr().out
