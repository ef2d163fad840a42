"""The survey page in a real browser (headless Chromium, keyboard only) with axe-core:
a link from the mail opens the thank-you page with the comment form (axe) -> the
comment is typed and sent by keyboard -> the done page (axe) -> the same link again
gets the "already answered" page (axe). Served by uvicorn on real PostgreSQL; the
invitation is made as the survey activity makes it (services/survey/planning.py is
covered on the whole stack in tests/test_survey.py)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

import pytest
import uvicorn
from sqlmodel import select

from api.main import create_app
from db.models.contacts import Contact, Product, utcnow
from db.models.customers import SatisfactionScore
from db.models.survey import SurveyInvitation
from db.session import session_scope
from devstack.demo.seed import seed_demo
from services.survey.tokens import make_token
from tests.a11y import assert_axe_clean
from tests.conftest import free_port
from tests.test_browser_journey import (  # noqa: F401 - fixture
    CHROMIUM,
    CHROMIUM_ARGS,
    UI_TIMEOUT,
    playwright_api,
    wait_until,
)
from tests.test_contact_workflow import eventually

pytestmark = pytest.mark.browser


@pytest.fixture
async def served(db, settings):
    """A closed contact with a survey invitation, and the app on loopback."""
    await seed_demo(db)
    async with session_scope(db) as s:
        big = (await s.exec(select(Product).where(Product.code == "BIG"))).one()
        contact = Contact(
            reference="KCC-2026-990001",
            channel="email",
            status="closed",
            product_id=big.id,
            closed_at=utcnow(),
        )
        s.add(contact)
        await s.flush()
        invitation = SurveyInvitation(
            contact_id=contact.id,
            product_id=big.id,
            channel="email",
            language="en",
            expires_at=utcnow() + timedelta(days=30),
        )
        s.add(invitation)
        await s.flush()
        token = make_token(settings, invitation.id, 2, invitation.expires_at)
    port = free_port()
    cfg = settings.model_copy(update={"public_url": f"http://127.0.0.1:{port}"})
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(cfg, sessionmaker=db),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=1,
        )
    )
    serve_task = asyncio.create_task(server.serve())
    try:
        await wait_until(lambda: server.started or serve_task.done(), 15, "uvicorn")
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}/survey/{token}"
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(serve_task, 10)


async def test_survey_page_by_keyboard_with_axe(served, playwright_api, db):  # noqa: F811
    link = served
    expect = playwright_api.expect
    expect.set_options(timeout=UI_TIMEOUT)
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context()
            page = await context.new_page()
            await page.goto(link)
            # no script at all: the page, its form and its post work without JavaScript
            assert await page.locator("script").count() == 0
            await expect(page.get_by_role("heading", level=1)).to_have_text(
                "Thank you for your rating"
            )
            await expect(page.get_by_role("status")).to_contain_text("2 out of 5")
            await assert_axe_clean(page)

            # keyboard only: the skip link first, then into the comment and send it
            await page.keyboard.press("Tab")
            assert await page.evaluate("document.activeElement.className") == "skip-link"
            for _ in range(10):
                await page.keyboard.press("Tab")
                if await page.evaluate("document.activeElement.id") == "comment":
                    break
            assert await page.evaluate("document.activeElement.id") == "comment"
            await page.keyboard.type("The answer came late.")
            await page.keyboard.press("Tab")
            assert await page.evaluate("document.activeElement.type") == "submit"
            await page.keyboard.press("Enter")
            await expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
            await expect(page.get_by_role("status")).to_contain_text("comment has been saved")
            assert await page.locator("script").count() == 0
            await assert_axe_clean(page)

            # the same link again: a clear page, nothing changed
            await page.goto(link)
            await expect(page.get_by_role("heading", level=1)).to_have_text(
                "You have already answered this survey"
            )
            await assert_axe_clean(page)
        finally:
            await browser.close()

    async def stored():
        async with db() as s:
            return (await s.exec(select(SatisfactionScore))).all()

    [score] = await eventually(stored)
    assert (score.score, score.comment) == (2, "The answer came late.")
