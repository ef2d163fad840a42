"""The public web form in a real browser (headless Chromium, keyboard only) on the
whole stack: PostgreSQL, the Temporal dev server, the worker, the mail intake on the
pymap sandbox, the SMTP sink and uvicorn (the ``stack`` of the agent's journey).

Journey: the empty form (axe) -> send it empty: the error summary at the top takes
focus and links to the fields (axe) -> fill it in by keyboard, the ALTCHA widget
solves its proof of work -> the confirmation shows the reference (axe) -> the
contact is in the BIG queue -> the confirmation mail reaches the customer -> the
customer's reply threads onto the contact. Also: the form at 400 % zoom (320 px
wide) has no horizontal scrolling.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlmodel import select

from db.models.contacts import Contact, Message, Task
from tests.test_browser_journey import (  # noqa: F401 - fixtures
    CHROMIUM,
    CHROMIUM_ARGS,
    SHOTS,
    UI_TIMEOUT,
    parsed,
    playwright_api,
    stack,
    wait_until,
)

pytestmark = pytest.mark.browser
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


async def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.0/2.1 A and AA rules on the page: the violations, readable."""
    # evaluated through the DevTools protocol: the page's CSP (no inline scripts) stays on
    await page.evaluate(AXE.read_text())
    result = await page.evaluate(
        """async () => {
          const r = await axe.run(document, {runOnly: {type: "tag",
            values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
          return r.violations.map(v => `${v.id}: ${v.nodes.map(n => n.target).join(" | ")}`);
        }"""
    )
    return result


async def press_until_focused(page, selector: str, limit: int = 40) -> None:
    for _ in range(limit):
        if await page.evaluate(f"document.activeElement?.matches({selector!r})"):
            return
        await page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


async def test_public_form_keyboard_journey_with_axe(stack, playwright_api, db):  # noqa: F811
    base_url, imap, smtp, app = stack
    expect = playwright_api.expect
    expect.set_options(timeout=UI_TIMEOUT)
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport={"width": 1024, "height": 900})
            page = await context.new_page()
            await page.goto(f"{base_url}/formulier/big")
            await expect(page.get_by_role("heading", level=1)).to_contain_text("Contactformulier")
            assert await axe_violations(page) == []
            await page.screenshot(path=str(SHOTS / "webform-empty.png"), full_page=True)

            # --- sent empty: the summary at the top, focused, linking to each field -----
            await press_until_focused(page, "button[type=submit]")
            await page.keyboard.press("Enter")
            summary = page.locator("#error-summary")
            await expect(summary).to_be_visible()
            await expect(summary).to_be_focused()
            await expect(page).to_have_title(re.compile(r"^Fout: "))
            assert await axe_violations(page) == []
            await page.screenshot(path=str(SHOTS / "webform-errors.png"), full_page=True)
            await page.keyboard.press("Tab")  # the first link of the summary
            await page.keyboard.press("Enter")
            await expect(page.locator("#f-reason")).to_be_focused()

            # --- fill it in by keyboard ---------------------------------------------------
            await page.keyboard.press("ArrowDown")  # the first subject
            await press_until_focused(page, "#f-name")
            await page.keyboard.type("Jan Jansen")
            await page.keyboard.press("Tab")
            await page.keyboard.type("jan.jansen@example.nl")
            await press_until_focused(page, "#f-role-citizen")
            await page.keyboard.press("ArrowRight")  # professional
            await press_until_focused(page, "#f-message")
            await page.keyboard.type("Wanneer is mijn herregistratie klaar?")
            await press_until_focused(page, "#f-privacy")
            await page.keyboard.press("Space")
            # the proof of work runs while the person types; wait for its payload
            await page.wait_for_function(
                "document.querySelector('input[name=altcha]')?.value", timeout=30_000
            )
            await press_until_focused(page, "button[type=submit]")
            await page.keyboard.press("Enter")
            await page.wait_for_url(re.compile(r"/formulier/big/ontvangen\?s="))
            await expect(page.get_by_role("heading", level=1)).to_have_text(
                "Uw bericht is ontvangen"
            )
            reference = (await page.locator(".reference").inner_text()).strip()
            assert re.fullmatch(r"KCC-\d{4}-\d{6}", reference)
            assert await axe_violations(page) == []
            await page.screenshot(path=str(SHOTS / "webform-received.png"), full_page=True)

            # --- 400 % zoom: a 1280 px screen is 320 CSS px wide; nothing scrolls sideways
            small = await browser.new_context(viewport={"width": 320, "height": 640})
            zoomed = await small.new_page()
            await zoomed.goto(f"{base_url}/formulier/big")
            overflow = await zoomed.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{overflow}px of horizontal scrolling at 320px"
            await zoomed.screenshot(path=str(SHOTS / "webform-320px.png"), full_page=True)
        finally:
            await browser.close()

    # --- the contact is in the BIG queue; the confirmation mail went out ----------------
    async def task_open():
        async with db() as s:
            return (await s.exec(select(Task).where(Task.reference == reference))).one_or_none()

    for _ in range(200):
        task = await task_open()
        if task is not None:
            break
        await asyncio.sleep(0.1)
    assert task is not None and task.kind == "webform" and task.status == "open"

    def confirmation():
        for sent in smtp.messages:
            mail = parsed(sent.raw)
            if (
                reference in (mail["Subject"] or "")
                or reference in mail.get_body(("plain",)).get_content()
            ):
                return mail
        return None

    ack = await wait_until(confirmation, 30, "the confirmation mail")
    assert ack["To"] == "jan.jansen@example.nl"
    assert ack["Auto-Submitted"] == "auto-replied"
    assert "via het contactformulier" in ack.get_body(("plain",)).get_content()

    # --- the customer replies to it: the reply threads onto the same contact --------------
    reply = EmailMessage()
    reply["From"] = "Jan Jansen <jan.jansen@example.nl>"
    reply["To"] = ack["From"]
    reply["Subject"] = "Re: " + ack["Subject"]
    reply["Message-ID"] = f"<{uuid.uuid4()}@example.nl>"
    reply["In-Reply-To"] = ack["Message-ID"]
    reply["References"] = ack["Message-ID"]
    reply.set_content("Ik stuur mijn diploma nog na.")
    await imap.append("big", reply.as_bytes())

    async def inbound_count():
        async with db() as s:
            contact = (await s.exec(select(Contact).where(Contact.reference == reference))).one()
            rows = (
                await s.exec(
                    select(Message).where(
                        Message.contact_id == contact.id, Message.direction == "in"
                    )
                )
            ).all()
            return len(rows)

    for _ in range(300):
        if await inbound_count() == 2:
            break
        await asyncio.sleep(0.1)
    assert await inbound_count() == 2
    async with db() as s:
        assert len((await s.exec(select(Contact))).all()) == 1
