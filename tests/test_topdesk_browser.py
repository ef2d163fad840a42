"""Filing a TOPdesk incident in a real browser (headless Chromium, keyboard only),
with axe-core's WCAG 2.1 AA rules on each page: the contact shows the TOPdesk
section -> Tab to "Create TOPdesk incident" -> the form, its operator group
preselected from the product's defaults, the brief description's counter following
the typing -> sent -> back on the contact -> the operator changes the status (the
webhook) -> the open page shows the incident's number and status, live."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.a11y import axe_violations
from tests.test_browser_journey import CHROMIUM, CHROMIUM_ARGS, UI_TIMEOUT, log_in, playwright_api  # noqa: F401
from tests.test_topdesk import HOOK, _numbered, eventually, stack  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser


async def tab_to(page, selector: str, limit: int = 60) -> None:
    for _ in range(limit):
        if await page.evaluate(f"document.activeElement?.matches({selector!r})"):
            return
        await page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("stack", [{"serve": True}], indirect=True)
async def test_agent_files_an_incident_by_keyboard(stack, playwright_api):  # noqa: F811
    from db.models.topdesk import TopdeskProductDefaults

    sample = await stack.contact(47)
    async with stack.db() as s:
        s.add(TopdeskProductDefaults(product_id=sample.product_id, operator_group_id="og-uzi"))
        await s.commit()
    expect = playwright_api.expect
    expect.set_options(timeout=UI_TIMEOUT)
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport={"width": 1024, "height": 900})
            page = await log_in(context, stack.base_url, "agent")
            await page.goto(f"{stack.base_url}/contacts/{sample.reference}")
            section = page.locator("section.topdesk")
            await expect(section).to_contain_text("Nog geen TOPdesk-melding")
            assert await axe_violations(page) == []

            await tab_to(page, "a[href$='/topdesk/new']")
            await page.keyboard.press("Enter")
            await page.wait_for_url(re.compile(r"/topdesk/new$"))
            await expect(page.locator("#td-operator_group_id")).to_have_value("og-uzi")
            assert await axe_violations(page) == []
            await tab_to(page, "#td-brief")
            await page.keyboard.type("Kaartlezer leest de UZI-pas niet")
            await expect(page.locator("#td-brief-count")).to_have_text("32 van 80 tekens")
            await page.keyboard.press("Tab")
            await page.keyboard.press("Tab")  # past the hints, into the request
            await tab_to(page, "#td-request")
            await page.keyboard.type("Sinds vanochtend ziet de kaartlezer de pas niet meer.")
            await tab_to(page, "button[type=submit]")
            await page.keyboard.press("Enter")

            await page.wait_for_url(re.compile(r"done=topdesk"))
            row = await eventually(lambda: _numbered(stack, sample.contact_id), "made")
            # the operator takes it up; TOPdesk's automated action calls the webhook and
            # the open page follows live
            await expect(page.locator("html")).to_have_attribute("data-live", "open")
            stack.fake.set_status(row.topdesk_id, "In progress")
            async with httpx.AsyncClient(base_url=stack.base_url) as hook:
                answer = await hook.post(
                    "/topdesk/webhook", json={"number": row.number}, headers=HOOK
                )
                assert answer.status_code == 202
            await expect(page.locator(".incident-number")).to_have_text(row.number)
            await expect(page.locator(".incident-status")).to_have_text("In progress")
            assert await axe_violations(page) == []
        finally:
            await browser.close()
