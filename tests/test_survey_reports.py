"""The satisfaction report on a small hand-made history, number by number (real
PostgreSQL): CSAT (share of 4-5), average, response rate, by product, channel,
reason and agent, the comments; the family's place on /reports (agent level for
managers only while the switch is on) and the wallboard's figure for today."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from db.session import session_scope
from devstack.demo.seed import seed_demo
from services.reports import satisfaction
from services.reports.families import FAMILIES
from services.reports.period import Period
from services.reports.scope import Scope
from services.survey.today import satisfaction_today
from tests.api_support import JSON, client_for, login, running_app
from tests.reports_history import History, local

WEEK = Period(date(2026, 3, 2), date(2026, 3, 8))


async def _answer(h: History, contact: int, score: int, at, **kw) -> None:
    """An answer as services/survey/answers.py stores it, with its invitation."""
    invitation = None
    if kw.get("via", "mail") == "mail":
        invitation = await h.one(
            """INSERT INTO survey_invitations (contact_id, closing_seq, product_id, channel,
                 via, message_id, language, created_at, answered_at)
               SELECT c.id, 1, c.product_id, c.channel, 'mail', NULL, 'nl', :sent, :at
               FROM contacts c WHERE c.id = :c RETURNING id""",
            c=contact,
            sent=kw.get("sent", at - timedelta(hours=2)),
            at=at,
        )
    await h.run(
        """INSERT INTO satisfaction_scores (contact_id, score, comment, at, product_id, channel,
             reason_id, agent_id, invitation_id, via)
           SELECT c.id, :score, :comment, :at, c.product_id, c.channel, c.close_reason_id,
             :agent, :inv, :via FROM contacts c WHERE c.id = :c""",
        c=contact,
        score=score,
        comment=kw.get("comment", ""),
        at=at,
        agent=h.users[kw.get("agent", "agent")],
        inv=invitation,
        via=kw.get("via", "mail"),
    )


async def _sent_only(h: History, contact: int, sent) -> None:
    """A survey mail sent and never answered."""
    await h.run(
        """INSERT INTO survey_invitations (contact_id, closing_seq, product_id, channel, via,
             language, created_at) SELECT c.id, 1, c.product_id, c.channel, 'mail', 'nl', :sent
           FROM contacts c WHERE c.id = :c""",
        c=contact,
        sent=sent,
    )


@pytest.fixture
async def history(db):
    """In the week: BIG has 4 mail answers (5, 4, 2, 3) and 1 mail unanswered, so 4 of 5
    sent were answered; one keypad answer (5) on a BIG call; UZI has 1 answer (1) of 2
    sent. The week before: one BIG answer (1), outside the period. The mail the
    unanswered invitation stands for went out in the week, so it counts as sent."""
    await seed_demo(db)
    async with session_scope(db) as s:
        h = History(s)
        await h.ids()
        reasons = {
            r.code: r.id
            for r in (
                await s.execute(
                    text("SELECT id, code FROM contact_reasons WHERE product_id = :p ORDER BY id"),
                    {"p": h.products["BIG"]},
                )
            )
        }
        first, second = list(reasons.values())[:2]
        h.reason_ids = (first, second)
        day = local(3, 10)
        a = await h.contact("BIG", "email", day, closed=day, reason=first)
        b = await h.contact("BIG", "email", day, closed=day, reason=first)
        c = await h.contact("BIG", "webform", day, closed=day, reason=second)
        d = await h.contact("BIG", "email", day, closed=day, reason=second)
        e = await h.contact("BIG", "email", day, closed=day, reason=first)
        call = await h.contact("BIG", "phone", day, closed=day, reason=first)
        u1 = await h.contact("UZI", "email", day, closed=day)
        u2 = await h.contact("UZI", "email", day, closed=day)
        old = await h.contact("BIG", "email", local(25, 10, month=2), closed=local(25, 10, month=2))
        await _answer(h, a, 5, local(4, 9), comment="Heel snel geholpen")
        await _answer(h, b, 4, local(4, 11), agent="agent2")
        await _answer(h, c, 2, local(5, 9), comment="Lang moeten wachten", agent="agent2")
        await _answer(h, d, 3, local(6, 9))
        await _sent_only(h, e, local(4, 8))
        await _answer(h, call, 5, local(3, 10, 5), via="keypad")
        await _answer(h, u1, 1, local(7, 9))
        await _sent_only(h, u2, local(7, 8))
        await _answer(h, old, 1, local(26, 9, month=2), comment="vorige week")
    return h


def scope(h, *codes, **kw) -> Scope:
    return Scope(tuple(h.products[c] for c in codes), WEEK, **kw)


async def test_satisfaction_by_product_channel_reason_and_agent(db, history):
    h = history
    async with db() as s:
        product = await satisfaction.by_product(s, scope(h, "BIG", "UZI"))
        # BIG: 5 answers (4 by mail, 1 keypad): 5,4,2,3,5 -> 3 of 5 happy = 60 %, avg 3.8;
        # 5 mails sent (4 answered, 1 not) -> response 80 %. UZI: 1 of 2 -> 50 %, score 1.
        assert product.rows == [("BIG", 5, 80.0, 5, 60.0, 3.8), ("UZI", 2, 50.0, 1, 0.0, 1.0)]
        channel = await satisfaction.by_channel(s, scope(h, "BIG", "UZI"))
        # email: 5,4,3 (BIG) + 1 (UZI) -> 2 of 4 = 50 %, avg 3.25; phone 5; webform 2
        assert channel.rows == [
            ("email", 4, 50.0, 3.25),
            ("phone", 1, 100.0, 5.0),
            ("webform", 1, 0.0, 2.0),
        ]
        only_phone = await satisfaction.by_product(s, scope(h, "BIG", channel="phone"))
        assert only_phone.rows == [("BIG", 0, None, 1, 100.0, 5.0)]
        reason = await satisfaction.by_reason(s, scope(h, "BIG"))
        labels = dict(
            (
                await s.execute(
                    text("SELECT id, label_nl FROM contact_reasons WHERE id = ANY(:ids)"),
                    {"ids": list(h.reason_ids)},
                )
            ).all()
        )
        first, second = (labels[i] for i in h.reason_ids)
        # first reason: 5, 4, 5 (keypad) -> 100 %, avg 4.67; second: 2, 3 -> 0 %, 2.5
        assert sorted(reason.rows) == sorted(
            [("BIG", first, 3, 100.0, 4.67), ("BIG", second, 2, 0.0, 2.5)]
        )
        agents = await satisfaction.by_agent(s, scope(h, "BIG", "UZI"))
        # Anna: 5, 3, 5, 1 -> 2 of 4 = 50 %, avg 3.5; Bram: 4, 2 -> 50 %, avg 3.0
        assert agents.rows == [("Anna Agent", 4, 50.0, 3.5), ("Bram Agent", 2, 50.0, 3.0)]
        notes = await satisfaction.comments(s, scope(h, "BIG", "UZI"))
        assert [(r[1], r[3], r[4]) for r in notes.rows] == [
            ("BIG", 2, "Lang moeten wachten"),
            ("BIG", 5, "Heel snel geholpen"),
        ]  # newest first; last week's comment is not in this week


def test_the_families_on_the_reports_page():
    assert not FAMILIES["satisfaction"].agent_level
    assert FAMILIES["satisfaction_agents"].agent_level  # managers only, switch on
    assert len(FAMILIES["satisfaction"].builders) == 4


async def test_the_wallboard_figure_of_today(db, history):
    h = history
    async with db() as s:
        today = await satisfaction_today(s, [h.products["BIG"]], local(4, 0), local(5, 0))
        # 4 March: Anna's 5 and Bram's 4 -> 2 answers, both happy, average 4.5
        assert (today.answers, today.csat, today.average) == (2, 100.0, 4.5)
        none = await satisfaction_today(s, [h.products["UZI"]], local(4, 0), local(5, 0))
        assert (none.answers, none.csat, none.average) == (0, None, None)


WEEK_QUERY = {"period": "custom", "first": "2026-03-02", "last": "2026-03-08"}


async def test_on_reports_json_csv_and_the_agent_rule(db, settings, history):
    h = history
    async with running_app(settings, db) as app:
        manager, trafficer, admin = client_for(app), client_for(app), client_for(app)
        async with manager, trafficer, admin:
            await login(manager, db, "manager")  # English
            await login(trafficer, db, "trafficer")
            admin_csrf = await login(admin, db, "admin")
            params = {**WEEK_QUERY, "report": "satisfaction"}
            body = (await manager.get("/api/reports", params=params, headers=JSON)).json()
            first = body["tables"][0]["rows"][0]
            assert first["reports.col.product"] == "BIG"
            assert (first["reports.col.response_rate"], first["reports.col.csat"]) == (80.0, 60.0)
            page = await manager.get("/reports", params=params)
            assert page.status_code == 200 and "Satisfaction per product" in page.text
            assert "Lang moeten wachten" in page.text  # the comments are listed
            export = await manager.get(
                "/reports/export.csv", params={**params, "table": "0", "product": h.products["BIG"]}
            )
            rows = list(csv.reader(io.StringIO(export.text)))
            assert rows[0] == [
                "Product",
                "Surveys sent",
                "Response rate (%)",
                "Answers",
                "Satisfied (4-5, %)",
                "Avg. score",
            ]
            assert rows[1] == ["BIG", "5", "80.0", "5", "60.0", "3.8"]

            # per agent: managers only, and only while the admin switch is on
            agents = {**WEEK_QUERY, "report": "satisfaction_agents"}
            got = await manager.get("/api/reports", params=agents, headers=JSON)
            assert got.status_code == 200
            assert got.json()["tables"][0]["rows"][0]["reports.col.agent"] == "Anna Agent"
            assert (
                await trafficer.get("/api/reports", params=agents, headers=JSON)
            ).status_code == 403
            assert (
                await trafficer.get("/api/reports", params=params, headers=JSON)
            ).status_code == 200
            await admin.post("/reports/settings", data={"csrf_token": admin_csrf})
            assert (
                await manager.get("/api/reports", params=agents, headers=JSON)
            ).status_code == 403
            assert (
                "report=satisfaction_agents"
                not in (await manager.get("/reports", params=WEEK_QUERY)).text
            )

            board = await manager.get("/api/phone/wallboard", headers=JSON)
            assert board.status_code == 200
            assert set(board.json()["satisfaction"]) == {"answers", "csat", "average"}
