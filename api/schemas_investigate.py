"""Response models of the investigators' answers, so that /openapi.json describes them.

Dates and times are the views' ISO text (times in the county's zone, with the offset), quantities decimal text.
Trace records keep any further field the trace index adds (``extra="allow"``), so a new fact is never dropped
on its way out; the fields named here are the ones every answer has.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Freshness(BaseModel):
    """Which point of the event log an answer reflects, and how far the views it read lag behind the log."""

    position: int = Field(description="every event up to this log position is in the answer")
    head: int = Field(description="the log's last position when the answer was read")
    lag: int = Field(description="head − position: events recorded but not yet in the answer")
    views: dict[str, int] = Field(description="the position of each view the answer read (none: the log itself)")


# --- a batch as of a moment ------------------------------------------------------------------------------


class CertificateThen(BaseModel):
    kind: str
    number: str
    issuer: str
    issue_date: str
    expiry_date: str | None
    sha256: str


class MovementThen(BaseModel):
    """An issue, return or write-off in force at that moment (voided ones are left out)."""

    kind: str = Field(description="issue, return or write_off")
    quantity: str
    at: str
    given_by: str
    taken_by: str
    meal_date: str | None
    meal: str | None
    reason: str


class Actor(BaseModel):
    person_id: str
    role: str


class EventThen(BaseModel):
    """One of the batch's events up to that moment, as `foodtrace history --json` shows it."""

    version: int
    what: str
    what_zh: str
    by: Actor
    at: str = Field(description="when it happened (business time)")
    recorded_at: str = Field(description="when the ledger recorded it")
    late: bool = Field(False, description="补录: recorded more than the clock skew after it happened")
    late_approval: dict[str, str] | None = Field(None, description="the principal who approved a late entry, and why")
    details: dict[str, Any]


class BatchAsOfOut(BaseModel):
    """A batch as it stood at a past moment, replayed from its own events: the same state `foodtrace batch
    --as-of` prints. Before its receipt only ``exists: false`` and the (empty) events."""

    freshness: Freshness
    code: str
    as_of: str = Field(description="the moment asked for, as given")
    exists: bool
    version: int | None = None
    school: str | None = None
    supplier: str | None = None
    product: str | None = None
    category: str | None = None
    colour: str | None = None
    lot: str | None = None
    supplier_lot: str | None = None
    received_quantity: str | None = None
    on_hand: str | None = None
    reserved: str | None = Field(None, description="set aside for hand-offs awaiting the taker's signature")
    unit: str | None = None
    place: str | None = None
    on_hold: bool | None = None
    hold_reason: str | None = None
    use_by_date: str | None = None
    expired: bool | None = Field(None, description="past its use-by date on that day (county time)")
    certificates: list[CertificateThen] = []
    movements: list[MovementThen] = []
    failed_inspections: int | None = None
    events: list[EventThen] = Field(description="the batch's events up to that moment")


# --- traces ----------------------------------------------------------------------------------------------


class Record(BaseModel):
    model_config = ConfigDict(extra="allow")


class SchoolRef(Record):
    code: str
    name: str | None = None
    district: str | None = None


class LotIdentity(Record):
    """A lot is (supplier, product, lot): the product is its GTIN where known, else the normalised name."""

    supplier: str
    product_key: str
    lot: str
    products: list[str] = Field(description="the product names it was received under")


class TraceIssue(Record):
    version: int
    school: str
    meal_date: str
    meal: str
    quantity: str
    dishes: list[str] = Field([], description="the dishes (菜品) the issue named; empty: not named")
    voided: bool = Field(description="voided by a correction: shown, counted for nothing")
    returned: str = Field(description="its live returns (0 when voided)")
    net: str = Field(description="quantity − returned (0 when voided)")


class TraceReturn(Record):
    version: int
    school: str
    quantity: str
    returned_by: str
    received_by: str
    reason: str
    returned_at: str
    issue: int | None = Field(description="the version of the issue it came back from, when known")
    meal_date: str | None
    meal: str | None
    voided: bool


class TraceWriteOff(Record):
    version: int
    school: str
    quantity: str
    reason: str
    witness: str
    written_off_by: str
    written_off_at: str
    voided: bool


class TraceHold(Record):
    version: int
    action: Literal["hold", "release"]
    reason: str
    person: str
    role: str
    acted_at: str


