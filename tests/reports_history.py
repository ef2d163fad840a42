"""A small hand-made history for the report tests, with known answers (see
tests/test_reports.py). The week reported on is Mon 2 – Sun 8 March 2026 (office
time UTC+1); the week before is 23 February – 1 March. Monday 9 March is a closing day.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text

from db.session import session_scope
from devstack.demo.seed import seed_demo

AMS = ZoneInfo("Europe/Amsterdam")


def local(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=AMS)


class History:
    def __init__(self, session) -> None:
        self.s = session
        self.n = 0

    async def one(self, sql: str, **params):
        return (await self.s.execute(text(sql), params)).scalar_one()

    async def run(self, sql: str, **params) -> None:
        await self.s.execute(text(sql), params)

    async def ids(self) -> None:
        self.products = {
            r.code: r.id for r in (await self.s.execute(text("SELECT id, code FROM products")))
        }
        self.users = {
            r.username: r.id for r in (await self.s.execute(text("SELECT id, username FROM users")))
        }

    async def customer(self, name: str) -> int:
        return await self.one(
            "INSERT INTO customers (display_name, kind) VALUES (:n, 'person') RETURNING id", n=name
        )

    async def contact(self, product: str, channel: str, created: datetime, **kw) -> int:
        self.n += 1
        return await self.one(
            """INSERT INTO contacts (reference, channel, status, subject, language, unreadable,
                 product_id, customer_id, created_at, updated_at, closed_at, line,
                 is_complaint, close_reason_id)
               VALUES (:ref, :channel, :status, '', 'nl', false, :product, :customer,
                 :created, :created, :closed, :line, false, :reason) RETURNING id""",
            ref=f"KCC-1998-{self.n:06d}",
            channel=channel,
            status=kw.get("status", "closed" if kw.get("closed") else "open"),
            product=self.products[product],
            customer=kw.get("customer"),
            created=created,
            closed=kw.get("closed"),
            line=kw.get("line", 1),
            reason=kw.get("reason"),
        )

    async def event(self, contact: int, kind: str, at: datetime, actor=None, **detail) -> None:
        import json

        await self.run(
            """INSERT INTO contact_events (contact_id, at, actor_id, kind, detail)
               VALUES (:c, :at, :actor, :kind, CAST(:detail AS jsonb))""",
            c=contact,
            at=at,
            actor=self.users[actor] if actor else None,
            kind=kind,
            detail=json.dumps(detail),
        )

    async def reply(self, contact: int, at: datetime, ack: bool = False) -> None:
        await self.run(
            """INSERT INTO messages (contact_id, direction, send_status, subject, headers,
                 text_body, is_auto_reply, is_acknowledgement, delivered_to_workflow,
                 send_attempts, created_at)
               VALUES (:c, 'out', 'sent', '', '{}'::jsonb, '', false, :ack, true, 0, :at)""",
            c=contact,
            ack=ack,
            at=at,
        )

    async def call(self, product: str, joined: datetime, wait_s: int, **kw) -> None:
        contact = await self.contact(product, "phone", joined, status="closed", closed=joined)
        queue = await self.one(
            "SELECT queue FROM phone_lines WHERE product_id = :p", p=self.products[product]
        )
        answered = kw.get("answered", True)
        ended = joined + timedelta(seconds=wait_s + (kw.get("talk") or 0))
        wrap = kw.get("wrap")
        await self.run(
            """INSERT INTO phone_calls (linkedid, contact_id, product_id, queue, caller_number,
                 state, agent_user_id, joined_at, answered_at, ended_at, talk_seconds,
                 ring_no_answer, wrapped_up_at, callback_attempts, callback_outcome)
               VALUES (:lid, :c, :p, :q, '+31600000000', :state, :agent, :joined, :answered,
                 :ended, :talk, 0, :wrapped, :attempts, :outcome)""",
            lid=f"test-{contact}",
            c=contact,
            p=self.products[product],
            q=queue,
            state="ended" if answered else "abandoned",
            agent=self.users[kw["agent"]] if answered else None,
            joined=joined,
            answered=joined + timedelta(seconds=wait_s) if answered else None,
            ended=ended,
            talk=kw.get("talk"),
            wrapped=ended + timedelta(seconds=wrap) if wrap is not None else None,
            attempts=1 if kw.get("called_back") else 0,
            outcome="answered" if kw.get("called_back") else "",
        )


async def seed_history(sessionmaker) -> History:
    await seed_demo(sessionmaker)
    async with session_scope(sessionmaker) as session:
        h = History(session)
        await h.ids()
        big = h.products["BIG"]
        await h.run(
            "UPDATE phone_lines SET answer_within_seconds = 20 WHERE product_id = :p", p=big
        )
        await h.run(
            "UPDATE phone_lines SET answer_within_seconds = NULL WHERE product_id <> :p", p=big
        )
        await h.run("DELETE FROM sla_policies WHERE product_id = :p", p=big)
        await h.run(
            """INSERT INTO sla_policies (product_id, channel, line, first_response_minutes,
                 resolution_minutes) VALUES (:p, '', 1, 480, 2400)""",
            p=big,
        )
        await h.run("DELETE FROM report_settings")
        await h.run("INSERT INTO closing_days (day, label) VALUES ('2026-03-09', 'test')")
        parent = await h.one(
            """INSERT INTO contact_reasons (product_id, code, label_nl, label_en, active)
               VALUES (:p, 'rep-reg', 'Registratie', 'Registration', true) RETURNING id""",
            p=big,
        )
        child = await h.one(
            """INSERT INTO contact_reasons (product_id, code, label_nl, label_en, active, parent_id)
               VALUES (:p, 'rep-status', 'Status aanvraag', 'Status', true, :parent)
               RETURNING id""",
            p=big,
            parent=parent,
        )
        await _phone(h)
        await _written(h, child)
    return h


async def _phone(h: History) -> None:
    tue = local(3, 9)
    await h.call("BIG", tue, 10, agent="agent", talk=100, wrap=20)
    await h.call("BIG", tue + timedelta(minutes=5), 25, agent="agent", talk=200, wrap=40)
    await h.call("BIG", tue + timedelta(minutes=10), 3, answered=False)
    await h.call("BIG", tue + timedelta(minutes=15), 60, answered=False, called_back=True)
    await h.call("BIG", tue + timedelta(minutes=20), 20, agent="agent", talk=300)
    await h.call("UZI", tue + timedelta(minutes=30), 25, agent="agent")
    await h.call("BIG", local(24, 10, month=2), 5, agent="agent2", talk=60, wrap=0)


async def _written(h: History, reason: int) -> None:
    c1, c2, c3 = [await h.customer(n) for n in ("een", "twee", "drie")]
    # E1: answered in 90 working minutes, closed the next day; the same customer
    # writes again within 7 days (E4), so it was not resolved at first contact
    e1 = await h.contact(
        "BIG", "email", local(3, 9), customer=c1, closed=local(4, 10), reason=reason
    )
    await h.reply(e1, local(3, 9, 1), ack=True)
    await h.event(e1, "claimed", local(3, 10), actor="agent")
    await h.reply(e1, local(3, 10, 30))
    await h.event(e1, "escalated", local(3, 11), actor="agent", from_line=1, to_line=2)
    await h.event(e1, "handed_back", local(3, 13), actor="backoffice", from_line=2, to_line=1)
    await h.event(e1, "closed", local(4, 10), actor="agent")
    # E2: Friday 16:00, answered Tuesday 09:30 over a weekend and a closing day: 120
    e2 = await h.contact("BIG", "email", local(6, 16), customer=c2)
    await h.reply(e2, local(10, 9, 30))
    # E3: first response breached (630 working minutes), escalated for 21 hours
    e3 = await h.contact("BIG", "email", local(5, 10), customer=c3, closed=local(6, 14))
    await h.event(e3, "claimed", local(5, 11), actor="agent2")
    await h.event(e3, "escalated", local(5, 12), actor="agent2", from_line=1, to_line=2)
    await h.event(e3, "sla_breached", local(6, 8, 30), clock="first_response")
    await h.event(
        e3, "escalation_answered", local(6, 9), actor="backoffice", from_line=2, to_line=1
    )
    await h.reply(e3, local(6, 12))
    await h.event(e3, "closed", local(6, 14), actor="agent2")
    # E4: open on the 3rd line, never answered
    e4 = await h.contact("BIG", "email", local(4, 11), customer=c1, line=3)
    await h.event(e4, "escalated", local(4, 12), actor="agent", from_line=1, to_line=3)
    # E5: opened the week before, closed, reopened and closed again in the week
    e5 = await h.contact("BIG", "email", local(27, 8, 45, month=2), closed=local(6, 16))
    await h.event(e5, "claimed", local(27, 9, month=2), actor="agent")
    await h.event(e5, "reopened", local(5, 9))
