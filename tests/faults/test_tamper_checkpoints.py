"""Signed checkpoints let an outsider catch a rewritten history, name where it differs, and spot forgeries.

Before: `verify` only compared one digest that was printed and never anchored anywhere, so a forger who rewrote
the chain and printed a new digest passed; it named no position, and a log shorter than the number typed read as
"history was changed". None of the commands or endpoints below existed.
"""

from __future__ import annotations

import base64
import json
import os
import re
import sqlite3
import subprocess
from pathlib import Path

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from api.app import create_app
from api.checkpoints import Checkpoint
from api.cli import main
from api.settings import Settings
from api.tokens import Credentials
from domain.digest import log_digest
from domain.ledger import Ledger
from tests.county import ADMIN, County
from tests.faults.serving import wait_for
from tests.test_cli import FOODTRACE


class Auditor:
    """Runs `foodtrace` commands as a person would, against one store and one signing key."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, folder: Path):
        monkeypatch.setenv("FOODTRACE_DATABASE_URL", url)
        monkeypatch.setenv("FOODTRACE_SIGNING_KEY", str(folder / "signing-key.pem"))
        self.capsys = capsys
        self.folder = folder

    def run(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        status = main(list(args))
        out, err = self.capsys.readouterr()
        return status, out, err

    def checkpoint(self) -> dict[str, object]:
        status, out, _ = self.run("checkpoint")
        assert status == 0
        return dict(json.loads(out))

    def export(self, name: str = "checkpoints.json") -> Path:
        path = self.folder / name
        assert self.run("checkpoints", "export", "-o", str(path))[0] == 0
        return path


@pytest.fixture
def auditor(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], database_url: str, tmp_path: Path
) -> Auditor:
    return Auditor(monkeypatch, capsys, database_url, tmp_path)


def edit_event(database_url: str, position: int) -> None:
    """What a forger with database access does: change one stored event's bytes in place."""
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            edited = conn.execute(
                "UPDATE stored_events SET state = CAST(state || X'20' AS BLOB) WHERE rowid = ?", (position,)
            ).rowcount
    else:
        with psycopg.connect(database_url, autocommit=True) as conn:
            edited = conn.execute(
                "UPDATE ledger_events SET state = state || '\\x20'::bytea WHERE notification_id = %s", (position,)
            ).rowcount
    assert edited == 1, f"no event at position {position}"


def position_after(ledger: Ledger, after: int, nth: int = 1) -> int:
    """The log position of the ``nth`` event after position ``after`` (positions need not start at 1 or be dense)."""
    return ledger.recorder.select_notifications(start=after + 1, limit=nth)[-1].id


def test_a_rewritten_chain_with_a_new_digest_is_caught_by_a_signed_checkpoint(
    county: County, auditor: Auditor, database_url: str
) -> None:
    # Given a signed checkpoint, exported and posted on the notice board
    county.receive()
    signed = auditor.checkpoint()
    posted = auditor.export()
    # When a forger edits the third event and prints a fresh digest of the rewritten log
    third = position_after(county.ledger, 0, nth=3)
    edit_event(database_url, third)
    forged = log_digest(county.ledger.recorder)
    assert auditor.run("verify", "--events", str(forged.events), "--digest", forged.digest)[0] == 0  # fools a digest
    # Then the signed checkpoint catches it, and says which event
    status, _, err = auditor.run("verify", "--checkpoints", str(posted))
    assert status == 1
    assert f"事件 #{third} 与检查点不符" in err and f"event {third} differs from the checkpoint" in err
    assert f"checkpoint at event {signed['position']} does not match" in err
    # And a digest filed earlier also names the event now
    status, _, err = auditor.run("verify", "--events", str(signed["position"]), "--digest", str(signed["digest"]))
    assert status == 1 and f"event {third} differs" in err


def test_an_event_appended_after_a_checkpoint_and_edited_is_caught_by_the_next(
    county: County, auditor: Auditor, database_url: str
) -> None:
    county.receive()
    first = auditor.checkpoint()
    county.receive()  # events appended after the first checkpoint
    second = auditor.checkpoint()
    assert int(second["position"]) > int(first["position"])
    posted = auditor.export()
    assert auditor.run("verify", "--checkpoints", str(posted))[0] == 0

    appended = position_after(county.ledger, int(first["position"]))
    edit_event(database_url, appended)

    status, _, err = auditor.run("verify", "--checkpoints", str(posted))
    assert status == 1
    assert f"event {appended} differs from the checkpoint" in err
    assert f"checkpoint at event {second['position']} does not match" in err and "1 earlier checkpoint" in err


