"""A newcomer's first hour: the small things that decide whether the product is trusted (issue: Step 8)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.test_cli import FOODTRACE, seed_demo

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    """A small demo county on SQLite, seeded once for these tests."""
    url = f"sqlite:///{tmp_path_factory.mktemp('first-hour') / 'demo.sqlite3'}"
    return url, seed_demo(url, 5)


def test_demo_prints_what_a_newcomer_needs_and_it_works(demo_store: tuple[str, dict[str, Any]], tmp_path: Path):
    url, summary = demo_store
    newcomer = summary["newcomer"]
    assert newcomer["pages"] == "http://127.0.0.1:8000/app"
    settings = Settings(database_url=url, documents_dir=tmp_path / "documents", follow_projections=False)
    with TestClient(create_app(settings)) as client:
        for person in newcomer["sign_in"]:  # the PINs sign in on the pages
            body = {"person_id": person["person"], "pin": person["pin"], "role": person["role"]}
            assert client.post("/api/v1/sessions", json=body).status_code == 201, person
        token = {"Authorization": f"Bearer {newcomer['investigator_token']}"}
        code = summary["example_batch"]
        assert client.get(f"/api/v1/batches/{code}/history", headers=token).status_code == 200


def test_label_without_output_is_written_beside_the_user(demo_store: tuple[str, dict[str, Any]], tmp_path: Path):
    url, summary = demo_store
    code = summary["example_batch"]
    env = {**os.environ, "FOODTRACE_DATABASE_URL": url}
    result = subprocess.run([FOODTRACE, "label", code, "--format", "png"], env=env, cwd=tmp_path, capture_output=True)
    assert result.returncode == 0, result.stderr
    written = tmp_path / f"{code}-40x30.png"
    assert written.read_bytes().startswith(b"\x89PNG")
    assert written.name in result.stderr.decode()


def test_history_into_a_closed_pipe_ends_quietly(demo_store: tuple[str, dict[str, Any]]) -> None:
    """`foodtrace history CODE --json | head`: the reader stops early; no traceback for the user."""
    url, summary = demo_store
    env = {**os.environ, "FOODTRACE_DATABASE_URL": url}
    command = [FOODTRACE, "history", summary["example_batch"], "--json"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the first line is written
    errors = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0
    assert "Traceback" not in errors and "BrokenPipeError" not in errors


def test_the_address_make_run_prints_opens_the_pages(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'ledger.sqlite3'}",
        documents_dir=tmp_path / "documents",
        follow_projections=False,
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/", follow_redirects=False)
        assert response.status_code == 307 and response.headers["location"] == "/app"
        assert client.get("/").status_code == 200  # the sign-in page, in a browser


def test_installing_the_package_prints_no_setuptools_warnings(tmp_path: Path) -> None:
    """pip install once printed ~130 lines of "Package 'api.pages.static' is absent from the packages configuration"."""
    source = tmp_path / "source"  # a copy, so the build leaves nothing in the work tree
    source.mkdir()
    for part in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / part, source / part)
    for package in ("domain", "projections", "api", "labels"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    assert "absent from the" not in result.stdout + result.stderr
    wheel = next(tmp_path.glob("foodtrace-*.whl"))
    listed = subprocess.run([sys.executable, "-m", "zipfile", "-l", str(wheel)], capture_output=True, text=True)
    for shipped in (
        "api/pages/templates/base.html",
        "api/pages/static/app.js",
        "zxing_reader.wasm",
        "api/examples.json",
    ):
        assert shipped in listed.stdout
