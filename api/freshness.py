"""Fresh answers, said out loud: every investigation answer names the log position it reflects and the views' lag,
and a reader may ask for one that includes a given write (``?after=<position>``, the write's own ``position``).

The views follow the log a few milliseconds behind it; a read with ``after`` waits (at most the server's
``read_wait_seconds``, 5 s by default) until the views it reads have that position, and otherwise answers 503.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Response

from api.deps import SettingsDep, Views, built_on_loop
from api.errors import ApiError
from api.schemas import BIGINT_MAX

AFTER = (
    "a log position, e.g. a write's `position`: wait until the answer includes it (at most a few seconds, "
    "then 503); a position beyond the log's head is 422"
)
# Documented on every route that takes ?after=.
STALE_RESPONSES: dict[int | str, dict[str, Any]] = {
    503: {"description": "the views did not reach ?after= in time: retry shortly"}
}


class ReadAfter:
    """A dependency: reads ``?after=``, waits for it, and says how fresh the answer is (body and headers)."""

    def __init__(
        self,
        views: Views,
        settings: SettingsDep,
        response: Response,
        after: Annotated[int | None, Query(ge=0, le=BIGINT_MAX, description=AFTER)] = None,
    ) -> None:
        self.views = views
        self.wait_seconds = settings.read_wait_seconds
        self.response = response
        self.after = after
        self.headers: dict[str, str] = {}

    def reading(self, *names: str) -> dict[str, Any]:
        """Wait for ``?after=`` on these views (none: the log itself), then their freshness, for the answer.

        Also set as the headers ``X-Log-Position``, ``X-Log-Head`` and ``X-Log-Lag`` (an export carries them
        through ``self.headers``).
        """
        if self.after is not None:
            self._wait(names, self.after)
        fresh = self.views.freshness(names)
        self.headers = {
            "X-Log-Position": str(fresh["position"]),
            "X-Log-Head": str(fresh["head"]),
            "X-Log-Lag": str(fresh["lag"]),
        }
        self.response.headers.update(self.headers)
        return fresh

    def _wait(self, names: tuple[str, ...], after: int) -> None:
        head = self.views.head()
        if after > head:
            raise ApiError(
                422,
                "invalid_input",
                f"日志位置{after}不存在：目前最新位置为{head}",
                f"after={after} is beyond the log's last position ({head})",
                "after",
            )
        if not self.views.wait_for(names, after, self.wait_seconds):
            status = self.views.freshness(names)
            raise ApiError(
                503,
                "views_behind",
                f"查询视图尚未更新到位置{after}（当前{status['position']}），请稍后重试",
                f"the views have not reached position {after} yet (they are at {status['position']}); "
                "retry in a moment",
                "after",
                **status,
            )


Fresh = Annotated[ReadAfter, Depends(built_on_loop(ReadAfter))]
