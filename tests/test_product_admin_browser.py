"""Product and phone-line editing in a real browser (headless Chromium), keyboard
only, on the stack of tests/test_browser_journey.py; axe-core on every page.

Journey: the admin opens "Producten" from the top bar -> "Nieuw product" -> types
the product and presses Enter -> the edit page says it is saved -> "Telefoonlijn"
-> a number that is not E.164 is refused with a clear message, the input kept ->
the corrected number, callback switched off with Space, Enter -> saved and audited.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from db.models.contacts import AuditEvent, Product
from db.models.phone import PhoneLine
from tests.a11y import assert_axe_clean
from tests.test_browser_journey import (  # noqa: F401  (fixtures)
    CHROMIUM,
    CHROMIUM_ARGS,
    UI_TIMEOUT,
    playwright_api,
    stack,
)
from tests.test_work_admin_browser import follow, log_in_admin

pytestmark = pytest.mark.browser


async def type_into(page, selector: str, text: str) -> None:
    await page.locator(selector).focus()
    await page.keyboard.press("Control+A")
    await page.keyboard.type(text)


async def test_admin_creates_a_product_and_its_phone_line(stack, playwright_api, db):  # noqa: F811
    base_url, _imap, _smtp, _app = stack
    expect = playwright_api.expect
    expect.set_options(timeout=UI_TIMEOUT)

    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport={"width": 1440, "height": 900})
            admin = await log_in_admin(context, base_url)
            await follow(admin, "Producten")
            await admin.wait_for_url(f"{base_url}/admin/products")
            await assert_axe_clean(admin)
            await follow(admin, "Nieuw product")
            await admin.wait_for_url(f"{base_url}/admin/products/new")
            await assert_axe_clean(admin)
            for selector, text in (
                ("#code", "ZORG"),
                ("#name", "Zorgregister"),
                ("#name_en", "Care register"),
                ("#mailbox", "zorg"),
                ("#reply_from", "zorg@pulse.test"),
                ("#register_url_template", "https://zorg.pulse.test/{identifier}"),
            ):
                await type_into(admin, selector, text)
            await admin.keyboard.press("Enter")
            await expect(admin.locator("#saved-status")).to_contain_text("Opgeslagen")
            await expect(admin.get_by_role("heading", level=1)).to_have_text(
                "Product ZORG bewerken"
            )
            await assert_axe_clean(admin)

            await follow(admin, "Telefoonlijn")
            await expect(admin.get_by_role("heading", level=1)).to_have_text(
                "Telefoonlijn van ZORG"
            )
            await type_into(admin, "#inbound_number", "070 340 79 99")
            await admin.keyboard.press("Enter")
            await expect(admin.get_by_role("alert")).to_contain_text("E.164")
            await expect(admin.locator("#inbound_number")).to_have_value("070 340 79 99")
            await assert_axe_clean(admin)
            await type_into(admin, "#inbound_number", "+31703407999")
            await admin.locator("#callback_enabled").focus()
            await admin.keyboard.press("Space")  # on by default: now off
            await admin.locator("#answer_within_seconds").focus()
            await admin.keyboard.type("25")
            await admin.keyboard.press("Enter")
            await expect(admin.locator("#saved-status")).to_contain_text("Opgeslagen")
            await assert_axe_clean(admin)
        finally:
            await browser.close()

    async with db() as s:
        product = (await s.exec(select(Product).where(Product.code == "ZORG"))).one()
        assert product.name_en == "Care register" and product.mailbox == "zorg"
        line = (await s.exec(select(PhoneLine).where(PhoneLine.product_id == product.id))).one()
        assert line.inbound_number == "+31703407999" and line.queue == "pulse-zorg"
        assert not line.callback_enabled and line.answer_within_seconds == 25
        actions = (
            await s.exec(select(AuditEvent.action).where(AuditEvent.object_id == str(product.id)))
        ).all()
        assert {"work_admin.product.create", "work_admin.phone_line.create"} <= set(actions)
