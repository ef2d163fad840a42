"""One closing's survey: whether it gets one (rules/survey.py on the facts read
here), and its invitation and mail, made once however often an activity retries."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.mail.compose import new_message_id
from config.settings import Settings
from contracts.survey import SurveyMail, SurveyPlan
from db.models.contacts import (
    Contact,
    ContactEvent,
    ContactStatus,
    CustomerEmail,
    Direction,
    Message,
    Product,
    SendStatus,
    utcnow,
)
from db.models.survey import SurveyInvitation
from rules.survey import ClosedContact, why_not
from services.survey import settings as survey_settings
from services.survey.mail import render_survey


async def _address(s: AsyncSession, contact: Contact) -> str | None:
    """Where the survey goes: where replies go, else the customer's last mail."""
    if contact.confirmed_address:
        return contact.confirmed_address
    sender = await s.scalar(
        select(Message.from_address)
        .where(
            Message.contact_id == contact.id,
            Message.direction == Direction.inbound,
            Message.from_address.is_not(None),
            Message.is_auto_reply.is_(False),
        )
        .order_by(Message.created_at.desc())
        .limit(1)
    )
    if sender:
        return sender
    if contact.customer_id is None:
        return None
    return await s.scalar(
        select(CustomerEmail.address)
        .where(CustomerEmail.customer_id == contact.customer_id)
        .where(CustomerEmail.failing_since.is_(None))
        .order_by(CustomerEmail.id)
        .limit(1)
    )


async def _last_survey_at(s: AsyncSession, contact: Contact, closing_seq: int):
    """When this customer was last surveyed about anything but this closing."""
    if contact.customer_id is None:
        return None
    return await s.scalar(
        select(func.max(SurveyInvitation.created_at)).where(
            SurveyInvitation.customer_id == contact.customer_id,
            ~(
                (SurveyInvitation.contact_id == contact.id)
                & (SurveyInvitation.closing_seq == closing_seq)
            ),
        )
    )


async def still_this_closing(s: AsyncSession, contact: Contact, closing_seq: int) -> str | None:
    """None while the contact is closed at the closing the survey is about; else why
    not: reopened since (the Nth closing follows N-1 reopenings), or joined into
    another contact (its customer is surveyed about that one)."""
    if contact.status != ContactStatus.closed:
        return "reopened"
    reopenings = await s.scalar(
        select(func.count())
        .select_from(ContactEvent)
        .where(ContactEvent.contact_id == contact.id, ContactEvent.kind == "reopened")
    )
    if reopenings != closing_seq - 1:
        return "reopened"
    last_close = await s.scalar(
        select(ContactEvent.kind)
        .where(ContactEvent.contact_id == contact.id, ContactEvent.kind.in_(("closed", "joined")))
        .order_by(ContactEvent.id.desc())
        .limit(1)
    )
    return "joined" if last_close == "joined" else None


async def _refusal(s: AsyncSession, contact: Contact, closing_seq: int, now: datetime):
    """(why not, rules, address) for this closing."""
    row = await survey_settings.load(s, contact.product_id)
    rules = survey_settings.as_rules(row)
    address = await _address(s, contact)
    facts = ClosedContact(
        contact_id=contact.id,
        channel=str(contact.channel),
        reason_id=contact.close_reason_id,
        is_complaint=contact.is_complaint,
        complaint_due_at=contact.complaint_due_at,
        has_address=address is not None,
        last_survey_at=await _last_survey_at(s, contact, closing_seq),
    )
    return why_not(rules, facts, now), rules, address


async def plan(s: AsyncSession, contact_id: int, closing_seq: int) -> SurveyPlan:
    contact = await s.get(Contact, contact_id)
    if contact is None:
        return SurveyPlan(send=False, why_not="gone")
    moved = await still_this_closing(s, contact, closing_seq)
    if moved:
        return SurveyPlan(send=False, why_not=moved)
    refused, rules, _ = await _refusal(s, contact, closing_seq, utcnow())
    if refused:
        return SurveyPlan(send=False, why_not=refused)
    return SurveyPlan(send=True, delay_seconds=rules.delay_hours * 3600)


async def prepare_mail(
    s: AsyncSession, settings: Settings, contact_id: int, closing_seq: int
) -> SurveyMail:
    """The invitation and its outbound message, once: a retry finds them. Looked at
    again right before, so a contact reopened during the delay gets none."""
    contact = await s.get(Contact, contact_id, with_for_update=True)
    if contact is None:
        return SurveyMail(why_not="gone")
    existing = await s.scalar(
        select(SurveyInvitation).where(
            SurveyInvitation.contact_id == contact_id,
            SurveyInvitation.closing_seq == closing_seq,
        )
    )
    if existing is not None:
        return SurveyMail(message_id=existing.message_id)
    moved = await still_this_closing(s, contact, closing_seq)
    if moved:
        return SurveyMail(why_not=moved)
    now = utcnow()
    refused, _, address = await _refusal(s, contact, closing_seq, now)
    if refused:
        return SurveyMail(why_not=refused)
    product = await s.get(Product, contact.product_id)
    language = contact.language or product.language
    invitation = SurveyInvitation(
        contact_id=contact.id,
        closing_seq=closing_seq,
        customer_id=contact.customer_id,
        product_id=contact.product_id,
        channel=str(contact.channel),
        via="mail",
        language=language,
        expires_at=now + timedelta(days=settings.survey_link_days),
    )
    s.add(invitation)
    await s.flush()
    subject, body = render_survey(settings, product, contact, invitation)
    message = Message(
        contact_id=contact.id,
        direction=Direction.outbound,
        send_status=SendStatus.sending,
        subject=subject,
        text_body=body,
        to_addresses=address,
        from_address=product.reply_from,
        from_name=product.name,
        # automatic mail (Auto-Submitted), not an answer: no first response in reports
        is_acknowledgement=True,
        message_id_header=new_message_id(settings.mail_domain),
    )
    s.add(message)
    await s.flush()
    invitation.message_id = message.id
    s.add(
        ContactEvent(contact_id=contact.id, kind="survey_sent", detail={"message_id": message.id})
    )
    return SurveyMail(message_id=message.id)
