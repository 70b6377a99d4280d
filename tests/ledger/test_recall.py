"""召回: one command holds a lot in every school; batches received later are held on receipt; the recall closes
only once every unit is served, returned to the supplier or destroyed before a witness."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.errors import AlreadyExists, RuleViolation, ValidationError
from domain.handoff import Release, WriteOff
from domain.recall import accounting
from domain.recalling import CloseRecall, OpenRecall, open_recalls
from domain.registry import RecordStaffCertificate, RegisterStaff
from domain.values import Principal
from tests.county import ADMIN, DAY, LI, WANG, XH_STOREKEEPER, County, at

LOGISTICS = Principal("county-logistics", "logistics")
XH = Principal(XH_STOREKEEPER, "storekeeper")
XH_SECOND = "XH01-wu"


def open_pork_recall(county: County, **overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "notice_number": "县市监召〔2026〕3号",
        "reason": "同批次猪肉抽检兽药残留超标",
        "supplier": "SUP-HX",
        "product": "猪肉（前腿）",
        "lot": "HX260301-2",
    }
    fields.update(overrides)
    return county.ledger.execute(OpenRecall(**fields), by=LOGISTICS, at=at(hour=10))  # type: ignore[arg-type]


def second_xh_storekeeper(county: County) -> None:
    """新华 needs two people at intake: 吴 joins 周."""
    when = at(DAY - timedelta(days=30))
    county.ledger.execute(
        RegisterStaff(person_id=XH_SECOND, name="吴芳", school="XH01", roles=["storekeeper"]), by=ADMIN, at=when
    )
    for kind in ("health", "training"):
        certificate = RecordStaffCertificate(
            person_id=XH_SECOND,
            kind=kind,
            number=f"{kind}-{XH_SECOND}",
            valid_from=date(2025, 9, 1),
            valid_until=date(2026, 12, 31),
        )
        county.ledger.execute(certificate, by=ADMIN, at=when)


def receive_at_xinhua(county: County, **overrides: object) -> str:
    second_xh_storekeeper(county)
    return county.receive(school="XH01", by=XH, co_signers=[XH_SECOND], **overrides)


def test_one_command_holds_the_lot_in_every_school_naming_the_recall(county: County) -> None:
    cheng_guan, other_lot = county.receive(), county.receive(supplier_lot="HX260305-1")
    xin_hua = receive_at_xinhua(county)
    result = open_pork_recall(county)
    assert result["held"] == 2 and result["schools"] == ["CG01", "XH01"]
    for code in (cheng_guan, xin_hua):
        batch = county.ledger.batch(code)
        assert batch.on_hold and batch.recalls == [result["recall_id"]]
        assert "县市监召〔2026〕3号" in batch.hold_reason
        assert county.ledger.history(code)[-1].what == "PutOnHold"
    assert not county.ledger.batch(other_lot).on_hold


def test_a_production_date_range_recalls_every_lot_made_in_it(county: County) -> None:
    inside = county.receive(supplier_lot="HX260301-2")
    outside = county.receive(supplier_lot="HX260220-1", production_date=DAY - timedelta(days=10))
    span = {"lot": None, "produced_from": DAY - timedelta(days=3), "produced_to": DAY - timedelta(days=1)}
    open_pork_recall(county, **span)
    assert county.ledger.batch(inside).on_hold and not county.ledger.batch(outside).on_hold


def test_a_recall_names_a_lot_or_a_range_and_its_notice_once(county: County) -> None:
    with pytest.raises(ValidationError, match="either the lot or a production-date range"):
        open_pork_recall(county, lot=None)
    open_pork_recall(county)
    with pytest.raises(AlreadyExists, match="already open"):
        open_pork_recall(county)


def test_a_batch_of_the_lot_received_later_is_held_on_receipt(county: County) -> None:
    recall = open_pork_recall(county)
    later = county.receive(at=at(hour=11))
    batch = county.ledger.batch(later)
    assert batch.on_hold and batch.recalls == [recall["recall_id"]]
    assert [e.what for e in county.ledger.history(later)][-1] == "PutOnHold"


def test_a_recalled_batch_is_never_released(county: County) -> None:
    code = county.receive()
    open_pork_recall(county)
    with pytest.raises(RuleViolation, match="recalled"):
        county.ledger.execute(Release(code=code, reason="误封"), by=WANG, at=at(hour=11))


def test_close_refused_while_stock_is_held_and_accepted_once_every_unit_is_accounted(county: County) -> None:
    code = county.ready_to_issue()
    county.issue(code, "5")  # served at lunch before the recall
    xin_hua = receive_at_xinhua(county)
    recall = open_pork_recall(county)
    close = CloseRecall(recall=str(recall["recall_id"]), note="全部处置完毕")
    with pytest.raises(RuleViolation, match="2 batches still hold stock") as refused:
        county.ledger.execute(close, by=LOGISTICS, at=at(hour=12))
    assert "不能结案" in refused.value.zh
    back = WriteOff(code=code, reason="召回退货", witness=LI, disposal="returned_to_supplier", quantity="10")
    county.ledger.execute(back, by=WANG, at=at(hour=11))
    county.ledger.execute(WriteOff(code=code, reason="召回销毁", witness=LI), by=WANG, at=at(hour=11))
    with pytest.raises(RuleViolation, match="1 batches still hold stock"):
        county.ledger.execute(close, by=LOGISTICS, at=at(hour=12))
    county.ledger.execute(WriteOff(code=xin_hua, reason="召回销毁", witness=XH_SECOND), by=XH, at=at(hour=11))
    assert county.ledger.execute(close, by=LOGISTICS, at=at(hour=12))["open"] is False
    assert open_recalls(county.ledger) == []
    counted = accounting(county.ledger.batch(code))
    assert (counted.served, counted.returned, counted.destroyed, counted.held) == (
        Decimal("5"),
        Decimal("10"),
        Decimal("5"),
        Decimal("0"),
    )
    assert not county.ledger.batch(county.receive(at=at(hour=13))).on_hold  # a closed recall holds nothing new


def test_a_closed_recall_cannot_close_again(county: County) -> None:
    recall = open_pork_recall(county)  # nothing of the lot was received: nothing outstanding
    close = CloseRecall(recall=str(recall["recall_id"]))
    county.ledger.execute(close, by=LOGISTICS, at=at(hour=12))
    with pytest.raises(RuleViolation, match="is closed"):
        county.ledger.execute(close, by=LOGISTICS, at=at(hour=13))
