"""What each write answers: one model per kind of command, with exactly the fields that command fills.

Every answer carries ``position``; the rest is what the command's handler returns (domain/*.py), so a field here is
never null for want of a value. A retry with the same Idempotency-Key answers the first result again.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class Recorded(BaseModel):
    position: int = Field(
        description="the event log position this write produced: read with ?after=<position> to see it in the views"
    )


class BatchChanged(Recorded):
    """A command on a received batch: the batch after it."""

    code: str = Field(description="the batch code (批次码)")
    version: int = Field(description="the batch's version after the command: send it with a correction")
    on_hand: str = Field(description='what is left in the store, a decimal string such as "12.5"')
    unit: str


class BatchCoSigned(BatchChanged):
    status: str = Field(description="received once every signer has signed, else awaiting_co_signer")


class BatchCertificateAttached(BatchChanged):
    document: str = Field(description="the SHA-256 of the stored file, as the certificate's record names it")


class HandOff(BatchChanged):
    """出库: an issue offered to the kitchen lead, signed by them, or cancelled."""

    offer: int | None = Field(description="the hand-off's number on its batch; null when the taker signed at once")
    status: str = Field(description="awaiting_taker, issued or cancelled")


class BatchReceived(Recorded):
    code: str = Field(description="the new batch's code (批次码), printed on its label")
    batch_id: str
    status: str = Field(
        "received", description="received, or awaiting_co_signer until the second person signs (co_sign_batch)"
    )  # answers recorded before co-signing existed were all "received"


class DeliveryReceived(BatchReceived):
    announcement_id: str


class DeliveryChanged(Recorded):
    """An announced delivery after a command: announced, rejected at the door, withdrawn."""

    announcement_id: str
    status: str = Field(description="announced, received, rejected or withdrawn")


class DeliveryCertificateAttached(Recorded):
    announcement_id: str
    certificates: int = Field(description="how many certificates the delivery now has")
    document: str = Field(description="the SHA-256 of the stored file, as the certificate's record names it")


class SampleRetained(Recorded):
    sample_id: str
    keep_until: datetime = Field(description="留样 must be kept until then (county time)")


class DishServed(Recorded):
    """供餐记录 of one dish: it replaces any earlier record of the same dish of the meal."""

    school: str
    meal_date: str
    meal: str
    dish: str
    batch_codes: list[str]
    portions: int


class SampleChanged(Recorded):
    sample_id: str


class SchoolRegistered(Recorded):
    school: str


class SupplierChanged(Recorded):
    supplier: str


class StaffChanged(Recorded):
    person_id: str


class PinSet(StaffChanged):
    status: str = Field(description="pin_set")


class MenuChanged(Recorded):
    """A week's menu (周食谱) after it was published, copied or amended."""

    school: str
    week: str = Field(description="the week's Monday")
    version: int = Field(description="1 when published or copied; each amendment adds one")
    meals: int = Field(description="how many meals of the week have dishes")
    dishes: int = Field(description="how many dishes the week's meals list in all")
