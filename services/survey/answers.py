"""Recording an answer: once per invitation (a link's first use, or a keypad score
after a call), with what it is about -- contact, product, channel, reason and agent
at the time -- so the reports need no join back to a contact that changed since."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from config.settings import Settings
from db.models.contacts import Contact, ContactEvent, utcnow
from db.models.customers import SatisfactionScore
from db.models.survey import SurveyInvitation
from services.survey.tokens import SCORES, LinkRefused, read_token


@dataclass
class Answered:
    """The outcome of a link: "recorded" now, or "used" (answered before)."""

    outcome: str
    invitation: SurveyInvitation | None = None
    score: int | None = None
    comment: str = ""


def _score_row(contact: Contact, invitation: SurveyInvitation | None, score: int, via: str):
    return SatisfactionScore(
        contact_id=contact.id,
        score=score,
        product_id=contact.product_id,
        channel=str(contact.channel),
        reason_id=contact.close_reason_id,
        agent_id=contact.assignee_id,
        invitation_id=invitation.id if invitation else None,
        via=via,
    )


async def _claim(s: AsyncSession, invitation_id: int) -> bool:
    """Mark the invitation answered; False when it already was (the row lock makes a
    double click or two tabs at once one answer)."""
    done = await s.execute(
        update(SurveyInvitation)
        .where(SurveyInvitation.id == invitation_id, SurveyInvitation.answered_at.is_(None))
        .values(answered_at=utcnow())
        .returning(SurveyInvitation.id)
    )
    return done.first() is not None


async def answer_by_link(s: AsyncSession, settings: Settings, token: str) -> Answered:
    """Raises LinkRefused ("tampered", "expired") for a link that cannot be used."""
    link = read_token(settings, token)
    invitation = await s.get(SurveyInvitation, link.invitation_id)
    if invitation is None:
        raise LinkRefused("tampered")  # signed, yet nothing of ours: the key changed hands
    if not await _claim(s, invitation.id):
        given = await s.scalar(
            select(SatisfactionScore).where(SatisfactionScore.invitation_id == invitation.id)
        )
        return Answered("used", invitation, given.score if given else None)
    contact = await s.get(Contact, invitation.contact_id)
    s.add(_score_row(contact, invitation, link.score, "mail"))
    s.add(
        ContactEvent(
            contact_id=contact.id,
            kind="survey_answered",
            detail={"score": link.score, "via": "mail"},
        )
    )
    await s.flush()
    return Answered("recorded", invitation, link.score)


async def add_comment(s: AsyncSession, settings: Settings, token: str, comment: str) -> Answered:
    """The optional comment, once, by the link that gave the score. Raises
    LinkRefused as answer_by_link does; ``outcome`` "commented", "used" or "empty"."""
    link = read_token(settings, token)
    row = await s.scalar(
        select(SatisfactionScore)
        .where(SatisfactionScore.invitation_id == link.invitation_id)
        .with_for_update()
    )
    if row is None or row.score != link.score:
        return Answered("used")  # another link of the mail answered, or none yet
    if row.comment:
        return Answered("used", score=row.score, comment=row.comment)
    text = comment.strip()[: settings.survey_comment_max_chars]
    if not text:
        return Answered("empty", score=row.score)
    row.comment = text
    await s.flush()
    return Answered("commented", score=row.score, comment=text)


async def answer_by_keypad(s: AsyncSession, contact_id: int, score: int) -> bool:
    """A caller's keypad score after the call (over AMI). False when refused: not a
    score, no such contact, or the call already has one (the event came twice)."""
    if score not in SCORES:
        return False
    contact = await s.get(Contact, contact_id, with_for_update=True)
    if contact is None:
        return False
    invitation = await s.scalar(
        select(SurveyInvitation).where(
            SurveyInvitation.contact_id == contact_id, SurveyInvitation.via == "keypad"
        )
    )
    if invitation is not None:
        return False
    invitation = SurveyInvitation(
        contact_id=contact.id,
        closing_seq=0,  # asked on the call, not after a closing
        customer_id=contact.customer_id,
        product_id=contact.product_id,
        channel=str(contact.channel),
        via="keypad",
        language=contact.language,
        answered_at=utcnow(),
    )
    s.add(invitation)
    await s.flush()
    s.add(_score_row(contact, invitation, score, "keypad"))
    s.add(
        ContactEvent(
            contact_id=contact.id, kind="survey_answered", detail={"score": score, "via": "keypad"}
        )
    )
    await s.flush()
    return True
