"""The agent's journey in a real browser (headless Chromium), against real parts on
loopback: embedded PostgreSQL, the Temporal dev server, the pymap IMAP sandbox with
the product mailboxes, an SMTP sink, the PULSE worker, the mail intake (IMAP IDLE)
and the API served by uvicorn, all in this test's event loop.

Journey: log in -> the inbox is open -> a customer mail arrives in the BIG mailbox
-> its row appears without a reload (SSE) -> open it (j, Enter) -> claim (c) ->
a second agent's claim is refused clearly -> reply (r) -> the customer receives it
-> the customer answers -> the answer appears in the open thread without a reload
-> close with a contact reason -> closed.

Screenshots go to /tmp/pulse-shots/ (look at them: they are the UI people see).
Skips, visibly, without Debian's chromium (``apt-get install chromium``; CI does).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import uuid
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
import uvicorn
from pydantic import SecretStr

from api.main import create_app
from channels.email.intake import MailIntake
from channels.email.watcher import MailboxWatcher
from devstack.demo.seed import DEMO_PASSWORD, DEMO_PRODUCTS, seed_demo
from devstack.mail_sandbox import ImapSandbox, SmtpSink
from runtime.worker import build_worker
from tests.conftest import free_port

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path("/tmp/pulse-shots")
IMAP_USER, IMAP_PASSWORD = "pulse", "pulse-browser-test"
UI_TIMEOUT = 15_000  # ms: the longest a person would wait for a live update here


def customer_mail(subject: str, body: str, **headers: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Jan Jansen <jan.jansen@example.nl>"
    msg["To"] = "big@pulse.test"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{uuid.uuid4()}@example.nl>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def parsed(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, policy=policy.default)


async def wait_until(check, timeout: float, what: str):
    """Poll ``check()`` (sync) until it returns something truthy."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = check()
        if result:
            return result
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


@pytest.fixture
def playwright_api():
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's chromium is not installed (/usr/bin/chromium); "
            "`apt-get install chromium` to run the browser journey (.ci/run does)"
        )
    return pytest.importorskip("playwright.async_api")


@pytest.fixture
async def stack(db, settings, temporal_dev, tmp_path):
    """Everything PULSE runs, on loopback, in this loop. Yields (base_url, imap, smtp, app)."""
    await seed_demo(db)
    mailboxes = [p.mailbox for p in DEMO_PRODUCTS]
    imap = ImapSandbox(free_port(), tmp_path / "imap", IMAP_USER, IMAP_PASSWORD, mailboxes)
    async with imap, SmtpSink(free_port(), tmp_path / "smtp") as smtp:
        port = free_port()
        cfg = settings.model_copy(
            update={
                "temporal_task_queue": f"browser-{uuid.uuid4().hex[:10]}",
                "imap_host": imap.host,
                "imap_port": imap.port,
                "imap_user": IMAP_USER,
                "imap_password": SecretStr(IMAP_PASSWORD),
                "smtp_host": smtp.host,
                "smtp_port": smtp.port,
                "demo_skip_totp": True,
                "dev_tools": True,
                "cookie_secure": False,
                "public_url": f"http://127.0.0.1:{port}",
            }
        )
        client = temporal_dev.client
        intake = MailIntake(db, client, cfg)
        watcher = MailboxWatcher(
            host=imap.host,
            port=imap.port,
            user=IMAP_USER,
            password=IMAP_PASSWORD,
            mailbox="big",
            processed_folder=imap.processed_folder,
            handler=intake.handle,
            idle_seconds=30,
            poll_seconds=0.5,
            retry_initial_seconds=0.2,
        )
        app = create_app(cfg, temporal_client=client, sessionmaker=db)
        server = uvicorn.Server(
            uvicorn.Config(
                app,
                host="127.0.0.1",
                port=port,
                log_level="warning",
                lifespan="on",
                timeout_graceful_shutdown=1,
            )
        )
        async with build_worker(client, cfg, db):
            watch_task = asyncio.create_task(watcher.run())
            serve_task = asyncio.create_task(server.serve())
            try:
                await wait_until(lambda: server.started or serve_task.done(), 15, "uvicorn")
                assert server.started, "uvicorn did not start"
                await asyncio.wait_for(watcher.connected.wait(), 15)
                yield f"http://127.0.0.1:{port}", imap, smtp, app
            finally:
                server.should_exit = True
                await watcher.stop()
                watch_task.cancel()
                with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                    await asyncio.wait_for(serve_task, 10)
                with contextlib.suppress(asyncio.CancelledError):
                    await watch_task


