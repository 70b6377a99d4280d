"""Request and response bodies of the HTTP API, kept apart from the domain's objects.

Quantities travel as decimal strings with their unit; times as ISO 8601 with an offset; dates as
YYYY-MM-DD (the county's local date).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from enum import IntEnum, StrEnum
from importlib.resources import files
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic.config import JsonDict

from domain.recall import Disposal
from domain.rules import Category
from domain.values import Meal, Stage

T = TypeVar("T")
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
# The largest integer SQLite and PostgreSQL (bigint) hold: every integer that reaches the database is bounded by it,
# so a larger one is bad input (422) instead of an OverflowError from the driver (500).
BIGINT_MAX = 2**63 - 1
PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def plain_decimal(value: Any) -> Any:
    """Digits, at most one point, maybe a minus: Python's Decimal would also read "1_0" as 10, "1e1", " 10", "１０"."""
    if isinstance(value, str) and not PLAIN_DECIMAL.fullmatch(value):
        raise ValueError('write a plain decimal such as "12.5": digits and one point, no spaces, signs or exponents')
    return value


Quantity = Annotated[
    Decimal,
    BeforeValidator(plain_decimal),
    Field(gt=0, max_digits=12, decimal_places=3, description='a decimal string, e.g. "12.5"'),
]
Temperature = Annotated[Decimal, BeforeValidator(plain_decimal), Field(ge=-60, le=80, max_digits=5, decimal_places=1)]
# Choices are named enums, one schema each in /openapi.json (Category, Meal, CertificateKind, …), so a generated
# client has one type for each wherever it is used; Body keeps their values, plain strings, for the commands.


class StaffRole(StrEnum):
    """The roles a school or the county registers staff in (suppliers sign in with a token of their own)."""

    STOREKEEPER = "storekeeper"
    KITCHEN = "kitchen"
    PRINCIPAL = "principal"
    INVESTIGATOR = "investigator"
    ADMIN = "admin"
    LOGISTICS = "logistics"  # the county's logistics office (物资/后勤管理)


class StaffCertificateKind(StrEnum):
    HEALTH = "health"  # 健康证
    TRAINING = "training"  # 培训合格证


class Dpi(IntEnum):
    """Thermal label printers print at 203 or 300 dots per inch."""

    THERMAL = 203
    FINE = 300


# Each request model's examples, kept as data in one file (a test checks that every one is valid).
EXAMPLES: dict[str, list[JsonDict]] = json.loads(files("api").joinpath("examples.json").read_text("utf-8"))


def with_examples(schema: JsonDict, model: type[Any]) -> None:
    """A model's JSON schema with its examples from api/examples.json: what a developer sees in /docs."""
    if model.__name__ in EXAMPLES:
        schema["examples"] = list(EXAMPLES[model.__name__])


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True, json_schema_extra=with_examples)


# --- requests ------------------------------------------------------------------------------------

Pin = Annotated[str, StringConstraints(min_length=4, max_length=8, pattern=r"^[0-9]+$")]


class LateApprovalRequest(Body):
    """A principal approves an entry written up after the late-entry window (补录审批)."""

    approver: Code = Field(description="the principal's person id")
    reason: Text
    pin: Pin | None = Field(None, description="the principal's PIN; omit when the principal sends the request")


class CommandBody(Body):
    """What every write may say besides its own fields: when it happened, and a principal's approval if late."""

    occurred_at: AwareDatetime | None = Field(
        None,
        description="when it happened (business time), ISO 8601 with an offset; omitted: now. Not in the future "
        "beyond the clock skew; earlier than the late-entry window only with late_approval",
    )
    late_approval: LateApprovalRequest | None = None


class Delivered(CommandBody):
    """What a delivery brings, as its papers say: the same whether it is received unannounced or announced first."""

    product: Text
    category: Category
    quantity: Quantity
    unit: Code
    supplier_lot: Text
    production_date: date
    use_by_date: date
    invoice_number: Text
    gtin: str | None = Field(None, max_length=14)
    unit_price: Quantity | None = None
    pork: bool | None = None


