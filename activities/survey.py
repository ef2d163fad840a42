"""The survey workflow's I/O: whether a closing gets a survey, and its mail (made
once; the workflow sends it through ContactActivities.send_message)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from config.settings import Settings
from contracts.survey import SurveyInput, SurveyMail, SurveyPlan
from db.session import session_scope
from services.survey import planning


class SurveyActivities:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings):
        self.sessionmaker = sessionmaker
        self.settings = settings

    @activity.defn(name="plan_survey")
    async def plan_survey(self, inp: SurveyInput) -> SurveyPlan:
        async with session_scope(self.sessionmaker) as s:
            return await planning.plan(s, inp.contact_id, inp.closing_seq)

    @activity.defn(name="prepare_survey_mail")
    async def prepare_survey_mail(self, inp: SurveyInput) -> SurveyMail:
        async with session_scope(self.sessionmaker) as s:
            return await planning.prepare_mail(s, self.settings, inp.contact_id, inp.closing_seq)


def survey_activities(acts: SurveyActivities) -> list:
    return [acts.plan_survey, acts.prepare_survey_mail]
