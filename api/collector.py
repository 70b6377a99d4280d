"""Python's garbage collector as the server runs it: young collections rarer, full ones rarer still.

CPython's default thresholds (700, 10, 10) collect the youngest objects every 700 net allocations and walk every
tracked object of the process every 100 of those. A backward trace of a lunch builds some hundred thousand short-lived
objects (rows, dicts, answers), so one trace in a few paid for a walk of the whole heap, the aggregate cache
included: on a county with the full fan-out (bench/trace.py, quiet machine) the backward trace's p99 was 92 ms at a
p50 of 33, and 37 ms with the collector off. With these thresholds the same run gives a p99 of 36–44 ms
(bench/RESULTS.md, "Traces"). Cycles are still collected, a full walk some thousand times less often; what was
loaded at start-up is left out of every walk (``gc.freeze``).
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 50, 100)  # young, middle, full: each counts collections of the one before it


def tune() -> None:
    """Set the thresholds for this process; call it once its start-up objects are built."""
    gc.set_threshold(*THRESHOLDS)
    gc.freeze()
