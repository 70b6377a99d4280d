"""Hand-offs in the store room (入库出库记录, §16): inspections, holds, moves, issues to the kitchen, returns,
write-offs and corrections of a batch.

Every movement is a signed hand-off naming who gave and who took; whoever handles food must hold 二证 and have
passed that day's 晨午检 (§12). Nothing is edited: a correction (更正) is a new event voiding an earlier one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from domain.batch import IngredientBatch
from domain.checks import check_date, check_handler
from domain.command import Command, Outcome, handles
from domain.dishes import named_dishes
from domain.errors import ValidationError
from domain.recall import Disposal
from domain.values import (
    Meal,
    Principal,
    Stage,
    note_text,
    optional_text,
    parse_choice,
    require_quantity,
    require_text,
)

if TYPE_CHECKING:
    from domain.ledger import Ledger


@dataclass(frozen=True, kw_only=True)
class Inspect(Command):
    code: str
    stage: Stage | str
    passed: bool
    notes: str


@dataclass(frozen=True, kw_only=True)
class PutOnHold(Command):
    code: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class Release(Command):
    code: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class Move(Command):
    code: str
    place: str


@dataclass(frozen=True, kw_only=True)
class Issue(Command):
    """What an issue to the kitchen names; the storekeeper who gives is ``by``."""

    added_later = ("dishes",)

    code: str
    quantity: Decimal | str
    unit: str
    meal_date: date
    meal: Meal | str
    taken_by: str
    dishes: list[str] | None = None  # the dishes (菜品) of the meal it is for; None or empty: not named


@dataclass(frozen=True, kw_only=True)
class IssueToKitchen(Issue):
    """Giver and taker sign at once (the taker's PIN on the giver's phone)."""


@dataclass(frozen=True, kw_only=True)
class OfferIssue(Issue):
    """The giver signs first; the taker confirms with ConfirmIssue."""


@dataclass(frozen=True, kw_only=True)
class ConfirmIssue(Command):
    code: str
    offer: int


@dataclass(frozen=True, kw_only=True)
class CancelIssueOffer(Command):
    code: str
    offer: int
    reason: str


@dataclass(frozen=True, kw_only=True)
class ReturnToStore(Command):
    added_later = ("issue",)

    code: str
    quantity: Decimal | str
    unit: str
    returned_by: str
    reason: str
    issue: int | None = None  # the issue (its version) it comes back from; None: the latest with that much out


@dataclass(frozen=True, kw_only=True)
class WriteOff(Command):
    added_later: ClassVar[tuple[str, ...]] = ("disposal",)

    code: str
    reason: str
    witness: str
    quantity: Decimal | str | None = None  # None: the whole remainder
    disposal: Disposal | str | None = None  # None: destroyed


@dataclass(frozen=True, kw_only=True)
class Correct(Command):
    code: str
    corrects_version: int
    reason: str


def on_batch(ledger: Ledger, code: str, step: Callable[[IngredientBatch], object]) -> Outcome:
    """Most steps: find the batch, record ``step`` on it, answer with its code, version and stock."""
    batch = ledger.batch(code)
    step(batch)
    return [batch], ledger.batch_result(batch)


@handles(Inspect)
def inspect(ledger: Ledger, c: Inspect, by: Principal, at: datetime) -> Outcome:
    """§16 查验: inspect again at warehouse intake and again at issue (入库、出库再次查验)."""

    def step(batch: IngredientBatch) -> None:
        stage = parse_choice(Stage, c.stage, "stage", "查验环节")
        batch.inspect(stage, c.passed, note_text(c.notes, "notes", "查验记录", 500), by.person_id, by=by, at=at)

    return on_batch(ledger, c.code, step)


@handles(PutOnHold)
def put_on_hold(ledger: Ledger, c: PutOnHold, by: Principal, at: datetime) -> Outcome:
    """封存: quarantine a batch; nothing of it may be issued until it is released."""
    return on_batch(
        ledger, c.code, lambda batch: batch.put_on_hold(require_text(c.reason, "reason", "封存原因"), by, at)
    )


@handles(Release)
def release(ledger: Ledger, c: Release, by: Principal, at: datetime) -> Outcome:
    """解封: a held batch may be issued again, with the reason it is safe."""
    return on_batch(ledger, c.code, lambda batch: batch.release(require_text(c.reason, "reason", "解封原因"), by, at))


@handles(Move)
def move(ledger: Ledger, c: Move, by: Principal, at: datetime) -> Outcome:
    """移库: the batch changes place (its place carries its colour, §14 色标管理)."""
    return on_batch(ledger, c.code, lambda batch: batch.move(require_text(c.place, "place", "存放位置"), by, at))


@handles(IssueToKitchen)
def issue_to_kitchen(ledger: Ledger, c: IssueToKitchen, by: Principal, at: datetime) -> Outcome:
    """出库: the storekeeper (``by``) gives, the kitchen lead (``taken_by``) takes; both fit that day."""
    batch, day = issue_checks(ledger, c.code, c.meal_date, (by.person_id, c.taken_by), at)
    batch.issue_to_kitchen(**issue_fields(ledger, batch, c, by, day), by=by, at=at)
    return [batch], ledger.batch_result(batch)


@handles(OfferIssue)
def offer_issue(ledger: Ledger, c: OfferIssue, by: Principal, at: datetime) -> Outcome:
    """出库, first signature: the storekeeper sets the stock aside for the named kitchen lead."""
    batch, day = issue_checks(ledger, c.code, c.meal_date, (by.person_id, c.taken_by), at)
    offer = batch.offer_issue(**issue_fields(ledger, batch, c, by, day), by=by, at=at)
    return [batch], {**ledger.batch_result(batch), "offer": offer, "status": "awaiting_taker"}


@handles(ConfirmIssue)
def confirm_issue(ledger: Ledger, c: ConfirmIssue, by: Principal, at: datetime) -> Outcome:
    """出库, second signature: the kitchen lead confirms with their own credential; the hand-off completes."""
    batch, day = issue_checks(ledger, c.code, None, (by.person_id,), at)
    batch.confirm_issue(c.offer, ledger.profile.certificates_required(batch.category, batch.pork), day, by, at)
    return [batch], {**ledger.batch_result(batch), "offer": c.offer, "status": "issued"}


@handles(CancelIssueOffer)
def cancel_issue_offer(ledger: Ledger, c: CancelIssueOffer, by: Principal, at: datetime) -> Outcome:
    """An offer not yet confirmed is withdrawn; the stock set aside is free again."""
    batch = ledger.batch(c.code)
    batch.cancel_issue_offer(c.offer, optional_text(c.reason, "reason", "取消原因", 500), by, at)
    return [batch], {**ledger.batch_result(batch), "offer": c.offer, "status": "cancelled"}


def issue_checks(
    ledger: Ledger, code: str, meal_date: date | None, handlers: tuple[str, ...], at: datetime
) -> tuple[IngredientBatch, date]:
    """What every hand-off checks outside the batch: the meal's date, and that each person may handle food."""
    batch = ledger.batch(code)
    day = ledger.profile.local_date(at)
    check_date(ledger.profile, meal_date, "meal_date", "用餐日期", day)
    if meal_date is not None and meal_date < ledger.profile.local_date(batch.received_at):
        raise ValidationError(
            zh="用餐日期早于入库日期", en="the meal date is before the batch was received", field="meal_date"
        )
    for person in handlers:
        check_handler(ledger, person, batch.school_id, day)
    return batch, day


