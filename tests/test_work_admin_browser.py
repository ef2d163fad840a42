"""The admin's work setup in a real browser (headless Chromium), on the same real
stack as tests/test_browser_journey.py.

Journey, by keyboard (focus, type, Enter): the admin opens "Werkinrichting" from the
top bar -> the office calendar -> adds a closing day with a label -> the SLA
policies -> adds a policy for UZI's web form on the 2nd line in working
hours:minutes -> a duplicate is refused with a clear message, the input kept.
The date and the selects are set with Playwright's fill/select_option: typing into
a date field depends on the browser's locale, and the test is about PULSE.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlmodel import select

from db.models.contacts import AuditEvent
from db.models.work import ClosingDay, SlaPolicy
from devstack.demo.seed import DEMO_PASSWORD
from tests.test_browser_journey import (  # noqa: F401  (fixtures)
    CHROMIUM,
    CHROMIUM_ARGS,
    SHOTS,
    UI_TIMEOUT,
    assert_accessible_basics,
    playwright_api,
    stack,
)

pytestmark = pytest.mark.browser


async def log_in_admin(context, base_url: str):
    """As test_browser_journey.log_in, but an admin's home is the users page."""
    page = await context.new_page()
    await page.goto(f"{base_url}/login")
    await page.get_by_label("Gebruikersnaam").fill("admin")
    await page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_url(f"{base_url}/admin/users")
    return page


async def follow(page, link_name: str) -> None:
    """Move to a link and press Enter, as a keyboard user does."""
    await page.get_by_role("link", name=link_name, exact=True).focus()
    await page.keyboard.press("Enter")


async def test_admin_adds_a_closing_day_and_an_sla_policy(stack, playwright_api, db):  # noqa: F811
    base_url, _imap, _smtp, _app = stack
    expect = playwright_api.expect
    expect.set_options(timeout=UI_TIMEOUT)
    SHOTS.mkdir(parents=True, exist_ok=True)
    day = date(date.today().year + 1, 5, 7)

    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport={"width": 1440, "height": 900})
            admin = await log_in_admin(context, base_url)

            # --- the overview, from the top bar ------------------------------------------
            await follow(admin, "Werkinrichting")
            await admin.wait_for_url(f"{base_url}/admin/work")
            await expect(admin.get_by_role("heading", level=1)).to_have_text("Werkinrichting")
            await assert_accessible_basics(admin)

            # --- a closing day -------------------------------------------------------------
            await follow(admin, "Kantoorkalender")
            await admin.wait_for_url(f"{base_url}/admin/work/calendar")
            await assert_accessible_basics(admin)
            await expect(admin.locator("#public-holidays")).to_contain_text("Koningsdag")
            await admin.get_by_label("Datum").fill(day.isoformat())
            await admin.get_by_label("Omschrijving").focus()  # Tab walks the date's parts
            await admin.keyboard.type("Dag na Hemelvaart")
            await admin.keyboard.press("Enter")
            await admin.wait_for_url(re.compile(r"/admin/work/calendar\?saved=1$"))
            await expect(admin.locator("#saved-status")).to_contain_text("Opgeslagen.")
            row = admin.locator("#closing-days tbody tr", has_text="Dag na Hemelvaart")
            await expect(row).to_contain_text(day.strftime("%d-%m-%Y"))
            await admin.screenshot(path=str(SHOTS / "work-admin-calendar.png"), full_page=True)

            # --- an SLA policy -------------------------------------------------------------
            await follow(admin, "Terug naar Werkinrichting")
            await admin.wait_for_url(f"{base_url}/admin/work")
            await follow(admin, "SLA-beleid")
            await admin.wait_for_url(f"{base_url}/admin/work/sla")
            await assert_accessible_basics(admin)
            await admin.get_by_label("Product", exact=True).select_option(
                label="UZI – UZI-register"
            )
            await admin.get_by_label("Kanaal", exact=True).select_option("webform")
            await admin.get_by_label("Lijn", exact=True).select_option("2")
            first = admin.get_by_label("Eerste reactie", exact=True)
            await first.focus()
            await admin.keyboard.press("Control+A")
            await admin.keyboard.type("2:30")
            await admin.keyboard.press("Tab")
            await admin.keyboard.press("Control+A")
            await admin.keyboard.type("24:00")
            await admin.keyboard.press("Enter")
            await admin.wait_for_url(re.compile(r"/admin/work/sla\?saved=1$"))
            await expect(admin.locator("#saved-status")).to_contain_text("Opgeslagen.")
            added = admin.get_by_label(re.compile(r"^Eerste reactie \(UZI webform Lijn 2\)$"))
            await expect(added).to_have_value("2:30")

            # the same again: refused, clearly, and what was typed is still there
            await admin.get_by_label("Product", exact=True).select_option(
                label="UZI – UZI-register"
            )
            await admin.get_by_label("Kanaal", exact=True).select_option("webform")
            await admin.get_by_label("Lijn", exact=True).select_option("2")
            await admin.get_by_label("Eerste reactie", exact=True).fill("1:00")
            await admin.get_by_label("Eerste reactie", exact=True).press("Enter")
            await expect(admin.get_by_role("alert")).to_contain_text(
                "UZI heeft al een beleid voor kanaal 'webform' op lijn 2"
            )
            await expect(admin.get_by_label("Eerste reactie", exact=True)).to_have_value("1:00")
            await assert_accessible_basics(admin)
            await admin.screenshot(path=str(SHOTS / "work-admin-sla.png"), full_page=True)

            # --- the other screens pass the same accessibility basics -----------------------
            for link, shot in (
                ("Werkinstellingen per product", "products"),
                ("Automatisch toewijzen", "queues"),
                ("Antwoordsjablonen", "templates"),
            ):
                await follow(admin, "Terug naar Werkinrichting")
                await admin.wait_for_url(f"{base_url}/admin/work")
                await follow(admin, link)
                await expect(admin.get_by_role("heading", level=1)).to_contain_text(link)
                await assert_accessible_basics(admin)
                await admin.screenshot(path=str(SHOTS / f"work-admin-{shot}.png"), full_page=True)
            await admin.locator("#templates a").first.focus()
            await admin.keyboard.press("Enter")
            await expect(admin.get_by_role("heading", level=1)).to_contain_text("Sjabloon wijzigen")
            await assert_accessible_basics(admin)
        finally:
            await browser.close()

    async with db() as s:
        closing = await s.get(ClosingDay, day)
        policy = (await s.exec(select(SlaPolicy).where(SlaPolicy.channel == "webform"))).one()
        actions = (
            await s.exec(select(AuditEvent.action).where(AuditEvent.action.startswith("work_")))
        ).all()
    assert closing is not None and closing.label == "Dag na Hemelvaart"
    assert (policy.line, policy.first_response_minutes, policy.resolution_minutes) == (2, 150, 1440)
    assert actions == ["work_admin.closing_day.create", "work_admin.sla_policy.create"]
