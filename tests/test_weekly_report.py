"""The weekly report mail: every manager with an address gets last week's report as an
Excel workbook in their language, once — a second run (Temporal's retry, or the
schedule firing twice) mails nobody again; a mail server that is down fails the
activity with nothing recorded, so the retry mails them later. The Monday schedule
is registered once and removed when switched off."""

from __future__ import annotations

import contextlib
import io
from email import message_from_bytes, policy

import aiosmtplib
import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from temporalio.service import RPCError

from activities.reports import ReportActivities
from contracts.reports import WEEKLY_REPORT_SCHEDULE_ID, WeeklyReportInput, WeeklyReportResult
from db.session import session_scope
from runtime.schedules import ensure_weekly_report_schedule
from tests.reports_history import seed_history
from ui.i18n import translator

# Monday 9 March 2026: "last week" is 2 to 8 March, the week seed_history fills.
MONDAY = "2026-03-09"


async def _give_managers_addresses(db) -> None:
    async with session_scope(db) as s:
        await s.execute(text("UPDATE users SET email = NULL"))
        await s.execute(
            text("UPDATE users SET email = username || '@cibg.test' WHERE role = 'manager'")
        )
        await s.execute(
            text(
                """INSERT INTO users (username, full_name, role, language, is_active,
                     password_hash, email, is_demo, failed_logins)
                   VALUES ('manager-nl', 'Mila Manager', 'manager', 'nl', true, 'x',
                           'mila@cibg.test', false, 0),
                          ('gone', 'Old Manager', 'manager', 'nl', false, 'x',
                           'gone@cibg.test', false, 0)"""
            )
        )


@pytest.fixture
async def mailing(db, settings, smtp_sink):
    await seed_history(db)
    await _give_managers_addresses(db)
    cfg = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": smtp_sink.port})
    return ReportActivities(db, cfg, translator), smtp_sink


async def test_each_manager_gets_the_week_once_in_their_language(mailing, db):
    acts, sink = mailing
    first = await acts.mail_weekly_report(WeeklyReportInput(as_of=MONDAY))
    assert first == WeeklyReportResult(week_first="2026-03-02", sent=2)
    mails = {m.rcpt_tos[0]: message_from_bytes(m.raw, policy=policy.default) for m in sink.messages}
    assert set(mails) == {"manager@cibg.test", "mila@cibg.test"}  # not the inactive one
    assert mails["manager@cibg.test"]["Subject"] == "PULSE weekly report 2026-03-02 – 2026-03-08"
    assert mails["mila@cibg.test"]["Subject"].startswith("PULSE weekrapportage 2026-03-02")
    assert mails["manager@cibg.test"]["Auto-Submitted"] == "auto-replied"
    (part,) = list(mails["manager@cibg.test"].iter_attachments())
    assert part.get_filename() == "pulse-week-2026-03-02.xlsx"
    book = load_workbook(io.BytesIO(part.get_content()), read_only=True)
    assert book.sheetnames[0] == "Service level per queue"
    phone = list(book.worksheets[0].iter_rows(values_only=True))
    assert phone[0][:4] == ("Product", "Queue", "Target (s)", "Offered")
    assert ("BIG", 5) in {(row[0], row[3]) for row in phone[1:]}  # the seeded week's calls

    again = await acts.mail_weekly_report(WeeklyReportInput(as_of=MONDAY))
    assert again == WeeklyReportResult(week_first="2026-03-02", sent=0, skipped=2)
    assert len(sink.messages) == 2


async def test_a_mail_server_outage_records_nothing_and_the_retry_mails(mailing, db):
    acts, sink = mailing
    sink.set_failing(True)  # 451 to everything
    with pytest.raises(aiosmtplib.SMTPResponseException):
        await acts.mail_weekly_report(WeeklyReportInput(as_of=MONDAY))
    async with db() as s:
        assert await s.scalar(text("SELECT count(*) FROM report_mailings")) == 0
    sink.set_failing(False)
    retried = await acts.mail_weekly_report(WeeklyReportInput(as_of=MONDAY))
    assert retried.sent == 2 and len(sink.messages) == 2


async def test_the_monday_schedule_is_registered_once_and_removed_when_off(temporal_dev, settings):
    client = temporal_dev.client
    with contextlib.suppress(RPCError):
        await client.get_schedule_handle(WEEKLY_REPORT_SCHEDULE_ID).delete()
    assert await ensure_weekly_report_schedule(client, settings) is True
    assert await ensure_weekly_report_schedule(client, settings) is False
    described = await client.get_schedule_handle(WEEKLY_REPORT_SCHEDULE_ID).describe()
    spec = described.schedule.spec
    assert spec.time_zone_name == "Europe/Amsterdam"
    assert [r.start for r in spec.calendars[0].day_of_week] == [1]
    assert [r.start for r in spec.calendars[0].hour] == [settings.weekly_report_hour]
    assert described.schedule.action.workflow == "WeeklyReportWorkflow"
    off = settings.model_copy(update={"weekly_report_enabled": False})
    assert await ensure_weekly_report_schedule(client, off) is False
    with pytest.raises(RPCError):
        await client.get_schedule_handle(WEEKLY_REPORT_SCHEDULE_ID).describe()
