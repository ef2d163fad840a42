"""The satisfaction survey end to end below the browser: a closed email contact gets
its survey mail after the product's delay (real PostgreSQL, SMTP, Temporal's
time-skipping server, the real worker); a contact reopened during the delay gets
none; a link answers once, and a used, tampered or expired link gets a clear page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from sqlmodel import select
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from adapters.temporal.setup import ensure_search_attributes
from channels.email.intake import MailIntake
from contracts.contact import ClaimRequest, CloseRequest, DecisionResult, contact_workflow_id
from contracts.survey import SurveyResult, survey_workflow_id
from db.models.contacts import Contact, ContactEvent, ContactReason, Product, User
from db.models.customers import SatisfactionScore
from db.models.survey import SurveyInvitation, SurveySettings
from devstack.binaries import temporal_test_server
from devstack.demo.seed import seed_demo
from devstack.mail_sandbox import SmtpSink
from runtime.worker import build_worker
from services.survey.tokens import make_token
from tests.api_support import client_for, login, running_app
from tests.conftest import free_port
from tests.test_contact_workflow import customer_mail, eventually

LINK = re.compile(r"(?m)^([1-5]): (http\S+/(?:enquete|survey)/\S+)\s*$")


@pytest.fixture
async def survey_stack(db, settings, tmp_path):
    """Seeded demo data, BIG surveyed an hour after closing, a worker on a
    time-skipping server of its own (the delay skips by without waiting on other
    tests' timers), the SMTP sink and the app."""
    await seed_demo(db)
    async with db() as s, s.begin():
        big = (await s.exec(select(Product).where(Product.code == "BIG"))).one()
        s.add(SurveySettings(product_id=big.id, enabled=True, delay_hours=1))
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_test_server()
    )
    try:
        await ensure_search_attributes(env.client, "default")
        async with SmtpSink(free_port(), tmp_path / "mail") as sink:
            cfg = settings.model_copy(update={"smtp_port": sink.port, "smtp_host": "127.0.0.1"})
            worker = build_worker(env.client, cfg, db)
            async with worker, running_app(cfg, db) as app, client_for(app) as http:
                yield MailIntake(db, env.client, cfg), db, env, sink, http, cfg
    finally:
        await env.shutdown()


async def _open_and_close(intake, db, env, sink, uid: int):
    before = len(sink.messages)
    await intake.handle(customer_mail(sender=f"klant{uid}@example.nl").as_bytes(), "big", 1, uid)
    async with db() as s:
        contact = (await s.exec(select(Contact).order_by(Contact.id.desc()))).first()
        agent = (await s.exec(select(User.id).where(User.username == "agent"))).one()
        reason = (
            await s.exec(
                select(ContactReason).where(ContactReason.product_id == contact.product_id)
            )
        ).first()
    handle = env.client.get_workflow_handle(contact_workflow_id(contact.reference))
    await sink.wait_for(before + 1, timeout=20)  # the acknowledgement
    await handle.execute_update("claim", ClaimRequest(agent), result_type=DecisionResult)
    await handle.execute_update("close", CloseRequest(agent, reason.id), result_type=DecisionResult)
    return contact, handle, agent, reason


async def _survey_result(env, contact_id: int, seq: int = 1) -> SurveyResult:
    survey = env.client.get_workflow_handle(
        survey_workflow_id(contact_id, seq), result_type=SurveyResult
    )

    async def status():
        try:
            return (await survey.describe()).status
        except RPCError:  # not started yet
            return None

    await eventually(status)
    await env.sleep(timedelta(hours=2))  # past the product's delay
    await eventually(lambda: _is(status, WorkflowExecutionStatus.COMPLETED))
    return await survey.result()


async def _is(status, wanted) -> bool:
    return await status() == wanted


