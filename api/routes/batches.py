"""Storekeepers and kitchen leads: scan, intake, inspect, store, issue, return, hold, write off."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from api.auth import (
    SCHOOL_ROLES,
    Checker,
    CoSigner,
    Kitchen,
    Reader,
    ReaderCheck,
    SchoolStaff,
    Storekeeper,
    Supervisor,
    check_school,
    checked_with_batch,
    school_of,
    visible_batch,
    visible_batch_and_supplier,
)
from api.cards import batch_card
from api.commands import command
from api.contract import Group
from api.deps import LedgerDep, PinCheckDep, Record, Views
from api.errors import ApiError
from api.results import BatchChanged, BatchCoSigned, BatchReceived, HandOff
from api.routing import Route
from api.schemas import (
    BatchCard,
    CommandBody,
    CorrectionRequest,
    HandoffOut,
    InspectionRequest,
    IntakeRequest,
    IssueRequest,
    MoveRequest,
    Page,
    ReasonRequest,
    ReturnRequest,
    WriteOffRequest,
)
from api.signing import co_signed
from api.tokens import Caller
from domain.batch import IngredientBatch
from domain.command import Command
from domain.handoff import (
    CancelIssueOffer,
    ConfirmIssue,
    Correct,
    Inspect,
    IssueToKitchen,
    Move,
    OfferIssue,
    PutOnHold,
    Release,
    ReturnToStore,
    WriteOff,
)
from domain.intake import CoSign, ReceiveBatch
from domain.ledger import Ledger
from domain.values import Role
from labels.payload import parse
from projections import queries

router = APIRouter(prefix="/api/v1", tags=[Group.STOREKEEPERS], route_class=Route)
kitchen_router = APIRouter(prefix="/api/v1", tags=[Group.KITCHEN], route_class=Route)  # the taker's side of a hand-off


# A signature made later (a co-signer's, the kitchen's) may say when it happened; no body: now.
WhenOnly = Annotated[CommandBody | None, Body(examples=[{"occurred_at": "2026-03-02T06:55:00+08:00"}])]


@router.get("/scan", response_model=BatchCard, summary="Resolve a scanned label to the batch card")
def scan_label(
    ledger: LedgerDep,
    caller: Reader,
    payload: Annotated[
        str, Query(min_length=1, max_length=512, description="what the scanner read, or the typed code")
    ],
) -> BatchCard:
    label = parse(payload)
    batch, supplier = visible_batch_and_supplier(ledger, caller, label.code)
    return batch_card(ledger, batch, caller, supplier=supplier)


@router.get("/batches/{code}", response_model=BatchCard, summary="A batch card: state now and the actions allowed")
def get_batch(code: str, ledger: LedgerDep, check: ReaderCheck) -> BatchCard:
    caller, batch, supplier = checked_with_batch(ledger, check, code)  # first: the caller's 401/403 before a 404
    return batch_card(ledger, batch, caller, supplier=supplier)


@router.post(
    "/batches", response_model=BatchReceived, status_code=201, summary="入库验收: receive an unannounced delivery"
)
def receive_batch(
    body: IntakeRequest, ledger: LedgerDep, pins: PinCheckDep, caller: Storekeeper, record: Record
) -> BatchReceived:
    school = _acting_school(caller, body.school)
    signed = co_signed(ledger, caller, pins, body)
    return record(
        command(ReceiveBatch, body, {"co_signer_pin"}, school=school, co_signed=signed), caller, BatchReceived, body
    )


@router.post(
    "/batches/{code}/co-sign",
    response_model=BatchCoSigned,
    summary="签字背书: a co-signer named at intake signs it with their own credential",
)
def co_sign(code: str, ledger: LedgerDep, caller: CoSigner, record: Record, body: WhenOnly = None) -> BatchCoSigned:
    batch = _own_school_batch(ledger, caller, code)
    return record(CoSign(code=batch.code), caller, BatchCoSigned, body)


@router.post("/batches/{code}/inspections", response_model=BatchChanged, summary="查验: record an inspection")
def inspect_batch(
    code: str, body: InspectionRequest, ledger: LedgerDep, caller: Checker, record: Record
) -> BatchChanged:
    return _on_own_batch(Inspect, code, body, caller=caller, ledger=ledger, record=record)


@router.post("/batches/{code}/moves", response_model=BatchChanged, summary="移库: store or move to a place")
def move_batch(code: str, body: MoveRequest, ledger: LedgerDep, caller: Storekeeper, record: Record) -> BatchChanged:
    batch = _own_school_batch(ledger, caller, code)
    return record(Move(code=batch.code, place=body.place), caller, BatchChanged, body)


@router.post("/batches/{code}/holds", response_model=BatchChanged, summary="封存: put on hold")
def hold_batch(code: str, body: ReasonRequest, ledger: LedgerDep, caller: Supervisor, record: Record) -> BatchChanged:
    batch = _own_school_batch(ledger, caller, code)
    return record(PutOnHold(code=batch.code, reason=body.reason), caller, BatchChanged, body)


@router.post("/batches/{code}/releases", response_model=BatchChanged, summary="解封: release from hold")
def release_batch(
    code: str, body: ReasonRequest, ledger: LedgerDep, caller: Supervisor, record: Record
) -> BatchChanged:
    batch = _own_school_batch(ledger, caller, code)
    return record(Release(code=batch.code, reason=body.reason), caller, BatchChanged, body)


@router.post(
    "/batches/{code}/issues",
    response_model=HandOff,
    status_code=201,
    summary="出库: issue to the kitchen; complete at once with the taker's PIN, else awaiting the taker",
)
def issue_to_kitchen(
    code: str,
    body: IssueRequest,
    ledger: LedgerDep,
    pins: PinCheckDep,
    caller: Storekeeper,
    record: Record,
) -> HandOff:
    batch = _own_school_batch(ledger, caller, code)
    signed = body.taker_pin is not None  # the taker signs at once with their PIN: a complete hand-off
    if body.taker_pin is not None:
        pins(
            body.taken_by,
            body.taker_pin,
            "taker_pin",
            "领用人PIN错误，交接未完成",
            "the taker's PIN is wrong; nothing was issued",
        )
    handoff = command(IssueToKitchen if signed else OfferIssue, body, {"taker_pin"}, code=batch.code)
    return (
        record(handoff, caller, HandOff, body, status="issued", offer=None)
        if signed
        else record(handoff, caller, HandOff, body)
    )


@kitchen_router.post(
    "/batches/{code}/issues/{offer}/confirm",
    response_model=HandOff,
    summary="领用确认: the kitchen lead signs the hand-off with their own credential",
)
def confirm_issue(
    code: str, offer: int, ledger: LedgerDep, caller: Kitchen, record: Record, body: WhenOnly = None
) -> HandOff:
    batch = _own_school_batch(ledger, caller, code)
    return record(ConfirmIssue(code=batch.code, offer=offer), caller, HandOff, body)


@router.post(
    "/batches/{code}/issues/{offer}/cancel",
    response_model=HandOff,
    summary="Cancel a hand-off the taker has not confirmed",
)
def cancel_issue(
    code: str, offer: int, body: ReasonRequest, ledger: LedgerDep, caller: Storekeeper, record: Record
) -> HandOff:
    batch = _own_school_batch(ledger, caller, code)
    return record(CancelIssueOffer(code=batch.code, offer=offer, reason=body.reason), caller, HandOff, body)


@router.post(
    "/batches/{code}/returns", response_model=BatchChanged, summary="退库: the kitchen hands back what it did not use"
)
def return_to_store(
    code: str, body: ReturnRequest, ledger: LedgerDep, caller: Storekeeper, record: Record
) -> BatchChanged:
    return _on_own_batch(ReturnToStore, code, body, caller=caller, ledger=ledger, record=record)


@router.post("/batches/{code}/write-offs", response_model=BatchChanged, summary="报损销毁, with a witness")
def write_off(code: str, body: WriteOffRequest, ledger: LedgerDep, caller: Storekeeper, record: Record) -> BatchChanged:
    return _on_own_batch(WriteOff, code, body, caller=caller, ledger=ledger, record=record)


@router.post("/batches/{code}/corrections", response_model=BatchChanged, summary="更正: void an earlier event")
def correct_batch(
    code: str, body: CorrectionRequest, ledger: LedgerDep, caller: Storekeeper, record: Record
) -> BatchChanged:
    return _on_own_batch(Correct, code, body, caller=caller, ledger=ledger, record=record)


def _on_own_batch(
    kind: type[Command], code: str, body: CommandBody, *, caller: Caller, ledger: Ledger, record: Record
) -> BatchChanged:
    """What most store-room routes do: a command on a batch of the caller's own school, its fields from the body."""
    batch = _own_school_batch(ledger, caller, code)
    return record(command(kind, body, code=batch.code), caller, BatchChanged, body)


def _own_school_batch(ledger: Ledger, caller: Caller, code: str) -> IngredientBatch:
    """Writers act only on batches of their own school (admins on any)."""
    batch = visible_batch(ledger, caller, code)
    check_school(caller, batch.school_id)
    return batch


def _acting_school(caller: Caller, requested: str | None) -> str:
    """Intake names its school: a storekeeper who names another school is refused, not quietly redirected."""
    if requested and caller.role in SCHOOL_ROLES and requested != caller.scope:
        raise ApiError(403, "forbidden", "只能操作本校的记录", f"you act for school {caller.scope}, not {requested}")
    return school_of(caller, requested)


@kitchen_router.get("/handoffs", response_model=Page[HandoffOut], summary="Hand-offs waiting for the taker's signature")
def list_waiting_handoffs(
    views: Views,
    caller: SchoolStaff,
    school: Annotated[str | None, Query(max_length=64, description="admins only")] = None,
) -> dict[str, object]:
    """A kitchen lead sees what waits for them without scanning; the store room sees all its open hand-offs."""
    taker = caller.person_id if caller.role is Role.KITCHEN else None
    return {"items": queries.waiting_handoffs(views, school_of(caller, school), taker), "next_cursor": None}
