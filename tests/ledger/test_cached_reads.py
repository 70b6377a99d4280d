"""Commands decide on cached records, yet always on the records as they stand when their events are written.

The Ledger keeps school, supplier and staff in the library's aggregate cache; an intake reads them without a query,
and its save checks, in the same transaction, that none has a newer event (api/checked_writes.py). Changes made
through another Ledger — another process, another server worker — are seen by the next command all the same.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from api.settings import eventsourcing_env
from domain.errors import RuleViolation
from domain.handoff import Move
from domain.idempotency import IdempotencyRecord
from domain.ledger import Ledger, ReadsChanged
from domain.recalling import OpenRecall
from domain.registry import ReinstateStaff, SuspendStaff, SuspendSupplier
from domain.values import Principal
from tests.county import ADMIN, DAY, LI, WANG, County, at

ROOT = Path(__file__).resolve().parents[2]

IN_ANOTHER_PROCESS = textwrap.dedent(
    """
    import sys
    from api.settings import eventsourcing_env
    from domain.ledger import Ledger
    from domain.registry import {command}
    from tests.county import ADMIN, at

    ledger = Ledger(env=eventsourcing_env(sys.argv[1]))
    ledger.execute({command}(person_id=sys.argv[2], reason="健康原因"), by=ADMIN, at=at(hour=7))
    ledger.close()
    """
)


def in_another_process(url: str, command: type[Any], person_id: str) -> None:
    """Run ``command`` on ``person_id`` in a Python process of its own, with its own Ledger; wait until it is done."""
    script = IN_ANOTHER_PROCESS.format(command=command.__name__)
    subprocess.run([sys.executable, "-c", script, url, person_id], cwd=ROOT, check=True, timeout=300)


def refusal_codes(error: RuleViolation) -> list[str]:
    codes: list[str] = error.details.get("reasons", [])
    return codes


@pytest.mark.postgres
def test_a_signer_suspended_in_another_process_a_moment_ago_is_refused(postgres_url: str) -> None:
    from tests.conftest import empty_postgres

    empty_postgres(postgres_url)
    ledger = Ledger(env=eventsourcing_env(postgres_url))
    county = County.set_up(ledger)
    county.receive()  # 李 co-signs: her record is now in this ledger's cache
    assert ledger.decides_on_cache

    in_another_process(postgres_url, SuspendStaff, LI)
    with pytest.raises(RuleViolation) as refused:
        county.receive(supplier_lot="HX260301-3")
    assert LI in refused.value.zh
    assert "suspended" in refusal_codes(refused.value)

    in_another_process(postgres_url, ReinstateStaff, LI)  # and back: refused no longer
    assert county.receive(supplier_lot="HX260301-4")
    ledger.close()


def recall_of_the_pork(notice: str) -> OpenRecall:
    """The county recalls the pork lot County.receive delivers."""
    return OpenRecall(
        notice_number=notice,
        reason="同批次猪肉抽检兽药残留超标",
        supplier="SUP-HX",
        product="猪肉（前腿）",
        lot="HX260301-2",
    )


class SavesAfterMeanwhile(Ledger):
    """A ledger whose first save of a command that writes ``kind`` waits until ``meanwhile`` has run: another
    ledger's write lands after the command was decided, just before its save."""

    name = "Ledger"

    def __init__(self, env: dict[str, str], kind: str, meanwhile: Callable[[], object]) -> None:
        super().__init__(env=env)
        self.kind, self.meanwhile = kind, meanwhile
        self.ran = False

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        if not self.ran and any(type(o).__name__ == self.kind for o in objs):
            self.ran = True
            self.meanwhile()
        return super().save(*objs, **kwargs)


def test_a_suspension_written_between_the_decision_and_the_save_refuses_the_intake(database_url: str) -> None:
    """The check is part of the write: a change that lands after the records were read still counts."""
    env = eventsourcing_env(database_url)
    other = Ledger(env=env)
    County.set_up(other)
    suspend = SuspendStaff(person_id=LI, reason="腹泻，调岗停岗")
    ledger = SavesAfterMeanwhile(env, "IngredientBatch", lambda: other.execute(suspend, by=ADMIN, at=at(hour=7)))
    county = County(ledger)
    ledger.staff(LI)  # cached as she was: fit
    with pytest.raises(RuleViolation) as refused:
        county.receive()
    assert "suspended" in refusal_codes(refused.value)
    assert ledger.recorder.max_notification_id() == other.recorder.max_notification_id()  # no batch recorded
    other.close()
    ledger.close()


def test_a_refusal_on_a_cached_record_is_checked_against_the_log(database_url: str) -> None:
    """李 suspended in this ledger's cache, reinstated through another ledger: the intake is accepted."""
    env = eventsourcing_env(database_url)
    ledger, other = Ledger(env=env), Ledger(env=env)
    county = County.set_up(ledger)
    ledger.execute(SuspendStaff(person_id=LI, reason="腹泻，调岗停岗"), by=ADMIN, at=at(DAY, hour=6))
    ledger.staff(LI)
    other.execute(ReinstateStaff(person_id=LI, reason="已康复"), by=ADMIN, at=at(DAY, hour=7))
    assert county.receive()
    other.close()
    ledger.close()


