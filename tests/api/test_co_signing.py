"""签字背书 over HTTP: the co-signer signs an intake with their own PIN on the receiver's phone, or later with their
own session; a wrong PIN records nothing; a supplier withdraws its own announced delivery."""

from __future__ import annotations

from datetime import timedelta

from tests.api.conftest import LI_PIN, Api
from tests.api.test_days import GREENS as INTAKE
from tests.county import DAY, LI, XH_STOREKEEPER, ZHANG


def head(api: Api) -> int:
    return api.ledger.recorder.max_notification_id() or 0


def test_a_wrong_co_signer_pin_records_nothing_and_says_so(api: Api) -> None:
    before = head(api)
    wrong = api.post("storekeeper", "/api/v1/batches", {**INTAKE, "co_signer_pin": "9999"}, key="in-1")
    assert wrong.status_code == 422, wrong.text
    problem = wrong.json()
    assert (problem["code"], problem["field"]) == ("wrong_pin", "co_signer_pin")
    assert LI in problem["zh"] and "未入库" in problem["zh"] and "nothing was received" in problem["en"]
    assert head(api) == before
    # Re-signed with the right PIN under the same key: recorded once, complete.
    right = api.post("storekeeper", "/api/v1/batches", {**INTAKE, "co_signer_pin": LI_PIN}, key="in-1")
    assert right.status_code == 201 and right.json()["status"] == "received", right.text
    card = api.get("storekeeper", f"/api/v1/batches/{right.json()['code']}").json()
    assert card["awaiting_co_signers"] == [] and "co_sign" not in card["actions"]


def test_a_pin_signs_for_the_first_co_signer_of_the_school_only(api: Api) -> None:
    before = head(api)
    elsewhere = {**INTAKE, "co_signers": [XH_STOREKEEPER], "co_signer_pin": "1234"}
    assert api.post("storekeeper", "/api/v1/batches", elsewhere).status_code == 404  # as if unknown, no PIN tried
    assert head(api) == before
    two = api.post("storekeeper", "/api/v1/batches", {**INTAKE, "co_signers": [LI, ZHANG], "co_signer_pin": LI_PIN})
    assert two.status_code == 201, two.text
    assert api.get("storekeeper", f"/api/v1/batches/{two.json()['code']}").json()["awaiting_co_signers"] == [ZHANG]


def test_an_unsigned_intake_waits_for_its_co_signer_and_no_one_else(api: Api) -> None:
    received = api.post("storekeeper", "/api/v1/batches", INTAKE)
    assert received.status_code == 201 and received.json()["status"] == "awaiting_co_signer", received.text
    code = received.json()["code"]
    card = api.get("kitchen", f"/api/v1/batches/{code}").json()
    assert card["awaiting_co_signers"] == [LI] and "co_sign" not in card["actions"]  # 张 is not the co-signer
    offered = api.post(
        "storekeeper",
        f"/api/v1/batches/{code}/issues",
        {"quantity": "5", "unit": "kg", "meal_date": str(DAY), "meal": "lunch", "taken_by": ZHANG},
    )
    assert offered.status_code == 422 and "awaiting_co_signer" in offered.json()["details"]["reasons"]
    assert api.post("kitchen", f"/api/v1/batches/{code}/co-sign").status_code == 422
    assert api.post("other_school", f"/api/v1/batches/{code}/co-sign").status_code == 404
    assert api.post("co_signer", f"/api/v1/batches/{code}/co-sign").json()["status"] == "received"
    assert api.get("co_signer", f"/api/v1/batches/{code}").json()["awaiting_co_signers"] == []


def test_a_supplier_withdraws_its_own_announced_delivery(api: Api) -> None:
    announced = api.post(
        "supplier",
        "/api/v1/deliveries",
        {
            "reference": "HX-DN-0302-09", "school": "CG01", "product": "猪肉（前腿）", "category": "meat",
            "quantity": "10", "unit": "kg", "supplier_lot": "HX260301-9", "production_date": str(DAY - timedelta(1)),
            "use_by_date": str(DAY + timedelta(days=3)), "invoice_number": "FP-09", "expected_on": str(DAY),
        },
    )  # fmt: skip
    delivery = announced.json()["announcement_id"]
    path = f"/api/v1/deliveries/{delivery}/withdraw"
    assert api.post("other_supplier", path, {"reason": "发错"}).status_code == 404
    withdrawn = api.post("supplier", path, {"reason": "车辆故障，改日送货"}, key="wd-1")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn", withdrawn.text
    assert api.get("storekeeper", f"/api/v1/deliveries/{delivery}").json()["status"] == "withdrawn"
    body = {"place": "冷冻库（红）", "co_signers": [LI], "sensory_ok": True}
    assert api.post("storekeeper", f"/api/v1/deliveries/{delivery}/receive", body).status_code == 422
