"""Every demo role's journey in a real browser, by keyboard only: log in, land on the
role's start page, go by the navigation to its main task. Each page is checked by
axe-core (WCAG 2.1 A/AA) and shot at 1280 and 1920 px wide (/tmp/pulse-shots/roles-*).

The frame is checked too: the navigation shows only what the role may use, the top
bar stays one line at 1280 px, and the search placeholder is not cut."""

from __future__ import annotations

import re

import pytest

from api.main import create_app
from devstack.demo.seed import DEMO_PASSWORD, seed_demo
from tests.a11y import assert_axe_clean
from tests.test_browser_journey import (  # noqa: F401  (fixture)
    CHROMIUM,
    CHROMIUM_ARGS,
    SHOTS,
    UI_TIMEOUT,
    assert_accessible_basics,
    playwright_api,
)
from tests.test_phone_api import served

pytestmark = pytest.mark.browser

WIDTHS = (1280, 1920)

FRAME_JS = """
() => {
  const bar = document.querySelector(".topbar");
  const search = document.getElementById("top-search");
  let cut = false;
  if (search) {
    const probe = document.createElement("span");
    const style = getComputedStyle(search);
    probe.style.font = style.font;
    probe.style.position = "absolute";
    probe.style.whiteSpace = "pre";
    probe.textContent = search.placeholder;
    document.body.appendChild(probe);
    const pad = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    const room = search.clientWidth - pad;
    cut = probe.getBoundingClientRect().width > room;
    probe.remove();
  }
  const rowHeight = bar ? bar.getBoundingClientRect().height : 0;
  return {
    barHeight: rowHeight,
    searchCut: cut,
    hasSearch: !!search,
    links: Array.from(document.querySelectorAll("nav.sidenav a"), (a) => a.getAttribute("href")),
  };
}
"""


async def tab_to(page, selector: str, presses: int = 80) -> None:
    """Press Tab until the focused element matches ``selector`` (keyboard only)."""
    for _ in range(presses):
        await page.keyboard.press("Tab")
        if await page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


async def log_in_by_keyboard(page, base_url: str, username: str, landing: str) -> None:
    await page.goto(f"{base_url}/login")
    await assert_axe_clean(page)
    await page.keyboard.type(username)  # the username field has the focus (autofocus)
    await page.keyboard.press("Tab")
    await page.keyboard.type(DEMO_PASSWORD)
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(re.escape(base_url + landing) + r"(\?.*)?$"))


async def look(page, name: str) -> dict:
    """axe-core clean, the basics, the frame, and a screenshot at each width."""
    await assert_axe_clean(page)
    await assert_accessible_basics(page)
    frames = {}
    for width in WIDTHS:
        await page.set_viewport_size({"width": width, "height": 900 if width < 1920 else 1080})
        await page.screenshot(path=str(SHOTS / f"roles-{name}-{width}.png"))
        frame = await page.evaluate(FRAME_JS)
        assert frame["barHeight"] < 70, f"top bar wraps at {width} px on {page.url}: {frame}"
        assert not frame["searchCut"], f"search placeholder cut at {width} px on {page.url}"
        frames[width] = frame
    return frames[1280]


# role: (username, landing page, nav link to the main task, its page, links the role
# must not see in the navigation)
JOURNEYS = {
    "agent": ("agent", "/", "/work", "/work", ["/trafficer", "/admin/users", "/records/audit"]),
    "backoffice": ("backoffice", "/", "/work", "/work", ["/trafficer", "/admin/users"]),
    "trafficer": ("trafficer", "/", "/trafficer", "/trafficer", ["/admin/users"]),
    "manager": ("manager", "/reports", "/trafficer", "/trafficer", ["/admin/users"]),
    "admin": ("admin", "/admin/users", "/admin/work", "/admin/work", ["/", "/trafficer"]),
    "records": (
        "records",
        "/records/destruction",
        "/records/privacy",
        "/records/privacy",
        ["/", "/admin/users"],
    ),
    # ops work in Temporal Web: their start page is the way there
    "ops": ("ops", "/", None, None, ["/work", "/admin/users", "/records/audit"]),
}


@pytest.mark.parametrize("role", list(JOURNEYS))
async def test_role_journey_by_keyboard(role, db, settings, playwright_api):  # noqa: F811
    username, landing, link, main_task, hidden = JOURNEYS[role]
    await seed_demo(db)
    playwright_api.expect.set_options(timeout=UI_TIMEOUT)
    SHOTS.mkdir(parents=True, exist_ok=True)
    cfg = settings.model_copy(
        update={"demo_skip_totp": True, "dev_tools": True, "cookie_secure": False}
    )
    app = create_app(cfg, sessionmaker=db)
    async with served(app) as base_url, playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await (
                await browser.new_context(viewport={"width": 1280, "height": 900})
            ).new_page()
            await log_in_by_keyboard(page, base_url, username, landing)
            frame = await look(page, f"{role}-start")
            for href in hidden:
                assert href not in frame["links"], f"{role} sees {href}: {frame['links']}"
            if link is None:
                return
            await tab_to(page, f'nav.sidenav a[href="{link}"]')
            await page.keyboard.press("Enter")
            await page.wait_for_url(re.compile(re.escape(base_url + main_task) + r"(\?.*)?$"))
            await look(page, f"{role}-task")
        finally:
            await browser.close()
