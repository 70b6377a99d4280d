"""A day's work for each kind of user, through the real app."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import BytesIO

import zxingcpp
from PIL import Image

from tests.api.conftest import LI_PIN, Api
from tests.api.files import pdf_report, photo
from tests.county import DAY, LI, ZHANG

ANNOUNCEMENT = {
    "reference": "HX-DN-20260302-01",
    "school": "CG01",
    "product": "猪肉（前腿）",
    "category": "meat",
    "quantity": "20.0",
    "unit": "kg",
    "supplier_lot": "HX260301-2",
    "production_date": str(DAY - timedelta(days=1)),
    "use_by_date": str(DAY + timedelta(days=3)),
    "invoice_number": "FP20260302001",
    "expected_on": str(DAY),
    "gtin": "6901234567892",
}
PORK_CERTIFICATES = [
    ("quality_inspection_report", "QJ-0301", "县食品检验检测中心", "report.pdf", pdf_report()),
    ("animal_quarantine_certificate", "DJ-0301", "县动物卫生监督所", "quarantine.jpg", photo("JPEG", "DJ-0301")),
    ("meat_quality_certificate", "RP-0301", "定点屠宰场品质检验室", "meat.png", photo("PNG", "RP-0301")),
    ("invoice", "FP20260302001", "国家税务总局", "invoice.jpg", photo("JPEG")),
]
# Vegetables that come unannounced: the short form a storekeeper fills in at the door.
GREENS = {
    "supplier": "SUP-LY",
    "product": "青菜",
    "category": "plant",
    "quantity": "25",
    "unit": "kg",
    "supplier_lot": "LY0302",
    "production_date": str(DAY),
    "use_by_date": str(DAY + timedelta(days=2)),
    "invoice_number": "FP0302-LY",
    "place": "蔬菜库（绿）",
    "co_signers": [LI],
    "sensory_ok": True,
}


def announce_with_certificates(api: Api) -> str:
    announced = api.post("supplier", "/api/v1/deliveries", ANNOUNCEMENT, key="dn-01")
    assert announced.status_code == 201, announced.text
    delivery = announced.json()["announcement_id"]
    for kind, number, issuer, name, content in PORK_CERTIFICATES:
        uploaded = api.client.post(
            f"/api/v1/deliveries/{delivery}/certificates",
            headers=api.headers("supplier"),
            data={"kind": kind, "number": number, "issuer": issuer, "issue_date": str(DAY - timedelta(days=1))},
            files={"file": (name, content)},
        )
        assert uploaded.status_code == 201, uploaded.text
        assert uploaded.json()["document"] == hashlib.sha256(content).hexdigest()
    return str(delivery)


def receive(api: Api, delivery: str) -> str:
    """入库验收 with 李 as co-signer, who signs a moment later on her own phone: until then nothing may go."""
    received = api.post(
        "storekeeper",
        f"/api/v1/deliveries/{delivery}/receive",
        {"place": "冷冻库（红）", "co_signers": [LI], "sensory_ok": True, "sensory_notes": "色泽正常"},
    )
    assert received.status_code == 201, received.text
    assert received.json()["status"] == "awaiting_co_signer"
    code = str(received.json()["code"])
    card = api.get("co_signer", f"/api/v1/batches/{code}").json()
    assert card["awaiting_co_signers"] == [LI] and "co_sign" in card["actions"] and "issue" not in card["actions"]
    # first of the reasons (a delivery that came without its certificates names those too)
    assert card["refusals_en"]["issue"].startswith(f"the intake awaits the signature of {LI}")
    signed = api.post("co_signer", f"/api/v1/batches/{code}/co-sign", key=f"co-sign-{code}")
    assert signed.status_code == 200 and signed.json()["status"] == "received", signed.text
    return code


def test_a_suppliers_day(api: Api) -> None:
    # Announce the morning's delivery; a retry over a bad network records it once.
    delivery = announce_with_certificates(api)
    again = api.post("supplier", "/api/v1/deliveries", ANNOUNCEMENT, key="dn-01")
    assert again.json()["announcement_id"] == delivery

    mine = api.get("supplier", "/api/v1/deliveries").json()["items"]
    assert [(d["reference"], d["status"], len(d["certificates"])) for d in mine] == [
        ("HX-DN-20260302-01", "announced", 4)
    ]

    code = receive(api, delivery)
    status = api.get("supplier", f"/api/v1/deliveries/{delivery}").json()
    assert (status["status"], status["batch_code"]) == ("received", code)
    card = api.get("supplier", f"/api/v1/batches/{code}").json()
    assert card["missing_certificates"] == [] and len(card["certificates"]) == 4

    # Other suppliers' deliveries and batches do not exist for this supplier.
    assert api.get("other_supplier", f"/api/v1/deliveries/{delivery}").status_code == 404
    assert api.get("other_supplier", f"/api/v1/batches/{code}").status_code == 404
    assert api.get("other_supplier", "/api/v1/deliveries").json()["items"] == []


def test_a_storekeepers_day(api: Api) -> None:
    # 07:30 the announced pork arrives: scan, check, confirm with a co-signer.
    delivery = announce_with_certificates(api)
    waiting = api.get("storekeeper", "/api/v1/deliveries").json()["items"]
    assert [d["announcement_id"] for d in waiting] == [delivery]
    pork = receive(api, delivery)

    # Print the label, scan it back: the card offers issue, since every certificate came with the delivery.
    label = api.get("storekeeper", f"/api/v1/batches/{pork}/label", params={"size": "40x30", "dpi": 203})
    assert label.headers["content-type"] == "image/png", label.text
    payload = zxingcpp.read_barcodes(Image.open(BytesIO(label.content)))[0].text
    card = api.get("storekeeper", "/api/v1/scan", params={"payload": "]Q1" + payload}).json()
    assert card["code"] == pork and card["colour"] == "red"
    assert {"issue", "inspect", "move", "hold", "write_off"} <= set(card["actions"])

    # A sheet of labels for the office printer: one A4 page, both codes readable.
    sheet = api.get("storekeeper", "/api/v1/labels/sheet", params={"code": [pork, pork.lower()]})
    assert sheet.headers["content-type"] == "application/pdf" and sheet.content.startswith(b"%PDF")
    assert api.get("other_school", "/api/v1/labels/sheet", params={"code": [pork]}).status_code == 404

    # 07:50 vegetables come unannounced: a short form, then the invoice photo.
    greens = api.post("storekeeper", "/api/v1/batches", {**GREENS, "co_signer_pin": LI_PIN}).json()["code"]
    card = api.get("storekeeper", f"/api/v1/batches/{greens}").json()
    assert "issue" not in card["actions"] and "缺少" in card["refusals"]["issue"]
    assert card["refusals_en"]["issue"] == "missing invoice, quality inspection report"
    for kind, name, content in [("invoice", "fp.jpg", photo()), ("quality_inspection_report", "qj.pdf", pdf_report())]:
        attached = api.client.post(
            f"/api/v1/batches/{greens}/certificates",
            headers=api.headers("storekeeper"),
            data={"kind": kind, "number": f"{kind}-LY", "issuer": "绿源", "issue_date": str(DAY)},
            files={"file": (name, content)},
        )
        assert attached.status_code == 201, attached.text

    # 10:00 issue: inspection, then the kitchen lead signs with their PIN on this phone.
    assert (
        api.post("storekeeper", f"/api/v1/batches/{pork}/inspections", {"stage": "issue", "passed": True}).status_code
        == 200
    )
    issued = api.post(
        "storekeeper",
        f"/api/v1/batches/{pork}/issues",
        {
            "quantity": "12.5",
            "unit": "kg",
            "meal_date": str(DAY),
            "meal": "lunch",
            "taken_by": ZHANG,
            "taker_pin": "2468",
        },
        key="issue-pork-1",
    )
    assert issued.status_code == 201, issued.text
    assert (issued.json()["status"], issued.json()["on_hand"]) == ("issued", "7.5")
    wrong = api.post(
        "storekeeper",
        f"/api/v1/batches/{greens}/issues",
        {"quantity": "5", "unit": "kg", "meal_date": str(DAY), "meal": "lunch", "taken_by": ZHANG, "taker_pin": "1111"},
    )
    assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_pin"

    # A recall notice for the greens: hold; the refusal speaks plainly.
    assert api.post("storekeeper", f"/api/v1/batches/{greens}/holds", {"reason": "供应商召回通知"}).status_code == 200
    refused = api.post(
        "storekeeper",
        f"/api/v1/batches/{greens}/issues",
        {"quantity": "5", "unit": "kg", "meal_date": str(DAY), "meal": "lunch", "taken_by": ZHANG, "taker_pin": "2468"},
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "rule_violation" and "封存" in refused.json()["zh"]

    # 12:10 samples for lunch, then a write-off of the greens with a witness.
    sample = api.post(
        "storekeeper",
        "/api/v1/samples",
        {
            "meal_date": str(DAY),
            "meal": "lunch",
            "dish": "红烧肉",
            "grams": 130,
            "fridge": "留样柜1",
            "batch_codes": [pork],
        },
    )
    assert sample.status_code == 201, sample.text
    short = api.post(
        "storekeeper",
        "/api/v1/samples",
        {"meal_date": str(DAY), "meal": "lunch", "dish": "清炒青菜", "grams": 100, "fridge": "留样柜1"},
    )
    assert short.status_code == 422 and "125" in short.json()["zh"]
    written_off = api.post("storekeeper", f"/api/v1/batches/{greens}/write-offs", {"reason": "召回销毁", "witness": LI})
    assert written_off.json()["on_hand"] == "0"


def test_a_kitchen_leads_day(api: Api) -> None:
    pork = receive(api, announce_with_certificates(api))
    offered = api.post(
        "storekeeper",
        f"/api/v1/batches/{pork}/issues",
        {"quantity": "8", "unit": "kg", "meal_date": str(DAY), "meal": "lunch", "taken_by": ZHANG},
    )
    assert offered.json()["status"] == "awaiting_taker"

    # The kitchen lead sees what waits for them without scanning, then the card, and confirms with their own token.
    api.catch_up()
    waiting = api.get("kitchen", "/api/v1/handoffs").json()["items"]
    assert [(h["code"], h["quantity"], h["meal"]) for h in waiting] == [(pork, "8", "lunch")]
    card = api.get("kitchen", f"/api/v1/batches/{pork}").json()
    assert card["actions"] == ["confirm_issue"]
    pending = card["pending_issues"][0]
    assert (pending["quantity"], pending["taken_by"], pending["given_by_name"]) == ("8", ZHANG, "王建国")
    confirmed = api.post("kitchen", f"/api/v1/batches/{pork}/issues/{offered.json()['offer']}/confirm")
    assert confirmed.status_code == 200, confirmed.text
    assert (confirmed.json()["status"], confirmed.json()["on_hand"]) == ("issued", "12.0")
    api.catch_up()
    assert api.get("kitchen", "/api/v1/handoffs").json()["items"] == []

    # Only the storekeeper issues; the kitchen records its samples.
    assert api.post("kitchen", f"/api/v1/batches/{pork}/issues", {}).status_code == 403
    sample = api.post(
        "kitchen",
        "/api/v1/samples",
        {
            "meal_date": str(DAY),
            "meal": "lunch",
            "dish": "红烧肉",
            "grams": 125,
            "fridge": "留样柜1",
            "batch_codes": [pork],
        },
    )
    assert sample.status_code == 201
    assert api.get("kitchen", f"/api/v1/samples/{sample.json()['sample_id']}").json()["grams"] == 125
    label = api.get("kitchen", f"/api/v1/samples/{sample.json()['sample_id']}/label", params={"format": "pdf"})
    assert label.content.startswith(b"%PDF")


def test_an_investigators_day(api: Api) -> None:
    pork = receive(api, announce_with_certificates(api))
    api.set_clock(10, 5)
    api.post(
        "storekeeper",
        f"/api/v1/batches/{pork}/issues",
        {
            "quantity": "12",
            "unit": "kg",
            "meal_date": str(DAY),
            "meal": "lunch",
            "taken_by": ZHANG,
            "taker_pin": "2468",
        },
    )

    history = api.get("investigator", f"/api/v1/batches/{pork}/history", params={"limit": 3}).json()
    assert [e["what"] for e in history["items"]] == ["Received", "CoSignersAwaited", "CertificateAttached"]
    rest = api.get("investigator", f"/api/v1/batches/{pork}/history", params={"cursor": history["next_cursor"]}).json()
    signed = next(e for e in rest["items"] if e["what"] == "CoSigned")  # 李, with her own session
    assert (signed["details"]["person_id"], signed["by"]["person_id"], signed["what_zh"]) == (LI, LI, "共同验收人签字")
    assert rest["items"][-1]["what"] == "IssuedToKitchen" and rest["next_cursor"] is None
    assert rest["items"][-1]["details"]["taken_by"] == ZHANG
    assert history["items"][0]["by"] == {"person_id": "CG01-wang", "role": "storekeeper", "name": "王建国"}

    as_of = f"/api/v1/batches/{pork}/as-of"
    assert api.get("investigator", as_of, params={"at": "2026-03-02T08:59:00+08:00"}).json()["exists"] is False
    morning = api.get("investigator", as_of, params={"at": "2026-03-02T10:00:00+08:00"}).json()
    assert morning["exists"] is True and morning["on_hand"] == "20.0" and len(morning["certificates"]) == 4
    noon = api.get("investigator", as_of, params={"at": "2026-03-02T12:00:00+08:00"}).json()
    assert noon["on_hand"] == "8.0"

    card = api.get("investigator", f"/api/v1/batches/{pork}").json()
    assert card["actions"] == []
    report = next(c for c in card["certificates"] if c["kind"] == "quality_inspection_report")
    document = api.get("investigator", report["document_url"])
    assert document.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(document.content).hexdigest() == report["sha256"]

    assert api.get("investigator", f"/api/v1/staff/{ZHANG}").json()["fit_today"] is True
    assert api.post("investigator", f"/api/v1/batches/{pork}/holds", {"reason": "调查"}).status_code == 403
