"""axe-core in the browser tests: every page a journey visits is checked against the
WCAG 2.1 A and AA rules. axe-core is vendored (tests/vendor/axe-core, MPL-2.0) and
evaluated in the page, so the page's own script policy does not stand in its way."""

from __future__ import annotations

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN_AXE = """
async (tags) => {
  const result = await axe.run(document, { runOnly: { type: "tag", values: tags } });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}
"""


async def axe_violations(page) -> list[dict]:
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE_SOURCE)
    return await page.evaluate(RUN_AXE, WCAG_AA)


async def assert_axe_clean(page) -> None:
    violations = await axe_violations(page)
    assert violations == [], f"axe-core on {page.url}: {violations}"
