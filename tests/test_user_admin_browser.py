"""The admin's journey in a real browser (headless Chromium), keyboard only, on the same
real stack as tests/test_browser_journey.py.

Journey: the admin opens the user list -> "New user" -> fills the form (PULSE makes
the password) -> reads the password and TOTP key shown once -> the accreditation grid:
ticking BIG's 2nd line ticks BIG itself -> saves. The new agent then logs in with
that password and a TOTP code and sees a BIG customer's mail in the inbox.
Every step is reached with Tab and done with Enter, Space or typing.
"""

from __future__ import annotations

import re

import pyotp
import pytest

from devstack.demo.seed import DEMO_PASSWORD
from tests.test_browser_journey import (  # noqa: F401  (fixtures)
    CHROMIUM,
    CHROMIUM_ARGS,
    SHOTS,
    UI_TIMEOUT,
    assert_accessible_basics,
    customer_mail,
    playwright_api,
    stack,
)

pytestmark = pytest.mark.browser

MAX_TABS = 80


async def tab_to(page, selector: str) -> None:
    """Press Tab until the focus is on ``selector``: proves it is keyboard-reachable."""
    for _ in range(MAX_TABS):
        await page.keyboard.press("Tab")
        if await page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


async def test_admin_creates_and_accredits_an_agent_by_keyboard(stack, playwright_api):  # noqa: F811
    base_url, imap, smtp, app = stack
    expect = playwright_api.expect
    expect.set_options(timeout=UI_TIMEOUT)
    SHOTS.mkdir(parents=True, exist_ok=True)

    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            size = {"viewport": {"width": 1280, "height": 900}}
            # The admin's home is the user list (admins have no inbox).
            admin = await (await browser.new_context(**size)).new_page()
            await admin.goto(f"{base_url}/login")
            await tab_to(admin, "input[name=username]")
            await admin.keyboard.type("admin")
            await tab_to(admin, "input[name=password]")
            await admin.keyboard.type(DEMO_PASSWORD)
            await admin.keyboard.press("Enter")
            await admin.wait_for_url(f"{base_url}/admin/users")

            # --- the user list -> the new-user form ------------------------------------------
            await tab_to(admin, 'a[href="/admin/users/new"]')
            await admin.keyboard.press("Enter")
            await admin.wait_for_url(f"{base_url}/admin/users/new")
            await assert_accessible_basics(admin)

            # A refused form first: the error is announced and focused, the field marked.
            await tab_to(admin, "#f-username")
            await admin.keyboard.type("x")
            await tab_to(admin, "#f-full_name")
            await admin.keyboard.type("Xander")
            await tab_to(admin, "button[type=submit].primary")
            await admin.keyboard.press("Enter")
            await expect(admin.locator("#form-errors")).to_be_focused()
            await expect(admin.locator("#f-username")).to_have_attribute("aria-invalid", "true")
            await assert_accessible_basics(admin)

            await admin.locator("#f-username").fill("")  # clear; then by keyboard again
            await admin.keyboard.press("Shift+Tab")  # off the error summary, back to the top
            await tab_to(admin, "#f-username")
            await admin.keyboard.type("nina.nieuw")
            await tab_to(admin, "#f-full_name")
            await admin.keyboard.press("Control+A")
            await admin.keyboard.type("Nina Nieuw")
            await tab_to(admin, "#f-email")
            await admin.keyboard.type("nina@example.test")
            await tab_to(admin, "#f-role")  # stays "Medewerker" (agent)
            await tab_to(admin, "button[type=submit].primary")
            await admin.keyboard.press("Enter")

            # --- shown once: password and TOTP key ------------------------------------------
            await expect(admin.get_by_role("heading", level=1)).to_have_text(
                "Gebruiker nina.nieuw is aangemaakt"
            )
            await assert_accessible_basics(admin)
            password = (await admin.locator("#ua-password").inner_text()).strip()
            secret = (await admin.locator("#ua-totp-secret").inner_text()).strip()
            await expect(admin.locator("#ua-totp-uri")).to_contain_text("otpauth://totp/")
            await tab_to(admin, "a.button")
            await admin.keyboard.press("Enter")

            # --- the accreditation grid -------------------------------------------------------
            await admin.wait_for_url(re.compile(r"/admin/users/\d+/accreditations$"))
            await assert_accessible_basics(admin)
            big_product = admin.get_by_role("checkbox", name="BIG: Product (1e lijn)")
            big_line2 = admin.get_by_role("checkbox", name="BIG: 2e lijn")
            await expect(big_product).not_to_be_checked()
            await tab_to(admin, "#" + (await big_line2.get_attribute("id")))
            await admin.keyboard.press("Space")
            await expect(big_line2).to_be_checked()
            await expect(big_product).to_be_checked()  # a line needs its product
            await expect(admin.locator("#live-region")).to_contain_text("BIG: Product (1e lijn)")
            await tab_to(admin, "button[type=submit].primary")
            await admin.keyboard.press("Enter")
            await admin.wait_for_url(re.compile(r"/accreditations\?saved=1$"))
            await expect(admin.get_by_role("status").first).to_contain_text("opgeslagen")
            await expect(big_line2).to_be_checked()
            await admin.screenshot(path=str(SHOTS / "user_admin_grid.png"), full_page=True)
            await assert_accessible_basics(admin)

            # --- back to the user's page: status, details, actions --------------------------
            await tab_to(admin, "main a[href^='/admin/users/']")
            await admin.keyboard.press("Enter")
            await admin.wait_for_url(re.compile(r"/admin/users/\d+$"))
            await expect(admin.get_by_role("heading", level=1)).to_contain_text("Nina Nieuw")
            await expect(admin.locator("#f-role")).to_have_value("agent")
            await assert_accessible_basics(admin)
            await admin.screenshot(path=str(SHOTS / "user_admin_user.png"), full_page=True)

            # --- the new agent logs in (password + TOTP) and sees BIG work ---------------------
            await imap.append("big", customer_mail("Vraag voor Nina", "Hallo").as_bytes())
            nina = await (await browser.new_context(**size)).new_page()
            await nina.goto(f"{base_url}/login")
            await tab_to(nina, "input[name=username]")
            await nina.keyboard.type("nina.nieuw")
            await tab_to(nina, "input[name=password]")
            await nina.keyboard.type(password)
            await nina.keyboard.press("Enter")
            await nina.wait_for_url(f"{base_url}/login/totp")
            await tab_to(nina, "input[name=code]")
            await nina.keyboard.type(pyotp.TOTP(secret).now())
            await nina.keyboard.press("Enter")
            # The admin knows this password: Nina must choose her own first.
            await nina.wait_for_url(f"{base_url}/account/password")
            await expect(nina.get_by_label("Huidig wachtwoord")).to_be_focused()
            await assert_accessible_basics(nina)
            await nina.keyboard.type(password)
            await tab_to(nina, "input[name=new]")
            await nina.keyboard.type("Nina haar eigen wachtwoord")
            await tab_to(nina, "input[name=repeated]")
            await nina.keyboard.type("Nina haar eigen wachtwoord")
            await nina.keyboard.press("Enter")
            await nina.wait_for_url(f"{base_url}/account/password?done=1")
            await expect(nina.locator("p.notice")).to_contain_text("gewijzigd")
            await nina.goto(f"{base_url}/")
            await expect(nina.locator("#inbox-rows")).to_contain_text("Vraag voor Nina")
        finally:
            await browser.close()
