"""axe-core (vendored for tests only, tests/pages/vendor/) checks a page as it stands: no serious or critical
violation of WCAG 2.1 A/AA or axe's best practices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Route

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
AXE_URL = "/__test-only__/axe.min.js"  # served by the test's browser, never by the app
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
RUN = """async (tags) => {
  const result = await axe.run(document, { runOnly: { type: "tag", values: tags } });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
  }));
}"""


def _serve_axe(route: Route) -> None:
    route.fulfill(path=AXE, content_type="text/javascript")


def violations(page: Page) -> list[dict[str, Any]]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.context.route(f"**{AXE_URL}", _serve_axe)
        page.add_script_tag(url=AXE_URL)  # same origin, so the pages' Content-Security-Policy allows it
    found: list[dict[str, Any]] = page.evaluate(RUN, TAGS)
    return found


def assert_accessible(page: Page) -> None:
    serious = [v for v in violations(page) if v["impact"] in ("serious", "critical")]
    assert serious == [], f"accessibility violations on {page.url}: {serious}"


CONTRAST = """async (selector) => {
  const result = await axe.run(selector, { runOnly: { type: "rule", values: ["color-contrast"] } });
  const why = (node) => node.any.map((check) => check.message).join(" ");
  const nodes = (found) => found.flatMap((v) => v.nodes.map((n) => `${n.target.join(" ")}: ${why(n)}`));
  return [nodes(result.violations), nodes(result.incomplete)];
}"""


def contrast_findings(page: Page, selector: str) -> tuple[list[str], list[str]]:
    """axe's colour-contrast rule on what ``selector`` holds: the elements that fail, and those it could not judge
    (a colour over an image or a gradient), which a test must not take for a pass."""
    violations(page)  # loads axe
    failing, undecided = page.evaluate(CONTRAST, selector)
    return failing, undecided
