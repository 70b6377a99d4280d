"""The §15 check record and the incident report as PDFs to file: the same page furniture as the 台账, the lines
to sign, and for the report the log position and the signed checkpoint that vouch for what it says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.checkpoints import Checkpoints
from projections.check_record import CHECK_COLUMNS
from tests.paper.conftest import MONTH, DemoMonth
from tests.paper.office import Printed, tools_or_skip
from tests.test_cli import run

pytestmark = pytest.mark.xdist_group("paper")
MEAL = {"school": "CG01", "meal_date": "2026-11-30", "meal": "lunch"}


def read(folder: Path, name: str, content: bytes) -> Printed:
    assert content.startswith(b"%PDF-")
    pdf = folder / name
    pdf.write_bytes(content)
    return Printed.read(pdf)


def assert_furnished(printed: Printed, title: str, signers: tuple[str, ...], position: int) -> None:
    assert printed.landscape_a4
    for number, page in enumerate(printed.pages, start=1):
        assert title in page and printed.numbered(number), f"page {number}"
        assert f"数据截至日志位置 {position}" in page, f"page {number} lacks the log position"
    for signer in signers:
        assert f"{signer}（签字）" in printed.pages[-1]


def test_the_principals_checks_of_november_print_as_the_record_the_bureau_inspects(
    demo_month: DemoMonth, folder: Path
) -> None:
    tools_or_skip("pdfinfo", "pdftotext")
    principal = demo_month.bearer("CG01-4", "principal", "CG01")
    with demo_month.served(folder) as client:
        record = client.get("/api/v1/schools/CG01/checks", params={"month": MONTH}, headers=principal)
        paper = client.get("/api/v1/schools/CG01/checks", params={"month": MONTH, "format": "pdf"}, headers=principal)
        elsewhere = client.get("/api/v1/schools/XH01/checks", params={"month": MONTH}, headers=principal)

    assert record.status_code == 200 and paper.status_code == 200, paper.text
    assert paper.headers["content-type"] == "application/pdf" and elsewhere.status_code == 404
    checks = record.json()["checks"]
    assert len(checks) >= 8  # twice a week by the principal, and the central school's visits
    printed = read(folder, "checks.pdf", paper.content)
    position = int(paper.headers["X-Log-Position"])
    assert_furnished(
        printed, "城关第一小学食堂检查记录台帐（2026年11月）", ("检查人", "校长/食品安全员", "审核人"), position
    )
    text = "\n".join(printed.pages)
    assert all(heading in printed.pages[0] for heading in CHECK_COLUMNS)
    assert [line.split()[0] for line in text.splitlines() if re.match(r"\s*2026-11-\d\d\s+\d\d:\d\d\s", line)] == [
        check["on_date"] for check in checks
    ]  # every check, in order, one line each
    assert "陈校长" in text and "达标" in text and "中心校校长检查（每月）" in text

    printed_here = run(demo_month.url, ["export", "checks", "--school", "CG01", "--month", MONTH,
                                        "-o", str(folder / "检查记录.pdf")])  # fmt: skip
    assert printed_here.returncode == 0, printed_here.stderr
    assert "城关第一小学食堂检查记录台帐" in Printed.read(folder / "检查记录.pdf").pages[0]


def test_the_incident_report_names_its_log_position_and_the_checkpoint_that_vouches_for_it(
    demo_month: DemoMonth, folder: Path
) -> None:
    tools_or_skip("pdfinfo", "pdftotext")
    investigator = demo_month.bearer("inv-chen", "investigator")
    with demo_month.served(folder) as client:
        unsigned = client.get("/api/v1/trace/backward", params={**MEAL, "format": "pdf"}, headers=investigator)
        checkpoint = Checkpoints(demo_month.ledger, folder / "key.pem").take()
        trace = client.get("/api/v1/trace/backward", params=MEAL, headers=investigator).json()
        report = client.get("/api/v1/trace/backward", params={**MEAL, "format": "pdf"}, headers=investigator)

    assert unsigned.status_code == 200 and "尚无已签名的检查点" in "".join(
        read(folder, "u.pdf", unsigned.content).pages
    )
    assert report.status_code == 200 and report.headers["content-type"] == "application/pdf"
    position = int(report.headers["X-Log-Position"])
    printed = read(folder, "incident.pdf", report.content)
    assert_furnished(
        printed, "追溯记录（反向）：CG01 城关第一小学 2026-11-30 午餐", ("调查员", "负责人", "审核人"), position
    )
    text = "\n".join(printed.pages)
    assert f"签名检查点：日志位置 {checkpoint.position}" in text and checkpoint.digest in text
    assert checkpoint.position >= position and "该检查点覆盖本报告的全部事件" in text
    batches = trace["batches"] + [b for school in trace["other_schools"] for b in school["batches"]]
    for batch in batches:
        assert batch["code"] in text
    for batch in trace["batches"]:  # the JSON lists other schools' batches as summaries, without certificates
        for certificate in batch["certificates"]:
            assert certificate["sha256"] in text  # whole, on one line of the certificates' table
    for person in trace["people"]:
        assert person["name"] in text
    for sample in trace["samples"]:
        assert sample["dish"] in text
    assert text.index("附件：全部事件") > text.index("六、留样")

    filed = run(demo_month.url, ["export", "trace", "backward", "--school", "CG01", "--date", "2026-11-30",
                                 "--meal", "lunch", "-o", str(folder / "incident-cli.pdf")])  # fmt: skip
    assert filed.returncode == 0, filed.stderr
    assert checkpoint.digest in "".join(Printed.read(folder / "incident-cli.pdf").pages)
