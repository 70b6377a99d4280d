"""The README runs: every shell and curl example in it, as printed, one by one, against a freshly seeded demo
served by a real ``foodtrace serve`` on SQLite. A stale batch code, date, field name or flag fails here.

The only change made to a command is the server's address (the README's 127.0.0.1:8000 is this test's port).
Commands that cannot run in a test are listed in SKIPPED, each with its reason.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from domain.codes import InvalidBatchCode, normalise_batch_code
from tests.docs.readme import Example, examples, examples_in
from tests.test_cli import FOODTRACE

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
ADDRESS = "http://127.0.0.1:8000"
DEMO_DAYS = "14"  # the README's examples need a few school weeks, not the default 60 days

SKIPPED = [  # (what the command matches, why it cannot run here)
    (r"\bmake run\b", "serves until stopped: test_make_run_serves_where_it_says checks the target instead"),
    (r"^make test\b", "is the test suite this test runs in"),
    (r"^export FOODTRACE_DATABASE_URL=postgresql", "points every later command at a database that must exist"),
    (r"epcis push --to https://epcis\.city\.example", "needs the city's EPCIS endpoint: tests/epcis/test_push.py"),
]
# Each curl also reports its HTTP status on stderr, where no command of the README reads it.
PRELUDE = """set -a -o pipefail
curl() { command curl -w '%{stderr}\\nreadme-http-status %{http_code}\\n' "$@"; }
"""
FORGET = {"_", "SHLVL", "OLDPWD", "PWD"}


def skipped(example: Example) -> str | None:
    return next((why for pattern, why in SKIPPED if re.search(pattern, example.text)), None)


@dataclass
class Demo:
    folder: Path  # the newcomer's clone: .venv/bin/foodtrace, and where files are written
    env: dict[str, str]
    address: str
    summary: dict[str, Any]  # what the demo printed


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """`make run` in small: a demo county seeded into an empty SQLite store, then served."""
    folder = tmp_path_factory.mktemp("clone")
    (folder / ".venv" / "bin").mkdir(parents=True)
    (folder / ".venv" / "bin" / "foodtrace").symlink_to(FOODTRACE)
    data = tmp_path_factory.mktemp("data")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOODTRACE_")}
    env.update(
        FOODTRACE_DATABASE_URL=f"sqlite:///{data / 'ledger.sqlite3'}",
        FOODTRACE_DOCUMENTS=str(data / "documents"),
        FOODTRACE_CHECKPOINT_MINUTES="0",
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"http://127.0.0.1:{port}"
    seeded = subprocess.run(
        [FOODTRACE, "demo", "--if-empty", "--days", DEMO_DAYS, "--address", address],
        env=env, cwd=folder, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr
    server = subprocess.Popen([FOODTRACE, "serve", "--port", str(port)], env=env, cwd=folder, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{address}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield Demo(folder, env, address, json.loads(seeded.stdout))
    finally:
        server.terminate()
        server.wait(timeout=30)


def run_example(demo: Demo, example: Example) -> tuple[int, list[int], str]:
    """Run one command in bash as a person would paste it; the variables it sets carry over to the next."""
    command = example.text.replace(ADDRESS, demo.address)
    state = demo.folder / ".readme-env"
    script = f"{PRELUDE}{command}\nstatus=$?\nenv -0 > {state}\nexit $status\n"
    done = subprocess.run(
        ["bash", "-c", script], env=demo.env, cwd=demo.folder, capture_output=True, text=True, timeout=600
    )
    if state.exists():
        for item in state.read_text(encoding="utf-8").split("\0"):
            name, _, value = item.partition("=")
            if name and name not in FORGET:
                demo.env[name] = value
    statuses = [int(s) for s in re.findall(r"readme-http-status (\d+)", done.stderr)]
    said = re.sub(r"\n?readme-http-status \d+\n", "", done.stderr)
    return done.returncode, statuses, f"stdout: {done.stdout[-1500:]}\nstderr: {said[-1500:]}"


def wrong(example: Example, returncode: int, statuses: list[int]) -> str | None:
    """What differs from what the README says this command answers; None when it answers so."""
    if returncode != example.exit:
        return f"exited {returncode}, the README says {example.exit}"
    if "curl " in example.text and not statuses:
        return "no curl ran"
    for status in statuses:
        if status != example.status and not (example.status is None and 200 <= status < 300):
            return f"answered HTTP {status}, the README says {example.status or '2xx'}"
    return None


def test_every_readme_command_runs_as_printed(demo: Demo) -> None:
    ran = 0
    for example in examples(README):
        if skipped(example):
            continue
        returncode, statuses, output = run_example(demo, example)
        problem = wrong(example, returncode, statuses)
        assert problem is None, f"{example}\n{problem}\n{output}"
        ran += 1
    assert ran >= 60, "the README's examples were not found"


STALE = [  # as the issue found them: a code, a month, a field name and a flag that no longer fit
    "curl -s {address}/api/v1/batches/7KQ2-M9XHH -H 'Authorization: Bearer {token}'",
    ".venv/bin/foodtrace export ledger --school CG01 --month 2021-03 -o 台账.xlsx",
    "curl -s {address}/api/v1/sessions -H 'Content-Type: application/json' -d '{{\"person\": \"CG01-1\"}}'",
    ".venv/bin/foodtrace trace backward --school CG01 --day 2026-03-02 --meal lunch",
    "curl -s {address}/api/v1/batches/7KQ2-M9XHH -H 'Authorization: Bearer {token}'   # → 200 a stale claim",
]


@pytest.mark.parametrize("stale", STALE)
def test_a_stale_example_is_caught(demo: Demo, stale: str) -> None:
    """The check itself can fail: examples gone stale in the ways the issue found are reported."""
    token = demo.summary["newcomer"]["investigator_token"]
    [example] = examples_in(f"```sh\n{stale.format(address=demo.address, token=token)}\n```\n")
    returncode, statuses, output = run_example(demo, example)
    assert wrong(example, returncode, statuses) is not None, output


def test_the_skip_list_names_only_commands_the_readme_has() -> None:
    """A skip that matches nothing is a stale excuse: remove it."""
    every = examples(README)
    for pattern, why in SKIPPED:
        assert any(re.search(pattern, e.text) for e in every), f"nothing in the README matches {pattern} ({why})"


def test_make_run_serves_where_it_says() -> None:
    """`make run PORT=…` (documented in the README) seeds with that address printed and serves on that port."""
    planned = subprocess.run(
        ["make", "-n", "run", "PORT=8711", "HOST=0.0.0.0"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert planned.returncode == 0, planned.stderr
    assert "demo --if-empty --address http://0.0.0.0:8711" in planned.stdout
    assert "serve --host 0.0.0.0 --port 8711" in planned.stdout
    assert re.search(r"^make run PORT=\d+", README.read_text(encoding="utf-8"), re.MULTILINE)


def test_every_batch_code_in_the_readme_and_the_scan_page_passes_its_check_character() -> None:
    i18n = (ROOT / "api" / "pages" / "i18n.py").read_text(encoding="utf-8")
    cli = (ROOT / "api" / "cli" / "__init__.py").read_text(encoding="utf-8")
    codes = set(re.findall(r"\b[0-9A-Z]{4}-[0-9A-Z]{5}\b", README.read_text(encoding="utf-8") + i18n + cli))
    assert codes, "no example code found"
    for code in codes:
        try:
            normalise_batch_code(code)
        except InvalidBatchCode:
            pytest.fail(f"{code} fails its own check character")


def test_the_demo_summary_is_there_again_later(demo: Demo) -> None:
    """`make run` prints the summary once, then serves; `foodtrace demo --summary` shows it again."""
    again = subprocess.run(
        [FOODTRACE, "demo", "--summary"], env=demo.env, cwd=demo.folder, capture_output=True, text=True, timeout=60
    )
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert summary == demo.summary
    assert summary["newcomer"]["pages"] == f"{demo.address}/app"
    assert "FOODTRACE_RESOLVER_BASE" in summary["newcomer"]["labels"]
    pin = subprocess.run(
        [FOODTRACE, "demo", "--summary", "newcomer.sign_in.0.pin"],
        env=demo.env, cwd=demo.folder, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert pin.stdout.strip() == summary["newcomer"]["sign_in"][0]["pin"]
    signed_in = httpx.post(
        f"{demo.address}/api/v1/sessions", json={"person_id": "CG01-1", "pin": pin.stdout.strip()}, timeout=30
    )
    assert signed_in.status_code == 201, signed_in.text
    card = httpx.get(
        f"{demo.address}/api/v1/batches/{summary['example_batch']}",
        headers={"Authorization": f"Bearer {signed_in.json()['token']}"},
        timeout=30,
    )
    assert card.status_code == 200, "the example batch is one the demo's storekeeper can open"