class MealQuantities(Record):
    school: str
    meal_date: str
    meal: str
    issued: str
    returned: str
    net: str


class TraceSample(Record):
    sample_id: str
    school: str
    meal_date: str
    meal: str
    dish: str
    grams: int
    batch_codes: list[str] = []


class TraceBatch(Record):
    """A batch in a trace: its receipt, and (in full) certificates, inspections, issues and samples."""

    code: str
    school: str
    supplier: str
    product: str
    category: str
    colour: str
    quantity: str = Field(description="received")
    unit: str
    lot: str
    supplier_lot: str
    gtin: str | None = None
    use_by_date: str
    received_at: str
    on_hold: bool
    issues: list[TraceIssue]
    returns: list[TraceReturn]
    write_offs: list[TraceWriteOff]
    holds: list[TraceHold] = Field(description="holds and releases, in order")
    issued: str
    returned: str
    net: str = Field(description="issued − returned")
    written_off: str
    meals: list[MealQuantities] = Field(description="each meal with a live issue: issued, returned, net")
    certificates: list[Record] | None = None
    inspections: list[Record] | None = None
    samples: list[TraceSample] | None = None


class MealBatch(TraceBatch):
    issues_for_meal: list[TraceIssue] = Field(description="this meal's issues of the batch, voided ones marked")
    returns_for_meal: list[TraceReturn]
    issued_for_meal: str
    returned_for_meal: str
    net_for_meal: str


class MealRef(Record):
    school: str
    meal_date: str
    meal: str


class OtherSchoolLot(Record):
    """One lot a school received: how many of its batches, and the first and last receipt day."""

    supplier: str
    product_key: str
    lot: str
    batches: int
    first_received: str
    last_received: str


class OtherSchool(SchoolRef):
    batch_count: int = Field(description="its batches of the meal's lots")
    lots: list[OtherSchoolLot] = Field(description="one row per lot it received")
    batches: list[TraceBatch] = Field(
        description="its batches of those lots; empty with others=lots (read them from /trace/backward/others)"
    )


class TraceForwardOut(Record):
    """正向追溯: where a lot (or a supplier's goods, or a product) went."""

    freshness: Freshness
    query: dict[str, str | None]
    schools: list[SchoolRef]
    lots: list[LotIdentity]
    batches: list[TraceBatch]
    meals: list[MealRef]
    samples: list[TraceSample]
    truncated: bool = Field(description="more batches matched than one answer holds: narrow the query")


class TraceOthersOut(Record):
    """A page of the batches of a meal's lots at other schools, with the meals each went into."""

    freshness: Freshness
    query: dict[str, str | None]
    batches: list[TraceBatch] = Field(description="by school, then receipt")
    has_more: bool
    next_cursor: str | None = Field(description="pass as cursor for the next page; none after the last")


class MealDish(Record):
    """A dish of the meal and the batches known to have gone into it."""

    dish: str
    batch_codes: list[str] = Field(description="named on an issue for the dish or in the kitchen's record of it")
    named_on_issues: list[str]
    recorded_by_kitchen: list[str] = Field(description="in the kitchen's latest record of the dish (供餐记录)")
    portions: int | None = Field(description="served, as the kitchen recorded; null: not recorded")
    recorded_by: str | None
    sample_ids: list[str] = Field(description="the food samples kept of the dish")


class UnassignedBatch(Record):
    code: str
    product: str


class TraceBackwardOut(Record):
    """反向追溯: what went into one meal, who handled it, and who else received the same lots."""

    freshness: Freshness
    query: dict[str, str]
    school: SchoolRef
    batches: list[MealBatch]
    voided_batches: list[MealBatch] = Field(description="batches whose every issue for this meal was voided")
    suppliers: list[Record]
    people: list[Record]
    samples: list[TraceSample]
    lots: list[LotIdentity]
    other_schools: list[OtherSchool] = Field(description="never the meal's own school")
    same_lots_at_school: list[TraceBatch] = Field(description="the meal's school's other batches of the same lots")
    dishes: list[MealDish] = Field(description="the meal's dishes, each with its batches where that is known")
    unassigned_batches: list[UnassignedBatch] = Field(description="the meal's batches no dish is known to have")
    dish: MealDish | None = Field(None, description="with ?dish=: that dish (the batches above are its own)")