def test_a_forged_checkpoint_fails_its_signature(county: County, auditor: Auditor) -> None:
    county.receive()
    auditor.checkpoint()
    posted = auditor.export()
    genuine = json.loads(posted.read_text())
    held_key = genuine["public_key"]  # what the auditor copied down when it was posted

    # A checkpoint whose digest was altered after signing
    altered = json.loads(posted.read_text())
    altered["checkpoints"][0]["digest"] = "0" * 64
    posted.write_text(json.dumps(altered))
    status, _, err = auditor.run("verify", "--checkpoints", str(posted))
    assert status == 1 and "bad signature" in err and "签名无效" in err

    # A checkpoint re-signed with the forger's own key, checked with the key the auditor holds
    forger = Ed25519PrivateKey.generate()
    entry = Checkpoint(**{**genuine["checkpoints"][0], "digest": "1" * 64})
    resigned = {
        **genuine,
        "checkpoints": [{**entry.__dict__, "signature": base64.b64encode(forger.sign(entry.message())).decode()}],
    }
    posted.write_text(json.dumps(resigned))
    status, _, err = auditor.run("verify", "--checkpoints", str(posted), "--public-key", held_key)
    assert status == 1 and "bad signature" in err


def test_a_log_shorter_than_the_checkpoint_says_so(county: County, auditor: Auditor) -> None:
    county.receive()
    signed = auditor.checkpoint()
    head = int(signed["position"])
    # A mistyped --events larger than the log is not "history was changed"
    status, _, err = auditor.run("verify", "--events", str(head + 100), "--digest", str(signed["digest"]))
    assert status == 2  # check your input; still not 0, so a cron job that watches the status is alerted
    assert f"the log holds only {head} events, but the filed digest covers {head + 100}: check --events" in err
    assert f"日志只有 {head} 个事件" in err and "events were removed from the end" in err
    assert "history was changed" not in err


def test_the_checkpoints_and_the_public_key_are_published_without_a_token(county: County, tmp_path: Path) -> None:
    ledger = county.ledger
    county.receive()
    token = Credentials(ledger).create_token(ADMIN.person_id, "admin", None, "auditor test", ADMIN)[0]
    settings = Settings(database_url="unused://", documents_dir=tmp_path / "documents", follow_projections=False)
    with TestClient(create_app(settings, ledger=ledger)) as client:
        signed = client.post("/api/v1/checkpoints", headers={"Authorization": f"Bearer {token}"})
        assert signed.status_code == 201
        assert client.post("/api/v1/checkpoints").status_code == 401  # signing is an administrator's

        published = client.get("/api/v1/checkpoints")
        key = client.get("/api/v1/checkpoints/public-key")
    assert published.status_code == 200 and key.status_code == 200
    document = published.json()
    assert document["public_key"] == key.json()["public_key"]
    [checkpoint] = [Checkpoint(**entry) for entry in document["checkpoints"]]
    assert checkpoint.position == (ledger.recorder.max_notification_id() or 0)
    assert checkpoint.digest == log_digest(ledger.recorder).digest
    assert checkpoint.signature_holds(key.json()["public_key"])


def test_the_readme_tamper_check_runs_as_written(tmp_path: Path) -> None:
    """The commands of README's "When things go wrong", run as printed against a small store."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## When things go wrong") :]
    commands = re.findall(r"^\.venv/bin/foodtrace ([^#\n]+?)\s*(?:#.*)?$", section, flags=re.M)
    assert [c.split()[0] for c in commands] == ["checkpoint", "checkpoints", "verify"]
    env = {
        **os.environ,
        "FOODTRACE_DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.sqlite3'}",
        "FOODTRACE_SIGNING_KEY": str(tmp_path / "signing-key.pem"),
    }
    token = [FOODTRACE, "token", "create", "--person", "inv-1", "--role", "investigator"]
    assert subprocess.run(token, env=env, cwd=tmp_path, capture_output=True).returncode == 0  # a first record
    for command in commands:
        done = subprocess.run([FOODTRACE, *command.split()], env=env, cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, f"{command}: {done.stderr}"
    assert done.stdout.startswith("ok")


def test_the_server_signs_a_checkpoint_on_its_schedule_when_the_log_grew(county: County, tmp_path: Path) -> None:
    ledger = county.ledger
    settings = Settings(
        database_url="unused://",
        documents_dir=tmp_path / "documents",
        follow_projections=False,
        checkpoint_minutes=0.001,  # every 60 ms, so the test waits for the state, not for an hour
    )
    with TestClient(create_app(settings, ledger=ledger)) as client:
        checkpoints = client.app.state.checkpoints  # type: ignore[attr-defined]
        first = wait_for(checkpoints.latest, "the first scheduled checkpoint")
        county.receive()  # the log grows
        head = ledger.recorder.max_notification_id()
        grown = wait_for(lambda: (latest := checkpoints.latest()) and latest.position == head and latest, "the next")
    assert first.position < grown.position and grown.signature_holds()
