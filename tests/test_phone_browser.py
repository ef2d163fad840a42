"""The phone journey in a real browser (headless Chromium): an agent signs in to the
queues on /phone; a "customer" calls in on the dev page and the agent picks up there;
the agent's phone page pops the caller without a reload (SSE); after the hang-up the
agent finishes the wrap-up. Real parts on loopback: PostgreSQL, Temporal, the worker,
the PBX simulator over TCP, the AMI bridge and uvicorn.

Screenshots go to /tmp/pulse-shots/. Skips visibly without Debian's chromium.
"""

from __future__ import annotations

import asyncio
import contextlib
import re

import pytest
import uvicorn
from pydantic import SecretStr
from sqlmodel import select

from adapters.ami.client import AmiConfig
from api.main import create_app
from channels.phone.bridge import AmiBridge
from db.models.contacts import Contact
from db.models.phone import PhoneCall
from devstack.demo.seed import seed_demo
from devstack.pbx_simulator import PbxSimulator
from runtime.worker import build_worker
from tests.conftest import free_port
from tests.test_browser_journey import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SHOTS,
    assert_accessible_basics,
    log_in,
    wait_until,
)

pytestmark = pytest.mark.browser
SECRET = "sim-secret"
UI_TIMEOUT = 15_000


@pytest.fixture
def playwright_api():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium)")
    return pytest.importorskip("playwright.async_api")


@pytest.fixture
async def phone_stack(db, settings, temporal_env):
    await seed_demo(db)
    sim = await PbxSimulator(secret=SECRET, ring_timeout=60).start()
    port = free_port()
    cfg = settings.model_copy(
        update={
            "ami_port": sim.port,
            "ami_secret": SecretStr(SECRET),
            "demo_skip_totp": True,
            "dev_tools": True,
            "cookie_secure": False,
            "public_url": f"http://127.0.0.1:{port}",
        }
    )
    bridge = AmiBridge(cfg, db, temporal_env.client, AmiConfig.from_settings(cfg))
    app = create_app(cfg, temporal_client=temporal_env.client, sessionmaker=db)
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
    async with build_worker(temporal_env.client, cfg, db):
        await bridge.start()
        serve_task = asyncio.create_task(server.serve())
        try:
            await wait_until(lambda: server.started or serve_task.done(), 15, "uvicorn")
            await asyncio.wait_for(bridge.reconciled.wait(), 20)
            yield f"http://127.0.0.1:{port}", sim, db
        finally:
            server.should_exit = True
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(serve_task, 10)
            await bridge.stop()
            if getattr(app.state, "ami_client", None):
                app.state.ami_client.close()
            await sim.stop()


async def test_call_in_pick_up_screen_pop_wrap_up(phone_stack, playwright_api):
    base_url, sim, db = phone_stack
    expect = playwright_api.expect
    expect.set_options(timeout=UI_TIMEOUT)
    SHOTS.mkdir(exist_ok=True)
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            agent_ctx, customer_ctx = await browser.new_context(), await browser.new_context()
            phone = await log_in(agent_ctx, base_url, "agent")
            await phone.goto(f"{base_url}/phone")
            await assert_accessible_basics(phone)
            await phone.get_by_role("button", name="Aanmelden").click()
            await expect(phone.locator("#phone-status")).to_contain_text("telefooncentrale")
            await wait_until(lambda: len(sim.members) == 2, 15, "QueueAdd of both queues")
            await expect(phone.locator(".phone-states tbody")).to_contain_text("Beschikbaar")

            dev = await log_in(customer_ctx, base_url, "agent2")
            await dev.goto(f"{base_url}/dev/phone")
            await dev.get_by_label("Product (lijn)").select_option("uzi-register")
            await dev.get_by_label("Telefoonnummer beller").fill("0655501234")
            await dev.get_by_role("button", name="Bel in").click()
            await wait_until(
                lambda: any(c.state == "ringing" for c in sim.calls.values()), 15, "ringing"
            )
            await dev.goto(f"{base_url}/dev/phone")
            await dev.get_by_role("button", name="Opnemen").first.click()
            await wait_until(
                lambda: any(c.state == "connected" for c in sim.calls.values()), 15, "answer"
            )

            pop = phone.locator("#screen-pop")
            await expect(pop).to_contain_text("Gesprek aangenomen")  # no reload: SSE
            await expect(pop).to_contain_text("+31655501234")
            await phone.screenshot(path=str(SHOTS / "phone-screen-pop.png"), full_page=True)

            await dev.get_by_role("button", name="Ophangen").first.click()
            reference = re.search(r"KCC-\d{4}-\d{6}", await pop.inner_text()).group(0)

            async def call_ended():
                async with db() as s:
                    contact = (
                        await s.exec(select(Contact).where(Contact.reference == reference))
                    ).one()
                    call = (
                        await s.exec(select(PhoneCall).where(PhoneCall.contact_id == contact.id))
                    ).one()
                return call.state == "ended"

            for _ in range(150):
                if await call_ended():
                    break
                await asyncio.sleep(0.1)
            await phone.get_by_label("Notitie").fill("Vraag over herregistratie beantwoord")
            await phone.get_by_role("button", name="Nawerk afronden").click()
            await expect(phone.locator("#phone-status")).to_have_text("Nawerk afgerond.")
            await phone.screenshot(path=str(SHOTS / "phone-wrapped-up.png"), full_page=True)
        finally:
            await browser.close()
    async with db() as s:
        contact = (await s.exec(select(Contact).where(Contact.reference == reference))).one()
    assert contact.status == "closed" and contact.close_reason_id is not None