class Accepted(CommandBody):
    """What the people at the door record when they accept a delivery, announced or not (签字背书)."""

    place: Text
    co_signers: list[Code] = Field(min_length=1, max_length=5, description="the other people signing the intake")
    co_signer_pin: Pin | None = Field(
        None,
        description="the first co-signer's PIN, when they sign now on this phone; a co-signer who does not signs "
        "later with their own session (POST /batches/{code}/co-sign), and until then the batch may not be issued",
    )
    sensory_ok: bool
    sensory_notes: str = Field("", max_length=500)
    arrival_temperature: Temperature | None = None


class IntakeRequest(Accepted, Delivered):
    """入库验收 of a delivery that was not announced: the fields the rules need."""

    supplier: Code
    school: Code | None = Field(None, description="admins only; a storekeeper receives at their own school")


class ReceiveAnnouncedRequest(Accepted):
    quantity: Quantity | None = Field(None, description="what arrived, when it differs from what was announced")


class ReasonRequest(CommandBody):
    reason: Text


class InspectionRequest(CommandBody):
    stage: Stage
    passed: bool
    notes: str = Field("", max_length=500)


class MoveRequest(CommandBody):
    place: Text


class IssueRequest(CommandBody):
    """出库: the storekeeper signs by sending this; the kitchen lead signs with a PIN here, or later with a token."""

    quantity: Quantity
    unit: Code
    meal_date: date
    meal: Meal
    taken_by: Code
    taker_pin: Pin | None = None
    dishes: list[Text] | None = Field(
        None, max_length=20, description="the dishes (菜品) of the meal it is for, as its menu names them; optional"
    )


class ReturnRequest(CommandBody):
    quantity: Quantity
    unit: Code
    returned_by: Code
    reason: str = Field("", max_length=500)
    issue: int | None = Field(
        None, ge=1, le=1_000_000, description="the issue (出库, its version) it comes back from; omitted: the latest "
        "one that still has that much out",
    )  # fmt: skip


class WriteOffRequest(CommandBody):
    reason: Text
    witness: Code
    quantity: Quantity | None = Field(None, description="omit to write off everything left")
    disposal: Disposal | None = Field(None, description="where the goods went; omitted: destroyed (销毁)")


class CorrectionRequest(CommandBody):
    corrects_version: int = Field(ge=1, le=1_000_000)
    reason: Text


class AnnouncementRequest(Delivered):
    """送货预告: what a supplier will deliver, before it arrives."""

    reference: Code = Field(description="the supplier's own delivery note number (送货单号); unique per supplier")
    school: Code
    expected_on: date
    supplier: Code | None = Field(None, description="admins only; a supplier announces for itself")


class SampleRequest(CommandBody):
    meal_date: date
    meal: Meal
    dish: Text
    grams: int = Field(ge=1, le=10_000)
    fridge: Text
    batch_codes: list[Code] = Field(default_factory=list, max_length=50)
    sealed_at: AwareDatetime | None = None
    school: Code | None = Field(None, description="admins only")


class DishServedRequest(CommandBody):
    """供餐记录: after service, the kitchen lead says which batches went into a dish and the portions served."""

    meal_date: date
    meal: Meal
    dish: Text = Field(description="as the meal's menu names it")
    batch_codes: list[Code] = Field(default_factory=list, max_length=50, description="batches issued for this meal")
    portions: int = Field(ge=0, le=100_000, description="portions actually served")


class LaboratoryRequest(CommandBody):
    laboratory: Text
    reason: Text


class DisposalRequest(CommandBody):
    reason: str = Field("", max_length=500, description="required before the keep-until time")


class SchoolRequest(CommandBody):
    code: Code
    name: Text
    district: str = Field("", max_length=100)


class SupplierRequest(CommandBody):
    code: Code
    name: Text
    licence_number: Text
    licence_valid_from: date
    licence_valid_until: date
    tender_start: date
    tender_end: date


class LicenceRequest(CommandBody):
    number: Text
    valid_from: date
    valid_until: date


class StaffRequest(CommandBody):
    person_id: Code
    name: Text
    school: Code | None
    roles: list[StaffRole] = Field(min_length=1)