def issue_fields(ledger: Ledger, batch: IngredientBatch, c: Issue, by: Principal, day: date) -> dict[str, Any]:
    meal = parse_choice(Meal, c.meal, "meal", "餐次")
    return {
        "quantity": require_quantity(c.quantity),
        "unit": c.unit,
        "meal_date": c.meal_date,
        "meal": meal,
        "dishes": named_dishes(ledger, batch.school_id, c.meal_date, meal.value, c.dishes),
        "given_by": by.person_id,
        "taken_by": c.taken_by,
        "required": ledger.profile.certificates_required(batch.category, batch.pork),
        "today": day,
    }


@handles(ReturnToStore)
def return_to_store(ledger: Ledger, c: ReturnToStore, by: Principal, at: datetime) -> Outcome:
    """退库: the kitchen hands back what it did not use; the storekeeper (``by``) takes it in."""
    batch = ledger.batch(c.code)
    ledger.staff(c.returned_by, read_only=True)
    reason = optional_text(c.reason, "reason", "退库原因", 500)
    batch.return_to_store(
        quantity=require_quantity(c.quantity),
        unit=c.unit,
        returned_by=c.returned_by,
        received_by=by.person_id,
        reason=reason,
        by=by,
        at=at,
        issue=c.issue,
    )
    return [batch], ledger.batch_result(batch)


@handles(WriteOff)
def write_off(ledger: Ledger, c: WriteOff, by: Principal, at: datetime) -> Outcome:
    """报损/销毁, with a witness; the whole remainder unless a quantity is given."""
    batch = ledger.batch(c.code)
    ledger.staff(c.witness, read_only=True)
    amount = require_quantity(c.quantity) if c.quantity is not None else None
    disposal = parse_choice(Disposal, c.disposal or Disposal.DESTROYED, "disposal", "处置方式")
    batch.write_off(amount, require_text(c.reason, "reason", "报损原因"), c.witness, by, at, disposal=disposal.value)
    return [batch], ledger.batch_result(batch)


@handles(Correct)
def correct(ledger: Ledger, c: Correct, by: Principal, at: datetime) -> Outcome:
    """更正: void an earlier event of the batch (a wrong certificate, inspection or movement); nothing is edited."""
    return on_batch(
        ledger,
        c.code,
        lambda batch: batch.correct(c.corrects_version, require_text(c.reason, "reason", "更正原因"), by, at),
    )
