"""Response models of the investigators' answers, so that /openapi.json describes them."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Freshness(BaseModel):
    """Which point of the event log an answer reflects, and how far the views it read lag behind the log."""

    position: int = Field(description="every event up to this log position is in the answer")
    head: int = Field(description="the log's last position when the answer was read")
    lag: int = Field(description="head − position: events recorded but not yet in the answer")
    views: dict[str, int] = Field(description="the position of each view the answer read (none: the log itself)")