class StaffCertificateRequest(CommandBody):
    kind: StaffCertificateKind
    number: Text
    valid_from: date
    valid_until: date


class HealthCheckRequest(CommandBody):
    day: date
    passed: bool
    notes: str = Field("", max_length=500)


class PinRequest(Body):
    pin: Pin


# --- responses -----------------------------------------------------------------------------------


class CertificateOut(BaseModel):
    version: int
    kind: str
    kind_zh: str
    number: str
    issuer: str
    issue_date: date
    expiry_date: date | None
    sha256: str
    attached_by: str
    document_url: str


class Offer(BaseModel):
    """An issue (出库) awaiting the kitchen lead's signature: number ``offer`` of its batch."""

    offer: int
    quantity: str
    unit: str
    meal_date: date
    meal: str
    given_by: str
    taken_by: str


class PendingIssueOut(Offer):
    """On the batch's card, with the two people's names."""

    given_by_name: str
    taken_by_name: str


class HandoffOut(Offer):
    """In the list of hand-offs waiting for a signature, with the batch it is from."""

    code: str
    product: str
    colour: str
    offered_at: datetime


class RecallNote(BaseModel):
    """A recall (召回) that holds the batch: the card names it at its top."""

    recall_id: str
    notice_number: str
    reason: str
    open: bool


class BatchCard(BaseModel):
    """批次卡: what a storekeeper sees after a scan."""

    code: str
    version: int
    product: str
    category: str
    colour: str
    pork: bool
    school: str
    supplier: str
    supplier_name: str
    lot: str
    supplier_lot: str
    gtin: str | None
    received_quantity: str
    on_hand: str
    reserved: str
    unit: str
    production_date: date
    use_by_date: date
    expired: bool = Field(description="已过期: past its use-by date in the county's today")
    received_at: datetime
    received_by: list[str]
    awaiting_co_signers: list[str] = Field(
        default_factory=list, description="co-signers named at intake who have not yet signed: no issue until they do"
    )
    place: str
    on_hold: bool
    hold_reason: str
    recalls: list[RecallNote] = Field(default_factory=list, description="the recalls (召回) that hold this batch")
    certificates: list[CertificateOut]
    missing_certificates: list[str]
    failed_inspections: int
    pending_issues: list[PendingIssueOut]
    actions: list[str] = Field(description="what the caller may do now: inspect, move, issue, confirm_issue, …")
    refusals: dict[str, str] = Field(description="why an action is not offered now, in Chinese")
    refusals_en: dict[str, str] = Field(description="the same reasons in English")
    label_url: str
    history_url: str


class PersonRef(BaseModel):
    person_id: str
    role: str
    name: str | None = Field(None, description="the staff member's name, when the person is registered staff")


class LateApprovalOut(BaseModel):
    approver: str
    reason: str


class HistoryEntryOut(BaseModel):
    version: int
    what: str
    what_zh: str
    by: PersonRef
    at: datetime = Field(description="when it happened (business time)")
    recorded_at: datetime = Field(description="when the ledger recorded it")
    late: bool = Field(description="补录: recorded more than the clock skew after it happened")
    late_approval: LateApprovalOut | None = Field(None, description="the principal who approved a late entry, and why")
    details: dict[str, Any]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on the last page")


class AnnouncementOut(BaseModel):
    announcement_id: str
    reference: str
    supplier: str
    school: str
    product: str
    category: str
    quantity: str
    unit: str
    supplier_lot: str
    lot: str
    gtin: str | None
    production_date: date
    use_by_date: date
    expected_on: date
    status: str
    batch_code: str | None
    closed_reason: str
    certificates: list[str]


class SampleOut(BaseModel):
    sample_id: str
    school: str
    meal_date: date
    meal: str
    dish: str
    grams: int
    sealed_at: datetime
    keep_until: datetime
    fridge: str
    sealed_by: str
    batch_codes: list[str]
    disposed_at: datetime | None
    sent_to: str


class StaffOut(BaseModel):
    person_id: str
    name: str
    school: str | None
    roles: list[str]
    health_certificate_until: date | None
    training_certificate_until: date | None
    suspended: bool
    fit_today: bool
    reason: str
