"""The report page in a real browser (headless Chromium), by keyboard: a manager opens
the reports from the top bar, reads a week's volumes (charts and their tables), picks
another period and another report, and downloads a table as CSV; axe-core (vendored,
tests/vendor/axe-core) finds no WCAG 2.1 A/AA violation on any of the pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.main import create_app
from tests.reports_history import seed_history
from tests.test_browser_journey import (  # noqa: F401  (fixture)
    CHROMIUM,
    CHROMIUM_ARGS,
    UI_TIMEOUT,
    assert_accessible_basics,
    log_in,
    playwright_api,
)
from tests.test_phone_api import served

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


async def assert_axe_clean(page) -> None:
    await page.add_script_tag(path=str(AXE))
    violations = await page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: tags})).violations"
        ".map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)",
        WCAG,
    )
    assert violations == []
    await assert_accessible_basics(page)


async def test_manager_reads_reports_by_keyboard(db, settings, playwright_api):  # noqa: F811
    await seed_history(db)
    cfg = settings.model_copy(update={"demo_skip_totp": True, "cookie_secure": False})
    app = create_app(cfg, sessionmaker=db)
    expect = playwright_api.expect
    expect.set_options(timeout=UI_TIMEOUT)
    async with served(app) as base_url, playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            # axe-core is injected as a script the page's CSP (script-src 'self') would refuse
            context = await browser.new_context(accept_downloads=True, bypass_csp=True)
            page = await log_in(context, base_url, "manager", "/reports")  # English
            await page.get_by_role("link", name="Reports").focus()
            await page.keyboard.press("Enter")
            await expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
            await assert_axe_clean(page)

            week = "report=volumes&period=custom&first=2026-03-02&last=2026-03-08"
            await page.goto(f"{base_url}/reports?{week}")
            volumes = page.locator("table#t0")
            await expect(volumes).to_contain_text("BIG")
            await expect(page.locator("svg[role=img]").first).to_be_visible()
            await expect(page.locator("table#p0")).to_contain_text("2026-02-23")
            await assert_axe_clean(page)

            period = page.get_by_label("Period")
            await period.focus()
            await page.keyboard.press("Home")
            await page.keyboard.press("ArrowDown")  # Today -> Yesterday
            await expect(period).to_have_value("yesterday")
            await page.get_by_role("button", name="Show").focus()
            await page.keyboard.press("Enter")
            await page.wait_for_url(re.compile(r"period=yesterday"))
            await expect(page.get_by_label("Period")).to_have_value("yesterday")

            await page.get_by_role("link", name="Backlog", exact=True).focus()
            await page.keyboard.press("Enter")
            await page.wait_for_url(re.compile(r"report=backlog"))
            await expect(page.get_by_role("link", name="Backlog", exact=True)).to_have_attribute(
                "aria-current", "page"
            )
            await expect(page.locator("table#t0")).to_contain_text(">=14d")
            await assert_axe_clean(page)

            export = page.get_by_role("link", name=re.compile("Export as CSV")).first
            await export.focus()
            async with page.expect_download() as info:
                await page.keyboard.press("Enter")
            download = await info.value
            text = Path(await download.path()).read_text(encoding="utf-8")
            assert text.splitlines()[0] == "Age,1st line,2nd line,3rd line,Total"
        finally:
            await browser.close()
