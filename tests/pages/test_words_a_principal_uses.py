"""Words a principal uses (issue 11): every Chinese output of a demo county — the compliance and 台账 pages, the
台账 and trace spreadsheets, the command line's readable trace and history, the labels — names things as a person
does. No internal identifier shows: a net of snake_case words, every enum value of the domain, "§" and ISO weeks.

The demo is seeded as a newcomer seeds it (``foodtrace demo``), relative to today, and served by the real app."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from api.app import create_app
from api.settings import Settings
from domain import glossary
from domain.history import WHAT_ZH
from domain.rules import DEFAULT_PROFILE, Category, CertificateKind
from domain.values import UNITS, Meal, Role, Stage
from labels.model import SampleLabel
from labels.render import render_sample_label
from tests.pages.conftest import DESKTOP, Phones, serving, watched_phones
from tests.test_cli import FOODTRACE

# SI symbols are written as symbols in Chinese text too (GB 3100): 20 kg, 150 g.
SI_SYMBOLS = {"kg", "g", "L", "mL"}
DOMAIN_VALUES = (
    {str(v) for enum in (Category, CertificateKind, Meal, Stage, Role) for v in enum}
    | (set(UNITS) - SI_SYMBOLS)
    | set(WHAT_ZH)  # the batch's event class names: Received, IssuedToKitchen…
    | {str(key) for table in glossary.IDENTIFIER_TABLES for key in table}
    | {"green", "red", "yellow", "blue", "fit", "unfit", "voided", "lot", "none"}
) - SI_SYMBOLS
ENUM_WORDS = [(value, re.compile(rf"(?<![A-Za-z0-9_]){re.escape(value)}(?![A-Za-z0-9_])")) for value in DOMAIN_VALUES]
SNAKE_CASE = re.compile(r"(?<![A-Za-z0-9_-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![A-Za-z0-9_-])")
ISO_WEEK = re.compile(r"\d{4}-W\d{2}(?![0-9A-Z])")  # a batch code like 3775-W236F is not a week


def county_today() -> date:
    return datetime.now(ZoneInfo(DEFAULT_PROFILE.timezone)).date()


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def identifiers_in(text: str) -> list[str]:
    """Everything in ``text`` that a principal would read as code rather than words."""
    found = SNAKE_CASE.findall(text) + ISO_WEEK.findall(text) + (["§"] if "§" in text else [])
    return found + [value for value, pattern in ENUM_WORDS if pattern.search(text)]


def assert_in_words(where: str, text: str) -> None:
    assert text.strip(), f"{where} is empty: nothing was checked"
    leaks = identifiers_in(text)
    lines = [line for line in text.splitlines() if any(leak in line for leak in leaks)][:5]
    assert not leaks, f"{where} shows identifiers {sorted(set(leaks))} in: {lines}"


@dataclass
class Demo:
    url: str
    env: dict[str, str]
    summary: dict[str, Any]
    folder: Path

    def run(self, argv: list[str]) -> str:
        done = subprocess.run([FOODTRACE, *argv], env=self.env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def export(self, *args: str) -> Path:
        name = self.folder / f"export-{len(list(self.folder.glob('export-*')))}"
        fmt = args[args.index("--format") + 1] if "--format" in args else "xlsx"
        path = name.with_suffix("." + fmt)
        self.run(["export", *args, "-o", str(path)])
        return path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    folder = tmp_path_factory.mktemp("words")
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    env = {**os.environ, "FOODTRACE_DATABASE_URL": url, "FOODTRACE_DOCUMENTS": str(folder / "documents")}
    seeded = subprocess.run([FOODTRACE, "demo", "--days", "21"], env=env, capture_output=True, text=True, timeout=1200)
    assert seeded.returncode == 0, seeded.stderr
    return Demo(url, env, json.loads(seeded.stdout), folder)


@pytest.fixture(scope="module")
def demo_server(demo: Demo) -> Iterator[str]:
    settings = Settings(database_url=demo.url, documents_dir=demo.folder / "documents")
    with serving(create_app(settings), start_within=60) as base:
        yield base


@pytest.fixture
def office(browser: Browser, demo_server: str) -> Iterator[Phones]:
    with watched_phones(browser, demo_server) as opened:
        yield opened


def oil(demo: Demo) -> dict[str, Any]:
    """A batch of 食用油, counted in bottles: the unit that once showed as "bottle"."""
    traced = json.loads(demo.run(["trace", "forward", "--supplier", "SUP-WF", "--product", "食用油", "--json"]))
    return next(b for b in traced["batches"] if b["school"] == "CG01")


def workbook_text(path: Path) -> str:
    sheet = load_workbook(path).active
    assert sheet is not None
    return "\n".join(" ".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True))


def column(path: Path, heading: str) -> str:
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    index = rows[0].index(heading)
    return "\n".join(row[index] for row in rows[1:])


def sign_in_as_principal(page: Page, demo: Demo) -> None:
    principal = next(p for p in demo.summary["newcomer"]["sign_in"] if p["role"] == "principal")
    page.goto("/app/sign-in")
    page.get_by_label("人员编号").fill(principal["person"])
    page.get_by_label("PIN码").fill(principal["pin"])
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/app/compliance"))


def test_the_net_catches_what_was_seen(demo: Demo) -> None:
    """The leaks the first hour found would be caught: a certificate kind, a unit, English in a trace, a §."""
    for seen in (
        "quality_inspection_report；县检测中心",
        "7 bottle",
        "fit on the days handled",
        "§15 检查次数",
        "2026-W44",
    ):
        assert identifiers_in(seen), seen
    assert not identifiers_in("同批次质量检测报告；县检测中心 · 7 瓶 · 20 kg · 第48周（11月23日–11月29日）")


def test_every_value_of_the_domain_has_a_name_in_the_glossary() -> None:
    named = (
        (glossary.CATEGORIES, Category), (glossary.CERTIFICATES, CertificateKind), (glossary.MEALS, Meal),
        (glossary.STAGES, Stage), (glossary.ROLES, Role),
    )  # fmt: skip
    for table, enum in named:
        assert set(table) == {str(v) for v in enum}, enum
        assert all(zh and zh != key for key, (zh, _) in table.items()), enum
    assert set(glossary.UNITS) == set(UNITS)
    assert glossary.zh(glossary.CATEGORIES, "meat") == "肉类"  # the card's word, on the label too


def test_exports_name_certificates_units_and_meals_in_chinese(demo: Demo) -> None:
    batch = oil(demo)
    month = batch["received_at"][:7]
    ledger = demo.export("ledger", "--school", "CG01", "--month", month)
    text = workbook_text(ledger)
    assert "食用油" in text and " 瓶 " in f" {text} ".replace("\n", " ")
    assert_in_words("the 台账 xlsx", text)

    for args in (("--supplier", "SUP-WF"), ("--supplier", "SUP-HY"), ("--supplier", "SUP-HX")):
        xlsx = demo.export("trace", "forward", *args, "--format", "xlsx")
        assert_in_words(f"the trace xlsx {args}", workbook_text(xlsx))
        remarks = column(demo.export("trace", "forward", *args, "--format", "csv"), "备注")
        assert "同批次质量检测报告" in remarks and "正式发票" in remarks
        assert_in_words(f"the trace CSV's 备注 {args}", remarks)
    lunch = batch["issues"][0]
    backward = ("trace", "backward", "--school", "CG01", "--date", lunch["meal_date"], "--meal", lunch["meal"])
    assert_in_words("a meal's trace xlsx", workbook_text(demo.export(*backward, "--format", "xlsx")))


def test_the_command_line_reads_in_chinese(demo: Demo) -> None:
    batch = oil(demo)
    lunch = batch["issues"][0]
    for code in (batch["code"], demo.summary["example_batch"], demo.summary["held_batch"]):
        history = demo.run(["history", code])
        assert "入库验收" in history and "附证明" in history
        assert_in_words(f"history {code}", history)
    traced = demo.run(["trace", "forward", "--supplier", "SUP-WF"])
    assert " 瓶  → " in traced
    assert_in_words("trace forward", traced)
    meal = demo.run(["trace", "backward", "--school", "CG01", "--date", lunch["meal_date"], "--meal", lunch["meal"]])
    assert "可从事食品工作" in meal
    assert_in_words("trace backward", meal)
    moment = datetime.now().astimezone().isoformat(timespec="minutes")
    assert_in_words("batch --as-of", demo.run(["batch", batch["code"], "--as-of", moment]))


def test_labels_name_the_category_as_the_card_does(demo: Demo) -> None:
    pork = json.loads(demo.run(["trace", "forward", "--supplier", "SUP-HX", "--json"]))["batches"][0]
    label = demo.folder / "pork.pdf"
    demo.run(["label", pork["code"], "--format", "pdf", "-o", str(label)])
    text = pdf_text(label.read_bytes())
    assert "肉类" in text and "肉制品" not in text
    assert_in_words("a batch label", text)

    lunch = oil(demo)["issues"][0]
    meal = ("--school", "CG01", "--date", lunch["meal_date"], "--meal", lunch["meal"])
    sample = json.loads(demo.run(["trace", "backward", *meal, "--json"]))["samples"][0]
    printed = SampleLabel(
        dish=sample["dish"], meal=Meal(sample["meal"]), sealed_at=datetime.fromisoformat(sample["sealed_at"]),
        grams=sample["grams"], keep_until=datetime.fromisoformat(sample["keep_until"]), sealed_by=sample["sealed_by"],
    )  # fmt: skip
    text = pdf_text(render_sample_label(printed, "pdf", "50x30"))
    assert "留样至" in text and "封存" not in text
    assert_in_words("a sample label", text)


def test_compliance_and_the_ledger_pages_in_words_a_principal_uses(demo: Demo, office: Phones) -> None:
    page = office.open(viewport=DESKTOP)
    sign_in_as_principal(page, demo)
    report = page.locator("#report")
    expect(page.locator("#supervision")).to_contain_text("校长/食品安全员抽查（每周）")
    this_week = glossary.week_zh(county_today())
    expect(page.locator("#supervision")).to_contain_text(this_week)
    assert_in_words("the compliance page (week)", report.inner_text())
    # The week still running is not failed.
    running = page.locator("#supervision tr").filter(has_text=this_week)
    expect(running).to_contain_text(re.compile("进行中|达标"))
    expect(running).not_to_contain_text("未达标")

    page.get_by_text("按月").click()
    page.get_by_role("button", name="查看").click()
    expect(page.locator("#supervision")).to_contain_text(glossary.month_zh(county_today()))
    assert_in_words("the compliance page (month)", report.inner_text())

    month = oil(demo)["received_at"][:7]
    page.goto(f"/app/ledger?month={month}")
    oil_rows = page.locator("#book-table tbody tr").filter(has_text="食用油")
    expect(oil_rows.first).to_contain_text("瓶")
    assert_in_words("the 台账 page", page.locator("main").inner_text())


def test_an_investigators_timeline_and_traces_in_words_a_principal_uses(demo: Demo, office: Phones) -> None:
    batch = oil(demo)
    lunch = batch["issues"][0]
    page = office.open(viewport=DESKTOP)
    page.goto("/app/sign-in")
    page.get_by_text("办公室人员：粘贴令牌").click()
    page.get_by_label("令牌").fill(demo.summary["newcomer"]["investigator_token"])
    page.get_by_role("button", name="使用令牌登录").click()
    expect(page.locator("#who")).not_to_be_empty()

    page.goto(f"/app/batch/{batch['code']}/timeline")
    expect(page.locator("#timeline li.event").first).to_contain_text("入库验收")
    expect(page.locator("#forward-tree")).to_contain_text("瓶")
    assert_in_words("the oil's timeline", page.locator("main").inner_text())

    page.goto(f"/app/trace?school=CG01&meal_date={lunch['meal_date']}&meal={lunch['meal']}")
    expect(page.locator("#trace-tree")).to_contain_text(batch["code"])
    expect(page.locator("#others")).not_to_be_empty()
    assert_in_words("a meal's trace page", page.locator("main").inner_text())

    page.goto(f"/app/trace?lot={batch['lot']}")
    expect(page.locator("#trace-tree")).to_contain_text(batch["code"])
    assert_in_words("a lot's trace page", page.locator("main").inner_text())
