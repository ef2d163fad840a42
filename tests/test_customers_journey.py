"""The klantbeeld journey in a real browser (headless Chromium), on the same real
stack as tests/test_browser_journey.py (PostgreSQL, Temporal dev server, worker,
IMAP intake, SMTP sink, uvicorn).

A caller is on the line (no phone screen pop yet: the agent types the number in the
search box, key "/") -> two customers share that number, but only the one with a
contact in the agent's products is found (need-to-know) -> the klantbeeld: open
contact first, history of her products only, the register link opens in a new
tab -> open the customer's mail -> claim -> the knowledge base suggests the article
-> insert it -> send -> the customer receives the answer; the article's usage is
counted.

Screenshots: /tmp/pulse-shots/klantbeeld*.png. Skips without Debian's chromium.
"""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from db.models.customers import KbArticle
from devstack.demo.customers import seed_customers_history
from tests.test_browser_journey import (  # noqa: F401 - fixtures
    CHROMIUM,
    CHROMIUM_ARGS,
    SHOTS,
    UI_TIMEOUT,
    assert_accessible_basics,
    customer_mail,
    log_in,
    parsed,
    playwright_api,
    stack,
    wait_until,
)

pytestmark = pytest.mark.browser


async def test_caller_klantbeeld_register_link_and_knowledge_answer(stack, playwright_api, db):  # noqa: F811
    base_url, imap, smtp, app = stack
    expect = playwright_api.expect
    expect.set_options(timeout=UI_TIMEOUT)
    SHOTS.mkdir(parents=True, exist_ok=True)

    await seed_customers_history(db)  # earlier contacts, as `make run` has them
    # The customer (demo: Jan Jansen) mailed earlier today about moving house.
    mail = customer_mail(
        "Adreswijziging", "Goedemiddag,\n\nIk ben verhuisd. Hoe geef ik mijn nieuwe adres door?"
    )
    await imap.append("big", mail.as_bytes())

    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            ctx = await browser.new_context(viewport={"width": 1440, "height": 900})
            register_hits = []

            async def fake_register(route):
                register_hits.append(route.request.url)
                await route.fulfill(body="<h1>BIG-register (test)</h1>", content_type="text/html")

            await ctx.route("https://register.pulse.test/**", fake_register)
            page = await log_in(ctx, base_url, "agent")
            row = page.locator("#inbox-rows tr", has_text="Adreswijziging")
            await expect(row).to_be_visible(timeout=UI_TIMEOUT)  # intake done

            # --- the phone rings: 06 1234 5678. "/" and the number -----------------------
            await page.keyboard.press("/")
            box = page.get_by_role("searchbox", name="Zoeken")
            await expect(box).to_be_focused()
            await box.fill("06 1234 5678")
            await box.press("Enter")
            await page.wait_for_url(re.compile(r"/search\?q="))
            results = page.locator("#res-customers + ul")
            # a shared number, but need-to-know: Jan Janssen has no contact in the agent's
            # products, so only Jan Jansen (BIG contacts) is found
            await expect(results.get_by_role("link", name="Jan Jansen", exact=True)).to_be_visible()
            await expect(results.get_by_role("link", name="Jan Janssen", exact=True)).to_have_count(
                0
            )
            await assert_accessible_basics(page)
            await results.get_by_role("link", name="Jan Jansen", exact=True).click()

            # --- the klantbeeld ---------------------------------------------------------
            await page.wait_for_url(re.compile(r"/customers/\d+$"))
            await expect(page.get_by_role("heading", level=1)).to_contain_text("Jan Jansen")
            await expect(page.locator(".id-value[data-kind=bsn]")).to_have_text("******333")
            timeline = page.locator("table.timeline tbody tr")
            await expect(timeline.first).to_contain_text("Adreswijziging")  # open first
            await expect(timeline.first).to_contain_text("Nieuw")
            await expect(timeline).to_have_count(4)  # 3 earlier BIG contacts + today's mail
            await expect(page.locator(".other-products")).to_contain_text("1 contact")  # DONOR
            await expect(page.get_by_text("Keuze donorregister wijzigen")).to_have_count(0)
            await expect(page.locator("#last-csat")).to_have_text("4/5")
            await assert_accessible_basics(page)
            await page.screenshot(path=str(SHOTS / "klantbeeld.png"), full_page=True)

            link = page.get_by_role("link", name=re.compile("Openen in BIG-register"))
            await expect(link).to_have_attribute("target", "_blank")
            async with page.expect_popup() as popup_info:
                await link.click()
            register = await popup_info.value
            await expect(register.get_by_role("heading")).to_have_text("BIG-register (test)")
            assert register_hits == ["https://register.pulse.test/big/19012345601"]
            await register.close()

            # --- the open mail, claimed, answered from the knowledge base ---------------
            await timeline.first.get_by_role("link").click()
            await page.wait_for_url(re.compile(r"/contacts/KCC-"))
            await expect(page.locator("#klantbeeld-link")).to_be_visible()
            await page.keyboard.press("c")
            await page.wait_for_url(re.compile(r"\?done=claim$"))
            suggestion = page.locator("#work-kb li", has_text="Adreswijziging doorgeven")
            await expect(suggestion).to_be_visible()
            await suggestion.get_by_role("button", name="Tekst invoegen in antwoord").click()
            reply = page.get_by_label("Antwoord aan de klant")
            await expect(reply).to_have_value(re.compile("BRP"))
            await expect(page.locator("#live-region")).to_have_text(
                "Artikel ingevoegd in het antwoord."
            )
            await page.screenshot(path=str(SHOTS / "klantbeeld-answer.png"), full_page=True)
            await page.get_by_role("button", name="Versturen").click()
            await page.wait_for_url(re.compile(r"\?done=reply$"))

            def our_reply():
                for sent in smtp.messages:
                    message = parsed(sent.raw)
                    if message["Auto-Submitted"] in (None, "no") and message["In-Reply-To"]:
                        return message
                return None

            answer = await wait_until(our_reply, 20, "the reply at the SMTP server")
            assert "BRP" in answer.get_body(("plain",)).get_content()
        finally:
            await browser.close()
    async with db() as s:
        article = (
            await s.exec(select(KbArticle).where(KbArticle.title == "Adreswijziging doorgeven"))
        ).one()
    assert article.usage_count == 1