def test_a_recall_opened_through_another_ledger_holds_the_next_intake_of_its_lot(database_url: str) -> None:
    """This ledger found no recall at its last intake and does not look again; its save checks there is still none."""
    env = eventsourcing_env(database_url)
    ledger, other = Ledger(env=env), Ledger(env=env)
    county = County.set_up(ledger)
    county.receive()  # no recall register yet
    recall = recall_of_the_pork("县市监召〔2026〕3号")
    opened = other.execute(recall, by=Principal("county-logistics", "logistics"), at=at(hour=10))
    batch = ledger.batch(county.receive(at=at(hour=11)))
    assert batch.on_hold and batch.recalls == [opened["recall_id"]]
    other.close()
    ledger.close()


def test_a_receipt_recorded_while_a_recall_is_being_decided_is_held_too(database_url: str) -> None:
    """The recall read every receipt of its lot; one committed after that read, before the recall's own write, is
    not left unheld: the save sees the newer receipt and the recall is decided again."""
    env = eventsourcing_env(database_url)
    other = Ledger(env=env)
    county = County.set_up(other)
    before = county.receive()
    slipped_in: list[str] = []
    ledger = SavesAfterMeanwhile(env, "Recall", lambda: slipped_in.append(county.receive(at=at(hour=9, minute=59))))
    recall = recall_of_the_pork("县市监召〔2026〕4号")
    opened = ledger.execute(recall, by=Principal("county-logistics", "logistics"), at=at(hour=10))
    assert len(slipped_in) == 1 and slipped_in[0] != before
    assert opened["held"] == 2
    for code in (before, *slipped_in):
        batch = ledger.batch(code)
        assert batch.on_hold and batch.recalls == [opened["recall_id"]]
    other.close()
    ledger.close()


def test_the_save_checks_every_record_read_however_many(database_url: str) -> None:
    """A command may read hundreds of records (a recall, every batch of its lot): the save checks each, the last too."""
    ledger = Ledger(env=eventsourcing_env(database_url))
    County.set_up(ledger)
    li = ledger.staff(LI)
    never_written = {uuid4(): 0 for _ in range(249)}
    stale = {**never_written, li.id: li.version - 1}
    with pytest.raises(ReadsChanged):
        ledger.save(IdempotencyRecord(WANG.person_id, "many-reads", "f", {}), read_versions=stale)
    assert ledger.save(
        IdempotencyRecord(WANG.person_id, "many-reads", "f", {}), read_versions={**stale, li.id: li.version}
    )
    ledger.close()


def test_a_read_only_read_is_the_cached_record_until_another_ledger_writes_to_it(database_url: str) -> None:
    """A card reads the cached batch itself, not a copy, while the log has nothing newer; after another ledger's
    move, the next read has the move, and the record handed out before it stays as it was."""
    env = eventsourcing_env(database_url)
    ledger, other = Ledger(env=env), Ledger(env=env)
    code = County.set_up(ledger).receive()
    before = ledger.batch(code, read_only=True)
    assert ledger.batch(code, read_only=True) is before
    assert ledger.batch(code) is not before  # a command's or a caller's own copy, to change as it likes

    other.execute(Move(code=code, place="冷冻库（二号）"), by=WANG, at=at(hour=9))
    after = ledger.batch(code, read_only=True)
    assert (after.version, after.place) == (before.version + 1, "冷冻库（二号）")
    assert before.place == "冷冻库（红）"
    other.close()
    ledger.close()


def test_a_batch_and_its_supplier_read_together_are_as_the_log_holds_them(database_url: str) -> None:
    """A card reads its batch and the batch's supplier in one query when both are cached: a move and a suspension
    made through another ledger are both in the next read; a record with nothing newer is the cached one itself."""
    env = eventsourcing_env(database_url)
    ledger, other = Ledger(env=env), Ledger(env=env)
    code = County.set_up(ledger).receive()  # the intake cached the batch and 恒鑫
    batch, supplier = ledger.batch_and_supplier(code)
    assert supplier is not None and supplier.suspended_reason == ""

    other.execute(Move(code=code, place="冷冻库（二号）"), by=WANG, at=at(hour=9))
    moved, same = ledger.batch_and_supplier(code)
    assert (moved.version, moved.place) == (batch.version + 1, "冷冻库（二号）") and same is supplier

    other.execute(SuspendSupplier(code="SUP-HX", reason="抽检不合格"), by=ADMIN, at=at(hour=10))
    unchanged, suspended = ledger.batch_and_supplier(code)
    assert unchanged is ledger.batch(code, read_only=True)
    assert suspended is not None and suspended.suspended_reason == "抽检不合格"
    assert supplier.suspended_reason == ""  # the record handed out before stays as it was
    other.close()
    ledger.close()
