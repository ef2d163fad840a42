"""The records manager's pages in a real browser (headless Chromium): destruction
lists, the audit log, and a GDPR erasure request handled by keyboard from the
privacy page (find the customer, read the ground, confirm, see the register)."""

from __future__ import annotations

import re

import pytest

from api.main import create_app
from db.models.contacts import Customer, CustomerEmail
from db.session import session_scope
from devstack.demo.seed import DEMO_PASSWORD, seed_demo
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


async def log_in_as_records_manager(context, base_url: str):
    page = await context.new_page()
    await page.goto(f"{base_url}/login")
    await page.get_by_label(re.compile("Gebruikersnaam|Username")).fill("records")
    await page.get_by_label(re.compile("Wachtwoord|Password")).fill(DEMO_PASSWORD)
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"{base_url}/records/destruction")  # the records manager's home
    return page


async def test_records_manager_handles_an_erasure_request(db, settings, playwright_api):  # noqa: F811
    await seed_demo(db)
    async with session_scope(db) as s:
        customer = Customer(display_name="Wim Wissen")
        s.add(customer)
        await s.flush()
        s.add(CustomerEmail(customer_id=customer.id, address="wim.wissen@example.test"))
        customer_id = customer.id
    cfg = settings.model_copy(update={"demo_skip_totp": True, "cookie_secure": False})
    app = create_app(cfg, sessionmaker=db)
    expect = playwright_api.expect
    expect.set_options(timeout=UI_TIMEOUT)
    async with served(app) as base_url, playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await log_in_as_records_manager(await browser.new_context(), base_url)
            await expect(page.get_by_role("heading", level=1)).to_have_text("Vernietigingslijsten")
            await assert_accessible_basics(page)

            await page.get_by_role("link", name="Auditlog").click()
            await expect(page.get_by_role("heading", level=1)).to_have_text("Auditlog")
            await expect(page.locator("table.inbox tbody")).to_contain_text("login")
            await assert_accessible_basics(page)

            await page.get_by_role("link", name="AVG-verzoeken").click()
            await expect(page.get_by_role("heading", level=1)).to_have_text("AVG-verzoeken")
            await assert_accessible_basics(page)
            search = page.get_by_role("textbox", name="Klant zoeken")
            await expect(search).to_be_focused()  # autofocus: type the letter's address
            await page.keyboard.type("wim.wissen@example.test")
            await page.keyboard.press("Enter")
            await page.get_by_role("link", name="Wim Wissen").click()
            await page.wait_for_url(f"{base_url}/records/privacy/customers/{customer_id}")
            await expect(page.locator("#erasure-ground")).to_contain_text("geen bewaarplicht")
            await assert_accessible_basics(page)
            SHOTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=SHOTS / "records-privacy-customer.png", full_page=True)

            await page.get_by_label("Kenmerk van het verzoek").fill("brief 2026-12")
            await page.keyboard.press("Tab")
            await page.keyboard.press("Space")  # the confirmation checkbox
            await expect(page.get_by_label(re.compile("identiteit"))).to_be_checked()
            await page.keyboard.press("Tab")
            await page.keyboard.press("Enter")  # "Klantgegevens verwijderen"
            await page.wait_for_url(re.compile(r"/records/privacy\?erased=\d+$"))
            await expect(page.locator("p.notice")).to_contain_text("verwijderd")
            register = page.locator("section[aria-labelledby=privacy-register] tbody tr")
            await expect(register).to_have_count(1)
            await expect(register).to_contain_text("brief 2026-12")
            await expect(register).to_contain_text("uitgevoerd")
            await page.screenshot(path=SHOTS / "records-privacy.png", full_page=True)
        finally:
            await browser.close()
    async with db() as s:
        assert await s.get(Customer, customer_id) is None