async def test_survey_sent_after_close_and_answered_once_by_link(survey_stack):
    intake, db, env, sink, http, cfg = survey_stack
    contact, _, agent, reason = await _open_and_close(intake, db, env, sink, 1)
    result = await _survey_result(env, contact.id)
    assert result.outcome == "sent"

    await sink.wait_for(2, timeout=20)  # the acknowledgement, then the survey
    mail = message_from_bytes(sink.messages[1].raw, policy=policy.default)
    assert contact.reference in mail["Subject"]
    assert mail["To"] == "klant1@example.nl"
    assert mail["Auto-Submitted"] == "auto-replied"  # automatic mail: no loops
    links = {int(m[0]): m[1] for m in LINK.findall(mail.get_content())}
    assert sorted(links) == [1, 2, 3, 4, 5]
    path = {score: url.removeprefix(cfg.public_url.rstrip("/")) for score, url in links.items()}

    # the first click records its score with what it is about
    first = await http.get(path[4])
    assert first.status_code == 200 and "4" in first.text
    assert 'name="comment"' in first.text
    async with db() as s:
        [score] = (await s.exec(select(SatisfactionScore))).all()
        events = (
            await s.exec(select(ContactEvent.kind).where(ContactEvent.contact_id == contact.id))
        ).all()
    assert (score.contact_id, score.score, score.via) == (contact.id, 4, "mail")
    assert (score.product_id, score.channel) == (contact.product_id, "email")
    assert (score.reason_id, score.agent_id) == (reason.id, agent)
    assert {"survey_sent", "survey_answered"} <= set(events)

    # a second use, of the same or another link of the mail, is refused and changes nothing
    for again in (path[4], path[1]):
        refused = await http.get(again)
        assert refused.status_code == 409
        assert "al ingevuld" in refused.text
    # the comment, once
    done = await http.post(path[4], data={"comment": "  Snel en vriendelijk geholpen.  "})
    assert done.status_code == 200 and "toelichting is opgeslagen" in done.text
    assert (await http.post(path[4], data={"comment": "nog eens"})).status_code == 409
    assert (await http.post(path[1], data={"comment": "andere link"})).status_code == 409
    async with db() as s:
        [score] = (await s.exec(select(SatisfactionScore))).all()
    assert (score.score, score.comment) == (4, "Snel en vriendelijk geholpen.")

    # tampered: another score, another invitation, a cut signature, rubbish -> 400
    token = path[5].rsplit("/", 1)[1]
    invitation_id, _, expires, signature = token.split(".")
    for bad in (
        f"{invitation_id}.3.{expires}.{signature}",
        f"{int(invitation_id) + 1}.5.{expires}.{signature}",
        f"{invitation_id}.5.{int(expires) + 86400}.{signature}",
        token[:-3],
        "x" * 500,
        "1.2.3",
    ):
        page = await http.get(f"/survey/{bad}")
        assert page.status_code == 400, bad
        assert "does not work" in page.text
        assert (await http.post(f"/enquete/{bad}", data={"comment": "x"})).status_code == 400
    # expired: a link correctly signed whose time has passed -> 410, nothing stored
    past = datetime.now(UTC) - timedelta(minutes=1)
    expired = await http.get(f"/enquete/{make_token(cfg, int(invitation_id), 2, past)}")
    assert expired.status_code == 410 and "verlopen" in expired.text
    async with db() as s:
        assert len((await s.exec(select(SatisfactionScore))).all()) == 1

    # the answer on the contact's page and on the customer's klantbeeld
    await login(http, db, "agent")
    page = await http.get(f"/contacts/{contact.reference}")
    assert page.status_code == 200
    assert "4 van 5" in page.text and "Snel en vriendelijk geholpen." in page.text
    klantbeeld = await http.get(f"/customers/{contact.customer_id}")
    assert klantbeeld.status_code == 200
    assert "4 van 5" in klantbeeld.text and contact.reference in klantbeeld.text


async def test_no_survey_after_reopen_and_one_for_the_next_closing(survey_stack):
    intake, db, env, sink, http, cfg = survey_stack
    contact, handle, agent, reason = await _open_and_close(intake, db, env, sink, 2)
    # the customer writes again within the delay: the contact reopens
    again = customer_mail(sender="klant2@example.nl", subject=f"Toch nog [{contact.reference}]")
    await intake.handle(again.as_bytes(), "big", 1, 3)

    async def reopened():
        async with db() as s:
            return (await s.get(Contact, contact.id)).status == "new"

    await eventually(reopened)
    assert (await _survey_result(env, contact.id, 1)).outcome == "reopened"
    async with db() as s:
        assert (await s.exec(select(SurveyInvitation))).all() == []
    assert len(sink.messages) == 1  # only the acknowledgement

    # closed again: that closing has a survey of its own, and it is sent
    await handle.execute_update("claim", ClaimRequest(agent), result_type=DecisionResult)
    await handle.execute_update("close", CloseRequest(agent, reason.id), result_type=DecisionResult)
    assert (await _survey_result(env, contact.id, 2)).outcome == "sent"
    await sink.wait_for(2, timeout=20)
    async with db() as s:
        [invitation] = (await s.exec(select(SurveyInvitation))).all()
    assert (invitation.contact_id, invitation.closing_seq) == (contact.id, 2)
