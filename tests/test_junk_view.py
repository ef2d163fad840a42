"""The junk view in a real browser: spam is counted per product, not queue work; a
trafficer releases a false positive (it becomes an ordinary contact) and deletes
the rest (its raw bytes are gone). Keyboard-reachable and with the page checks of
tests/test_browser_journey.py."""

from __future__ import annotations

import asyncio
import re

import pytest
from sqlmodel import select

from db.models.contacts import Contact
from db.models.junk import JunkMail
from tests.test_browser_journey import (  # noqa: F401  (fixtures)
    CHROMIUM,
    CHROMIUM_ARGS,
    UI_TIMEOUT,
    assert_accessible_basics,
    customer_mail,
    log_in,
    playwright_api,
    stack,
)

pytestmark = pytest.mark.browser


async def _junk(db) -> list[JunkMail]:
    async with db() as s:
        return list((await s.exec(select(JunkMail).order_by(JunkMail.id))).all())


async def _contacts(db) -> list[Contact]:
    async with db() as s:
        return list((await s.exec(select(Contact))).all())


async def test_trafficer_releases_and_deletes_junk(stack, playwright_api, db):  # noqa: F811
    base_url, imap, smtp, app = stack
    expect = playwright_api.expect
    expect.set_options(timeout=UI_TIMEOUT)
    for subject in ("Echte vraag toch", "Goedkope pillen"):
        await imap.append("big", customer_mail(subject, "Tekst", X_Spam_Flag="YES").as_bytes())

    for _ in range(300):
        if len(await _junk(db)) == 2:
            break
        await asyncio.sleep(0.1)
    assert len(await _junk(db)) == 2
    assert await _contacts(db) == []  # not queue work

    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context()
            page = await log_in(context, base_url, "trafficer")
            await page.goto(f"{base_url}/trafficer")
            await page.get_by_role("link", name="Ongewenste mail").click()
            await page.wait_for_url(f"{base_url}/trafficer/junk")
            await assert_accessible_basics(page)
            counts = page.get_by_role("row", name=re.compile("^BIG"))
            await expect(counts).to_contain_text("2")
            release = page.get_by_role("button", name="Doorlaten: Echte vraag toch")
            await release.focus()
            await page.keyboard.press("Enter")  # keyboard-first
            await page.wait_for_url(re.compile(r"result=released$"))
            await expect(page.locator("#junk-result")).to_be_visible()
            await assert_accessible_basics(page)
            await page.get_by_role("button", name="Verwijderen: Goedkope pillen").click()
            await page.wait_for_url(re.compile(r"result=deleted$"))
            await expect(page.locator("#junk-empty")).to_be_visible()
        finally:
            await browser.close()

    junk = await _junk(db)
    assert [j.status for j in junk] == ["released", "deleted"]
    assert junk[0].released_message_id is not None
    assert junk[1].raw_sha256 is None
    [contact] = await _contacts(db)
    assert contact.subject == "Echte vraag toch"
