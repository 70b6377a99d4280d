"""The EPCIS query's parameters (a subset of SimpleEventQuery's), and what the capture answers."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class EventQueryParams(BaseModel):
    """EPCIS query parameters by their EPCIS names; a county-wide caller names a batch, a lot or a school."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    epc: str | None = Field(
        default=None, alias="MATCH_epc", max_length=300, description="a batch: its label's address or its code"
    )
    epc_class: str | None = Field(
        default=None, alias="MATCH_epcClass", max_length=300, description="a lot: https://id.gs1.org/01/GTIN/10/LOT"
    )
    biz_location: str | None = Field(
        default=None, alias="EQ_bizLocation", max_length=300, description="a school: its URI or its code"
    )
    biz_step: str | None = Field(default=None, alias="EQ_bizStep", max_length=64, pattern=r"^[a-z_]+$")
    since: AwareDatetime | None = Field(default=None, alias="GE_eventTime", description="events at or after")
    before: AwareDatetime | None = Field(default=None, alias="LT_eventTime", description="events before")
    limit: int = Field(default=100, ge=1, le=500)
    cursor: str | None = Field(default=None, pattern=r"^[0-9]{1,9}$", description="from foodtrace:next_cursor")


class CapturedEvent(BaseModel):
    event_id: str = Field(description="the event's eventID: the announcement's idempotency key")
    status: int = Field(description="201 announced (or announced before: a retry), else the refusal's HTTP status")
    announcement_id: str | None = None
    code: str | None = Field(default=None, description="the refusal's stable code, as in a problem+json answer")
    zh: str | None = None
    en: str | None = None
    field: str | None = None


class CaptureOut(BaseModel):
    events: list[CapturedEvent]