async def log_in(context, base_url: str, username: str, landing: str = "/"):
    """Logs in by the form; ``landing`` is the role's start page (a manager's is /reports)."""
    page = await context.new_page()
    await page.goto(f"{base_url}/login")
    await page.get_by_label(re.compile("Gebruikersnaam|Username")).fill(username)
    await page.get_by_label(re.compile("Wachtwoord|Password")).fill(DEMO_PASSWORD)
    await page.get_by_role("button", name=re.compile("Inloggen|Log in")).click()
    await page.wait_for_url(f"{base_url}{landing}")
    return page


ACCESSIBILITY_PROBLEMS_JS = """
() => {
  const problems = [];
  const named = (el) => {
    if (el.getAttribute("aria-label") || el.getAttribute("aria-labelledby")) return true;
    if (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) return true;
    return !!el.closest("label");
  };
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden") continue;
    if (!named(el)) problems.push(`unlabelled ${el.tagName.toLowerCase()} ${el.name || el.id}`);
    const style = getComputedStyle(el);  // e.g. white text inherited from the top bar
    if (style.color === style.backgroundColor)
      problems.push(`invisible text in ${el.tagName.toLowerCase()} ${el.name || el.id}`);
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    const name = (el.getAttribute("aria-label") || el.textContent || el.title || "").trim();
    if (!name) problems.push(`nameless ${el.tagName.toLowerCase()} ${el.outerHTML.slice(0, 80)}`);
  }
  if (!document.querySelector("main")) problems.push("no <main> landmark");
  if (!document.querySelector("header, [role=banner]")) problems.push("no banner landmark");
  if (!document.querySelector("nav")) problems.push("no <nav> landmark");
  if (!document.documentElement.lang) problems.push("no lang on <html>");
  if (!document.querySelector("h1")) problems.push("no <h1>");
  const live = document.getElementById("live-region");
  if (!live || !["polite", "assertive"].includes(live.getAttribute("aria-live")))
    problems.push("no live region");
  const ids = Array.from(document.querySelectorAll("[id]"), (el) => el.id);
  const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (dupes.length) problems.push(`duplicate ids: ${dupes.join(", ")}`);
  return problems;
}
"""


async def assert_accessible_basics(page) -> None:
    assert await page.evaluate(ACCESSIBILITY_PROBLEMS_JS) == []


