"""Recall (召回) requests and answers: the county opens a recall, schools account for it, the county closes it."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from api.results import Recorded
from api.schemas import Code, CommandBody, Text


class RecallRequest(CommandBody):
    """召回: a supplier's product, either one lot or everything produced in a date range, on the authority's
    notice."""

    notice_number: Code = Field(description="the authority's recall notice number (召回通告编号); one recall each")
    reason: Text
    supplier: Code
    product: Text = Field(description="the product's name as the batches were received with it")
    lot: Code | None = Field(None, description="the supplier's lot (批号); or give produced_from and produced_to")
    produced_from: date | None = None
    produced_to: date | None = None


class RecallCloseRequest(CommandBody):
    note: str = Field("", max_length=500, description="结案说明")


class RecallChanged(Recorded):
    recall_id: str
    notice_number: str
    open: bool = Field(description="false once closed (结案)")


class RecallOpened(RecallChanged):
    held: int = Field(description="how many batches it held, in every school")
    schools: list[str] = Field(description="the schools that hold a batch of it")


class RecallAmounts(BaseModel):
    """Where a batch's units are, or a school's or the recall's per unit: decimal strings."""

    unit: str
    received: str
    served: str = Field(description="issued to meals before the hold (and not returned to store)")
    returned: str = Field(description="returned to the supplier (退货)")
    destroyed: str = Field(description="destroyed before a witness (销毁)")
    held: str = Field(description="still held in the store room")
    accounted: str = Field(description="served + returned + destroyed")
    outstanding: str = Field(description="what must still be returned or destroyed before the recall can close")


class RecallBatch(RecallAmounts):
    code: str
    product: str
    held_at: str


class RecallSchool(BaseModel):
    school: str
    school_name: str
    done: bool = Field(description="none of its batches holds stock any more")
    batches: list[RecallBatch]
    totals: list[RecallAmounts]


class RecallOut(BaseModel):
    recall_id: str
    notice_number: str
    supplier: str
    product: str
    lot: str | None
    produced_from: date | None
    produced_to: date | None
    reason: str
    opened_by: str
    opened_at: str
    closed_by: str | None
    closed_at: str | None
    note: str | None
    open: bool


class RecallViewOut(RecallOut):
    schools: list[RecallSchool]
    schools_done: int
    schools_pending: int
    totals: list[RecallAmounts]
