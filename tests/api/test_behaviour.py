"""How the API behaves at its edges: bad uploads, errors, retries, races and logs."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest

from api.documents import MAX_BYTES
from tests.api.conftest import Api
from tests.api.files import pdf_report, photo
from tests.county import DAY, ZHANG

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def received_pork(api: Api) -> str:
    code: str = api.county.receive()
    return code


def upload(api: Api, code: str, name: str, content: bytes, who: str = "supplier"):  # type: ignore[no-untyped-def]
    return api.client.post(
        f"/api/v1/batches/{code}/certificates",
        headers=api.headers(who),
        data={"kind": "quality_inspection_report", "number": "QJ-1", "issuer": "县检测中心", "issue_date": str(DAY)},
        files={"file": (name, content)},
    )


@pytest.mark.parametrize(
    ("name", "content", "status", "says"),
    [
        ("report.pdf", b"", 422, "empty"),
        ("report.pdf", ELF, 422, "only PDF, JPEG or PNG"),
        ("report.pdf", WINDOWS_EXE, 422, "only PDF, JPEG or PNG"),
        ("report.pdf", pdf_report()[:-300], 422, "incomplete"),
        ("invoice.jpg", photo("JPEG")[:-200], 422, "damaged or incomplete"),
        ("invoice.png", photo("PNG")[:60], 422, "damaged or incomplete"),
        ("huge.pdf", b"%PDF-1.4\n" + b"0" * MAX_BYTES + b"\nstartxref\n0\n%%EOF\n", 413, "larger than"),
    ],
)
def test_bad_uploads_are_refused_and_leave_no_trace(
    api: Api, name: str, content: bytes, status: int, says: str
) -> None:
    code = received_pork(api)
    events = api.ledger.recorder.max_notification_id()
    response = upload(api, code, name, content)
    assert response.status_code == status, response.text
    assert says in response.json()["en"] and response.json()["field"] == "file"
    assert api.ledger.recorder.max_notification_id() == events
    assert not api.documents.exists() or not any(p.is_file() for p in api.documents.rglob("*"))


def test_an_upload_the_ledger_refuses_records_nothing_and_keeps_the_recorded_file(api: Api) -> None:
    code = received_pork(api)
    report = pdf_report()
    first = upload(api, code, "report.pdf", report)
    assert first.status_code == 201
    events = api.ledger.recorder.max_notification_id()
    duplicate = upload(api, code, "other.pdf", pdf_report("another report"))  # same kind and number: refused
    assert duplicate.status_code == 409
    assert api.ledger.recorder.max_notification_id() == events
    # its own file waits for `foodtrace documents sweep` (tests/faults/test_documents.py); the recorded one stays
    document = api.get("investigator", f"/api/v1/batches/{code}/documents/{first.json()['document']}")
    assert document.status_code == 200 and document.content == report


def test_no_answer_is_sniffed_into_something_else_certificates_answers_and_errors_alike(api: Api) -> None:
    code = received_pork(api)
    stored = upload(api, code, "report.pdf", pdf_report())
    answers = [
        stored,
        api.get("investigator", f"/api/v1/batches/{code}/documents/{stored.json()['document']}"),
        api.get("storekeeper", f"/api/v1/batches/{code}"),
        api.get("storekeeper", "/api/v1/batches/7KQ2-M9XH5"),  # an error
        api.client.get("/app/static/app.js"),  # the pages and their files, from the same one place
        api.client.get("/app"),
    ]
    assert [a.headers.get("x-content-type-options") for a in answers] == ["nosniff"] * 6


def test_a_supplier_cannot_attach_to_another_suppliers_batch(api: Api) -> None:
    code = received_pork(api)
    assert upload(api, code, "report.pdf", pdf_report(), who="other_supplier").status_code == 404


def test_errors_are_problem_json_with_a_code_and_both_languages(api: Api) -> None:
    response = api.get("storekeeper", "/api/v1/batches/7KQ2-M9XH5")  # wrong check character
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "invalid_input" and body["field"] == "code"
    assert "check character" in body["en"] and "批次码" in body["zh"]
    assert body["status"] == 422 and body["type"].endswith("/invalid_input")


def test_validation_errors_name_the_field(api: Api) -> None:
    code = received_pork(api)
    body = {"quantity": "-1", "unit": "kg", "meal_date": str(DAY), "meal": "lunch", "taken_by": ZHANG}
    response = api.post("storekeeper", f"/api/v1/batches/{code}/issues", body)
    assert response.status_code == 422 and response.json()["field"] == "quantity"
    response = api.post("storekeeper", f"/api/v1/batches/{code}/issues", {**body, "quantity": "1", "meal": "supper"})
    assert response.json()["field"] == "meal"


def test_a_rule_refusal_is_422_never_500(api: Api) -> None:
    code = received_pork(api)  # no certificates yet
    body = {"quantity": "1", "unit": "kg", "meal_date": str(DAY), "meal": "lunch", "taken_by": ZHANG}
    response = api.post("storekeeper", f"/api/v1/batches/{code}/issues", body)
    assert response.status_code == 422 and response.json()["code"] == "rule_violation"
    assert "缺少" in response.json()["zh"] and response.json()["details"]["missing"]


def test_a_retried_post_returns_the_first_response_and_records_nothing(api: Api) -> None:
    code = received_pork(api)
    api.county.certify(code)
    body = {"quantity": "5", "unit": "kg", "meal_date": str(DAY), "meal": "lunch", "taken_by": ZHANG}
    first = api.post("storekeeper", f"/api/v1/batches/{code}/issues", body, key="phone-7-issue-1")
    events = api.ledger.recorder.max_notification_id()
    again = api.post("storekeeper", f"/api/v1/batches/{code}/issues", body, key="phone-7-issue-1")
    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    assert api.ledger.recorder.max_notification_id() == events
    reused = api.post("storekeeper", f"/api/v1/batches/{code}/holds", {"reason": "x"}, key="phone-7-issue-1")
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"


def test_two_storekeepers_racing_for_the_last_stock_one_gets_409_with_what_changed(api: Api) -> None:
    code = received_pork(api)
    api.county.certify(code)
    ready = threading.Barrier(2)
    original_save = api.ledger.save

    def save_together(*args: object, **kwargs: object) -> object:
        ready.wait(timeout=10)  # both have read and checked the batch before either writes
        return original_save(*args, **kwargs)  # type: ignore[arg-type]

    api.ledger.save = save_together  # type: ignore[method-assign]
    responses = []
    body = {"quantity": "20", "unit": "kg", "meal_date": str(DAY), "meal": "lunch", "taken_by": ZHANG}

    def issue(who: str) -> None:
        responses.append(api.post(who, f"/api/v1/batches/{code}/issues", body))

    threads = [threading.Thread(target=issue, args=(who,)) for who in ("storekeeper", "co_signer")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    api.ledger.save = original_save  # type: ignore[method-assign]
    assert sorted(r.status_code for r in responses) == [201, 409]
    conflict = next(r for r in responses if r.status_code == 409).json()
    assert conflict["code"] == "conflict"
    assert [c["what"] for c in conflict["details"]["changed"]] == ["IssueOffered"]
    assert api.ledger.batch(code).reserved == 20


def test_request_logs_carry_a_request_id_and_never_a_token(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    code = received_pork(api)
    with caplog.at_level(logging.INFO, logger="foodtrace.requests"):
        response = api.client.get(
            f"/api/v1/batches/{code}", headers={**api.headers("storekeeper"), "X-Request-ID": "scan-42"}
        )
        upload(api, code, "report.pdf", pdf_report("SECRET-REPORT-TEXT"))
    assert response.headers["X-Request-ID"] == "scan-42"
    lines = [r.getMessage() for r in caplog.records]
    assert any("request_id=scan-42" in line and "CG01-wang/storekeeper" in line for line in lines)
    for token in api.tokens.values():
        assert not any(token in line for line in lines)
    assert not any("SECRET-REPORT-TEXT" in line for line in lines)


def test_lists_are_paged(api: Api) -> None:
    for n in range(3):
        api.post(
            "supplier",
            "/api/v1/deliveries",
            {
                "reference": f"DN-{n}",
                "school": "CG01",
                "product": "青菜",
                "category": "plant",
                "quantity": "10",
                "unit": "kg",
                "supplier_lot": f"L{n}",
                "production_date": str(DAY),
                "use_by_date": str(DAY + timedelta(days=2)),
                "invoice_number": f"FP-{n}",
                "expected_on": str(DAY),
            },
        )
    first = api.get("supplier", "/api/v1/deliveries", params={"limit": 2}).json()
    assert [d["reference"] for d in first["items"]] == ["DN-0", "DN-1"] and first["next_cursor"]
    rest = api.get("supplier", "/api/v1/deliveries", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [d["reference"] for d in rest["items"]] == ["DN-2"] and rest["next_cursor"] is None
