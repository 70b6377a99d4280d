"""Every investigation answer equals a plain replay of the event log (the reference oracle, issue 9 point 7).

Hypothesis generates county histories through the Ledger's commands (machine.py); at the end of each, the
views catch up and every answer (traces both ways, a batch as of each of its moments, stock, the month's 台账,
compliance, search) is compared with the one derived from the stored events alone (replay.py, reference.py).

    FOODTRACE_ORACLE_EXAMPLES=500 pytest tests/oracle     # longer runs (default 15 histories per backend)
    FOODTRACE_ORACLE_STEPS=60                             # commands per history at most (default 40)
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from tests.oracle.conftest import Store
from tests.oracle.defects import unexplained
from tests.oracle.oracle import Mismatch

EXAMPLES = int(os.environ.get("FOODTRACE_ORACLE_EXAMPLES", "15"))
STEPS = int(os.environ.get("FOODTRACE_ORACLE_STEPS", "40"))


def report(found: list[Mismatch]) -> str:
    first: dict[str, Mismatch] = {}
    for m in found:
        first.setdefault(m.part, m)
    return f"{len(found)} answers differ from the replay of the log:\n" + "\n".join(str(m) for m in first.values())


@pytest.mark.timeout(max(300, 30 * EXAMPLES))  # a long run (FOODTRACE_ORACLE_EXAMPLES) gets the time it needs
def test_every_investigation_answer_equals_a_replay_of_the_log(store: Store) -> None:
    def judge(found: list[Mismatch]) -> None:
        wrong = unexplained(found)
        assert not wrong, report(wrong)

    run_state_machine_as_test(
        store.machine(judge),
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # no explain phase: it replays a lot
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
