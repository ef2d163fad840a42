"""The post-call survey over AMI: after the agent hangs up, the IVR asks the caller
for a score by keypad and sends ``UserEvent(PulseSurvey, Score: n)``; Asterisk adds
the caller channel's Linkedid and Uniqueid. The bridge hands such an event here, in
the call's own lane (after the call's other events), and the score is stored on the
contact that call became."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.ami.events import field
from db.models.phone import PhoneCall
from db.session import session_scope
from services.survey.answers import answer_by_keypad

log = logging.getLogger("pulse.ami_bridge")

SURVEY_USEREVENT = "PulseSurvey"
KEYS = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}


@dataclass(frozen=True)
class KeypadScore:
    linkedid: str
    uniqueid: str
    score: int | None  # None: a key that is not a score


def keypad_score(msg: Mapping[str, object]) -> KeypadScore | None:
    """The survey's UserEvent, or None for any other event (and one without a call)."""
    if field(msg, "Event") != "UserEvent" or field(msg, "UserEvent") != SURVEY_USEREVENT:
        return None
    linkedid, uniqueid = field(msg, "Linkedid"), field(msg, "Uniqueid")
    if not (linkedid or uniqueid):
        log.warning("AMI: PulseSurvey without Linkedid or Uniqueid skipped")
        return None
    return KeypadScore(linkedid or uniqueid, uniqueid or linkedid, KEYS.get(field(msg, "Score")))


async def record_keypad_score(
    sessionmaker: async_sessionmaker[AsyncSession], answer: KeypadScore
) -> bool:
    """Stored once on the call's contact; False (logged) when there is nothing to
    store: not a score, an unknown call, or a repeat of the event."""
    if answer.score is None:
        log.warning("AMI: PulseSurvey of %s without a score 1-5 skipped", answer.linkedid)
        return False
    async with session_scope(sessionmaker) as s:
        contact_id = await s.scalar(
            select(PhoneCall.contact_id).where(
                PhoneCall.linkedid.in_({answer.linkedid, answer.uniqueid})
            )
        )
        if contact_id is None:
            log.warning("AMI: PulseSurvey of unknown call %s skipped", answer.linkedid)
            return False
        return await answer_by_keypad(s, contact_id, answer.score)
