"""The weekly management report by mail: last week's report families as one Excel
workbook per manager, in their language, with the headline figures in the text.

Idempotent per manager and week (db.models.reports.ReportMailing): the row is
written before the mail goes out and stamped after the server took it; a retry
skips every manager with a row, so nobody is mailed twice. A mail the server may
or may not have taken (the link broke during DATA), or refused for good, keeps
its unstamped row: counted and logged, not sent again. Any other failure removes
the row and fails the activity, so Temporal's retry mails the rest."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from email.message import EmailMessage

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select
from temporalio import activity

from adapters.mail.compose import (
    OutboundAttachment,
    PermanentSendError,
    SmtpPool,
    UncertainDelivery,
    compose_message,
)
from config.settings import Settings
from contracts.reports import WeeklyReportInput, WeeklyReportResult
from contracts.roles import Role
from db.models.contacts import User
from services.access import RoleNotAllowed, Viewer, acting_for
from services.reports.export import XLSX_TYPE, report_sheets, xlsx_chunks
from services.reports.families import FAMILIES, Options
from services.reports.period import Period, current_period
from services.reports.view import ReportQuery, build_report

log = logging.getLogger("pulse.reports.weekly")
KIND = "weekly"
SENT, HAD_IT, UNSURE = "sent", "had_it", "unsure"

_CLAIM = text(
    """INSERT INTO report_mailings (kind, period_first, user_id) VALUES (:kind, :first, :user)
       ON CONFLICT DO NOTHING RETURNING id"""
)
_STAMP = text("UPDATE report_mailings SET sent_at = now() WHERE id = :id")
_UNCLAIM = text("DELETE FROM report_mailings WHERE id = :id")


async def _managers(session: AsyncSession) -> list[User]:
    rows = await session.execute(
        select(User)
        .where(User.role == Role.manager, User.is_active, User.email.is_not(None))
        .order_by(User.id)
    )
    return [u for u in rows.scalars().all() if (u.email or "").strip()]


# A language's translator (ui.i18n.translator, handed in by the worker: activities
# do not import the UI).
Translators = Callable[[str], Callable[[str], str]]


async def _sheets(session: AsyncSession, viewer: Viewer, as_of: date, options: Options, t):
    sheets, headline = [], []
    for key in FAMILIES:
        try:
            view = await build_report(
                session, viewer, ReportQuery(key, "last_week"), options, as_of
            )
        except RoleNotAllowed:  # agent-level figures switched off, or not for them
            continue
        sheets += report_sheets(view, t)
        titles = "; ".join(t(table.key) for table in view.result.current)
        headline.append(f"- {t('reports.family.' + key)}: {titles}")
    return sheets, headline


def _body(viewer: Viewer, week: Period, headline: list[str], t) -> tuple[str, str]:
    subject = t("reports.weekly.subject").format(first=week.first, last=week.last)
    text_body = "\n".join(
        [
            t("reports.weekly.greeting").format(name=viewer.full_name),
            "",
            t("reports.weekly.intro").format(first=week.first, last=week.last),
            "",
            *headline,
            "",
            t("reports.weekly.footer"),
        ]
    )
    return subject, text_body


class ReportActivities:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        translators: Translators,
    ):
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.translators = translators
        s = settings
        self._smtp = SmtpPool(
            host=s.smtp_host,
            port=s.smtp_port,
            starttls=s.smtp_starttls,
            username=s.smtp_user,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
            size=1,
        )

    def _from(self) -> str:
        return self.settings.weekly_report_from or f"reports@{self.settings.mail_domain}"

    async def _message(self, session, user: User, as_of: date, week: Period) -> EmailMessage:
        viewer = acting_for(user)
        options = Options(default_answer_seconds=self.settings.phone_service_level_s)
        t = self.translators(viewer.language)
        sheets, headline = await _sheets(session, viewer, as_of, options, t)
        subject, body = _body(viewer, week, headline, t)
        workbook = b"".join(xlsx_chunks(sheets, t))
        name = f"pulse-week-{week.first}.xlsx"
        return compose_message(
            from_address=self._from(),
            from_name="PULSE",
            to=user.email,
            subject=subject,
            text_body=body,
            domain=self.settings.mail_domain,
            auto_reply=True,  # no out-of-office answers to a report
            attachments=[OutboundAttachment(name, XLSX_TYPE, workbook)],
        )

    async def _mail_one(self, user: User, as_of: date, week: Period) -> str:
        async with self.sessionmaker() as session:
            claimed = await session.scalar(
                _CLAIM, {"kind": KIND, "first": week.first, "user": user.id}
            )
            if claimed is None:
                return HAD_IT
            msg = await self._message(session, user, as_of, week)
            await session.commit()  # the claim stands before the mail goes out
        try:
            await self._smtp.send(msg)
        except (UncertainDelivery, PermanentSendError) as exc:
            log.warning("weekly report to user %s not confirmed: %s", user.id, exc)
            return UNSURE
        except BaseException:
            async with self.sessionmaker() as session:  # nothing was taken: try again later
                await session.execute(_UNCLAIM, {"id": claimed})
                await session.commit()
            raise
        async with self.sessionmaker() as session:
            await session.execute(_STAMP, {"id": claimed})
            await session.commit()
        return SENT

    @activity.defn(name="mail_weekly_report")
    async def mail_weekly_report(self, inp: WeeklyReportInput) -> WeeklyReportResult:
        as_of = date.fromisoformat(inp.as_of) if inp.as_of else datetime.now(UTC).date()
        week = current_period("last_week", as_of)
        async with self.sessionmaker() as session:
            managers = await _managers(session)
        result = WeeklyReportResult(week_first=week.first.isoformat())
        for user in managers:
            outcome = await self._mail_one(user, as_of, week)
            if outcome == SENT:
                result.sent += 1
            elif outcome == HAD_IT:
                result.skipped += 1
            else:
                result.unsure += 1
        return result


def report_activities(acts: ReportActivities) -> list:
    return [acts.mail_weekly_report]
