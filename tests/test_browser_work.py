"""The trafficer's and the backoffice's journey in a real browser (headless Chromium),
on the same real stack as tests/test_browser_journey.py.

Journey: two customer mails arrive -> an agent claims one and escalates it to the
2nd line with a question -> the trafficer sees both on the work-distribution page
(lines, time left), assigns both in bulk to the agent (the escalated one is refused:
it is on the backoffice list) and raises the escalated one's priority -> the agent
and the trafficer see each other viewing the same contact -> the backoffice takes
its "next task" and answers back to the 1st line -> the history shows every hop.
"""

from __future__ import annotations

import re

import pytest

from tests.test_browser_journey import (  # noqa: F401  (fixtures)
    CHROMIUM,
    CHROMIUM_ARGS,
    SHOTS,
    UI_TIMEOUT,
    assert_accessible_basics,
    customer_mail,
    log_in,
    playwright_api,
    stack,
)

pytestmark = pytest.mark.browser


async def test_trafficer_and_backoffice_journey(stack, playwright_api):  # noqa: F811
    base_url, imap, smtp, app = stack
    expect = playwright_api.expect
    expect.set_options(timeout=UI_TIMEOUT)
    SHOTS.mkdir(parents=True, exist_ok=True)

    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            size = {"viewport": {"width": 1440, "height": 900}}
            anna_ctx = await browser.new_context(**size)
            daan_ctx = await browser.new_context(**size)
            gert_ctx = await browser.new_context(**size)

            # --- two customers write ------------------------------------------------------
            anna = await log_in(anna_ctx, base_url, "agent")
            await expect(anna.locator("html")).to_have_attribute("data-live", "open")
            for subject in ("Diploma uit Spanje", "Adres wijzigen"):
                await imap.append("big", customer_mail(subject, "Graag hulp.").as_bytes())
            rows = anna.locator("#inbox-rows tr")
            await expect(rows).to_have_count(2, timeout=UI_TIMEOUT)
            diploma = rows.filter(has_text="Diploma uit Spanje")
            other = rows.filter(has_text="Adres wijzigen")
            escalated_ref = (await diploma.locator("a.row-link").inner_text()).strip()
            other_ref = (await other.locator("a.row-link").inner_text()).strip()
            await expect(diploma).to_contain_text(re.compile(r"\d+u \d\dm"))  # time left

            # --- the agent claims one and asks the backoffice -------------------------------
            await anna.goto(f"{base_url}/contacts/{escalated_ref}")
            await anna.get_by_role("button", name="Oppakken").click()
            await anna.wait_for_url(re.compile(r"\?done=claim$"))
            await assert_accessible_basics(anna)
            await anna.get_by_label("Naar").select_option(label="2e lijn (backoffice)")
            await anna.get_by_label("Vraag", exact=True).fill("Is dit Spaanse diploma erkend?")
            await anna.get_by_role("button", name="Doorzetten").click()
            await anna.wait_for_url(re.compile(r"\?done=escalate$"))
            await expect(anna.locator(".history")).to_contain_text(
                "Doorgezet door Anna Agent: 1e lijn → 2e lijn (BIG backoffice)"
            )
            await expect(anna.locator("#work-lines")).to_contain_text("2e lijn (backoffice)")

            # --- the trafficer's view: lines, time left, bulk assign, priority ---------------
            daan = await log_in(daan_ctx, base_url, "trafficer")
            await daan.goto(f"{base_url}/trafficer")
            await expect(daan.get_by_role("heading", level=1)).to_have_text("Werkverdeling")
            await assert_accessible_basics(daan)
            task_rows = daan.locator("#bulk-assign tbody tr")
            await expect(task_rows).to_have_count(2)
            await expect(task_rows.filter(has_text=escalated_ref)).to_contain_text("2e lijn")
            await expect(task_rows.filter(has_text=other_ref)).to_contain_text("1e lijn")
            await daan.get_by_label(f"Selecteren {escalated_ref}").check()
            await daan.get_by_label(f"Selecteren {other_ref}").check()
            await daan.get_by_label("Geselecteerde taken toewijzen aan").select_option(
                label="Anna Agent (1)"  # her lines
            )
            await daan.get_by_role("button", name="Toewijzen").click()
            await daan.wait_for_url(re.compile(r"result="))
            # Anna does not work the backoffice line: that one stays on its list.
            await expect(daan.locator("#trafficer-result")).to_have_text(
                "1 van 2 taken toegewezen."
            )
            await expect(task_rows.filter(has_text=other_ref)).to_contain_text("Anna Agent")
            await daan.get_by_label("Kenmerk").select_option(escalated_ref)
            await daan.get_by_label("Prioriteit", exact=True).fill("5")
            await daan.get_by_role("button", name="Prioriteit wijzigen").click()
            await daan.wait_for_url(re.compile(r"result=1-1"))
            first = daan.locator("#bulk-assign tbody tr").first
            await expect(first).to_contain_text(escalated_ref)
            await expect(first.locator("td").nth(8)).to_have_text("5")
            await daan.screenshot(path=str(SHOTS / "trafficer.png"), full_page=True)

            # --- live re-sort: a priority change elsewhere re-orders the list in place ------
            await expect(daan.locator("html")).to_have_attribute("data-live", "open")
            await daan.evaluate("window.__sameDocument = true")
            await daan.get_by_label(f"Selecteren {escalated_ref}").check()
            other_link = daan.locator(f"#trafficer-rows a.row-link[href='/contacts/{other_ref}']")
            await other_link.focus()
            await _set_priority(app, other_ref, 9)  # e.g. another trafficer's decision
            await expect(first).to_contain_text(other_ref)  # most urgent first, no reload
            assert await daan.evaluate("window.__sameDocument === true")
            await expect(daan.get_by_label(f"Selecteren {escalated_ref}")).to_be_checked()
            await expect(other_link).to_be_focused()
            await expect(daan.locator("#work-live-status")).to_have_text(
                "Lijst bijgewerkt: 2 verschoven"
            )
            await expect(daan.locator("#work-live-status")).to_have_attribute("aria-live", "polite")
            await expect(first.locator("td").nth(8)).to_have_text("9")
            # A new mail: a new row, and the queue counts follow, still without a reload.
            queue_1 = daan.locator("#queue-rows tr").first
            await expect(queue_1.locator("td").nth(2)).to_have_text("0")  # open, 1st line
            await imap.append("big", customer_mail("Nieuwe vraag", "Hallo.").as_bytes())
            await expect(task_rows).to_have_count(3)
            status = daan.locator("#work-live-status")
            await expect(status).to_have_text("Lijst bijgewerkt: 1 nieuw")
            await expect(queue_1.locator("td").nth(2)).to_have_text("1")
            assert await daan.evaluate("window.__sameDocument === true")
            await expect(daan.get_by_label(f"Selecteren {escalated_ref}")).to_be_checked()

            # --- who is viewing: the agent and the trafficer on the same contact ------------
            await anna.goto(f"{base_url}/contacts/{other_ref}")
            await expect(anna.locator("#work-lines")).to_contain_text("1e lijn")
            await daan.goto(f"{base_url}/contacts/{other_ref}")
            await expect(daan.locator("#work-presence")).to_have_text(
                "Bekijkt dit contact ook: Anna Agent"
            )

            # --- the backoffice takes its next task and answers back ------------------------
            gert = await log_in(gert_ctx, base_url, "backoffice2")
            await gert.goto(f"{base_url}/work?line=2")
            await assert_accessible_basics(gert)
            await expect(gert.locator("#work-rows")).to_contain_text(escalated_ref)
            await gert.keyboard.press("t")  # "next task"
            await gert.wait_for_url(f"{base_url}/contacts/{escalated_ref}?done=claim")
            await expect(gert.locator("#contact-live")).to_contain_text(
                "Is dit Spaanse diploma erkend?"
            )
            await gert.get_by_label("Antwoord", exact=True).fill("Ja, erkend sinds 2021.")
            await gert.get_by_role("button", name="Terugsturen").click()
            await gert.wait_for_url(re.compile(r"\?done=answer_escalation$"))
            history = gert.locator(".history")
            await expect(history).to_contain_text(
                "Beantwoord door Gert Backoffice: 2e lijn (BIG backoffice) → 1e lijn"
            )
            await expect(gert.locator("#work-lines")).to_contain_text("1e lijn (KCC)")
            await gert.screenshot(path=str(SHOTS / "backoffice.png"), full_page=True)

            # the agent gets it back, in her own list
            await anna.goto(f"{base_url}/work?mine=true")
            await expect(anna.locator("#work-rows")).to_contain_text(escalated_ref)
            # her list re-sorts live too: both are hers, the priority 9 one comes first
            mine = anna.locator("#work-rows tr")
            await expect(mine).to_have_count(2)
            await expect(mine.first).to_contain_text(other_ref)
            await expect(anna.locator("html")).to_have_attribute("data-live", "open")
            await _set_priority(app, escalated_ref, 10)
            await expect(mine.first).to_contain_text(escalated_ref)
            await expect(anna.locator("#work-live-status")).to_have_text(
                "Lijst bijgewerkt: 2 verschoven"
            )
        finally:
            await browser.close()


async def _set_priority(app, reference: str, priority: int) -> None:
    """A priority decision straight on the contact's workflow (as another trafficer's
    page would send it), so only the live update can change the open page."""
    from contracts.contact import DecisionResult, contact_workflow_id
    from contracts.work import PriorityRequest
    from tests.api_support import user_id

    trafficer = await user_id(app.state.sessionmaker, "trafficer")
    handle = app.state.temporal_client.get_workflow_handle(contact_workflow_id(reference))
    await handle.execute_update(
        "set_priority", PriorityRequest(trafficer, priority), result_type=DecisionResult
    )