async def test_agent_journey_in_the_browser(stack, playwright_api):
    base_url, imap, smtp, app = stack
    expect = playwright_api.expect
    # A loaded 2-core CI machine: give every expectation the live-update budget.
    expect.set_options(timeout=UI_TIMEOUT)
    SHOTS.mkdir(parents=True, exist_ok=True)

    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            anna_ctx = await browser.new_context(viewport={"width": 1440, "height": 900})
            bram_ctx = await browser.new_context(viewport={"width": 1440, "height": 900})

            # --- the inbox is open, empty, and listening --------------------------------
            inbox = await log_in(anna_ctx, base_url, "agent")
            await expect(inbox.get_by_role("heading", level=1, name="Inbox")).to_be_visible()
            await expect(inbox.get_by_text("Geen werk gevonden.")).to_be_visible()
            await assert_accessible_basics(inbox)
            # The stream must be open before the mail arrives, or its event is missed.
            await expect(inbox.locator("html")).to_have_attribute("data-live", "open")
            await inbox.evaluate("window.__pulseNotReloaded = true")

            # --- a customer writes to the BIG mailbox ------------------------------------
            first = customer_mail(
                "Vraag over mijn BIG-registratie",
                "Goedemiddag,\n\nWanneer wordt mijn herregistratie verwerkt?\n\nJan Jansen",
            )
            await imap.append("big", first.as_bytes())
            row = inbox.locator("#inbox-rows tr", has_text="Vraag over mijn BIG-registratie")
            await expect(row).to_be_visible(timeout=UI_TIMEOUT)
            assert await inbox.evaluate("window.__pulseNotReloaded === true"), "page reloaded"
            await expect(inbox.locator("#live-region")).to_have_text("Inbox bijgewerkt: 1 nieuw")
            await expect(row).to_have_class(re.compile(r"\brow-new\b"))  # a brief highlight
            reference = (await row.locator("a.row-link").inner_text()).strip()
            assert re.fullmatch(r"KCC-\d{4}-\d{6}", reference), reference
            await expect(row).to_contain_text("Jan Jansen")
            await expect(row).to_contain_text("BIG")
            await inbox.screenshot(path=str(SHOTS / "inbox.png"), full_page=True)

            # --- a colleague opens the same new mail (the race a claim must settle) -------
            bram = await log_in(bram_ctx, base_url, "agent2")
            await bram.goto(f"{base_url}/contacts/{reference}")
            await expect(bram.get_by_role("button", name="Oppakken")).to_be_visible()
            await expect(bram.locator("html")).to_have_attribute("data-live", "open")
            # ...he starts a note, and has a second tab whose live updates are broken
            note_box = bram.get_by_label("Interne notitie (niet zichtbaar voor de klant)")
            await note_box.click()
            await bram.keyboard.type("Klant belde ook")
            await bram.evaluate("window.__pulseNotReloaded = true")
            stale = await bram_ctx.new_page()
            await stale.add_init_script("delete window.EventSource")
            await stale.goto(f"{base_url}/contacts/{reference}")
            await expect(stale.get_by_role("button", name="Oppakken")).to_be_visible()

            # --- open it with the keyboard, claim with "c" -------------------------------
            await inbox.keyboard.press("j")
            await expect(row.locator("a.row-link")).to_be_focused()
            await inbox.keyboard.press("Enter")
            await inbox.wait_for_url(f"{base_url}/contacts/{reference}")
            contact = inbox
            await expect(contact.get_by_role("heading", level=1)).to_contain_text(reference)
            await assert_accessible_basics(contact)
            await contact.keyboard.press("c")
            await contact.wait_for_url(re.compile(r"\?done=claim$"))
            await expect(contact.locator("#contact-live")).to_contain_text("Anna Agent")
            await expect(contact.get_by_role("status").first).to_have_text("Oppakken: Gelukt.")
            await expect(contact.get_by_role("button", name="Oppakken")).to_have_count(0)
            await expect(contact.locator(".history")).to_contain_text("Opgepakt door Anna Agent")

            # --- the colleague's open page follows: holder shown, no claim button, and his
            #     half-written note keeps its text and focus (no reload) ----------------------
            await expect(bram.get_by_role("complementary")).to_contain_text(
                "Anna Agent", timeout=UI_TIMEOUT
            )
            await expect(bram.get_by_role("button", name="Oppakken")).to_have_count(0)
            await expect(bram.locator(".history")).to_contain_text("Opgepakt door Anna Agent")
            await expect(note_box).to_be_focused()
            await expect(note_box).to_have_value("Klant belde ook")
            assert await bram.evaluate("window.__pulseNotReloaded === true"), "page reloaded"

            # --- ...and a claim from a stale page is refused, in Dutch ----------------------
            await stale.get_by_role("button", name="Oppakken").click()
            refusal = stale.get_by_role("alert")
            await expect(refusal).to_be_visible()
            await expect(refusal).to_have_text(
                "Niet gelukt: Een collega heeft dit contact al opgepakt."
            )
            # the refreshed page says who has it and no longer offers the claim
            await expect(stale.get_by_role("complementary")).to_contain_text("Anna Agent")
            for not_his in ("Oppakken", "Versturen", "Afsluiten"):
                await expect(stale.get_by_role("button", name=not_his)).to_have_count(0)
            await stale.screenshot(path=str(SHOTS / "refused.png"), full_page=True)
            await stale.close()
            await bram.close()

            # --- reply with "r" ------------------------------------------------------------
            # Anna's contact page (reloaded by the claim) must be listening again
            await expect(contact.locator("html")).to_have_attribute("data-live", "open")
            await contact.keyboard.press("r")
            reply_box = contact.get_by_label("Antwoord aan de klant")
            await expect(reply_box).to_be_focused()
            # the caret starts above the signature: the agent just types
            await contact.keyboard.type(
                "Beste heer Jansen,\n\nUw herregistratie is binnen 2 weken klaar."
            )
            await contact.get_by_role("button", name="Versturen").click()
            await contact.wait_for_url(re.compile(r"\?done=reply$"))

            def our_reply():
                for sent in smtp.messages:
                    mail = parsed(sent.raw)
                    if mail["Auto-Submitted"] in (None, "no") and mail["In-Reply-To"]:
                        return mail
                return None

            reply = await wait_until(our_reply, 20, "the reply at the SMTP server")
            assert reply["In-Reply-To"].strip("<>") == first["Message-ID"].strip("<>")
            assert f"[{reference}]" in reply["Subject"]
            body = reply.get_body(("plain",)).get_content()
            assert re.search(r"2 weken klaar\.\r?\n\r?\nMet vriendelijke groet", body), body
            await expect(contact.locator("#contact-live")).to_contain_text(
                "binnen 2 weken", timeout=UI_TIMEOUT
            )

            # --- the customer answers; the open page shows it without a reload -------------
            await contact.evaluate("window.__pulseNotReloaded = true")
            answer = customer_mail(
                reply["Subject"]
                if reply["Subject"].startswith("Re:")
                else f"Re: {reply['Subject']}",
                "Dank u wel, dan wacht ik het af.\n\nJan",
                In_Reply_To=reply["Message-ID"],
                References=f"{first['Message-ID']} {reply['Message-ID']}",
            )
            await imap.append("big", answer.as_bytes())
            thread = contact.locator("#contact-live")
            await expect(thread).to_contain_text("dan wacht ik het af", timeout=UI_TIMEOUT)
            assert await contact.evaluate("window.__pulseNotReloaded === true"), "page reloaded"
            await expect(contact.locator("#live-region")).to_have_text("Dit contact is bijgewerkt")
            # oldest first; "G" (or the link) jumps to the newest message
            await expect(
                contact.get_by_role("link", name=re.compile("Naar nieuwste bericht"))
            ).to_be_visible()
            await contact.keyboard.press("Shift+G")
            newest = contact.locator("#contact-live article.message-card").last
            await expect(newest).to_be_focused()
            await expect(newest).to_contain_text("dan wacht ik het af")
            await contact.screenshot(path=str(SHOTS / "contact.png"), full_page=True)

            # --- close with a contact reason ----------------------------------------------
            await contact.get_by_label("Reden van contact").select_option(label="Status aanvraag")
            await contact.get_by_role("button", name="Afsluiten").click()
            await contact.wait_for_url(re.compile(r"\?done=close$"))
            status = contact.locator("#contact-live .facts .badge").first
            await expect(status).to_have_text("Gesloten", timeout=UI_TIMEOUT)
            # nothing left to do on a closed contact but a note
            for gone in ("Oppakken", "Afsluiten", "Versturen"):
                await expect(contact.get_by_role("button", name=gone)).to_have_count(0)
            await expect(contact.get_by_role("button", name="Notitie opslaan")).to_be_visible()
            await contact.screenshot(path=str(SHOTS / "closed.png"), full_page=True)

            # ...and the inbox (default filter: outstanding work) no longer lists it.
            await contact.goto(f"{base_url}/")
            await expect(contact.locator("#inbox-rows")).not_to_contain_text(reference)
        finally:
            await browser.close()
