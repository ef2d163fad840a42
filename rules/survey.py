"""Who gets a satisfaction survey after a closing: the one place of the rules.

Pure and deterministic: the same contact, settings and history give the same
answer, on the first attempt and on a retry (sampling hashes the contact id, it
never draws a random number), so an activity may ask twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

SAMPLE_BUCKETS = 10_000


@dataclass(frozen=True)
class SurveyRules:
    """A product's survey settings, as the rules need them."""

    enabled: bool = False
    delay_hours: int = 24
    sample_percent: int = 100
    per_customer_days: int = 30
    channels: tuple[str, ...] = ()  # empty: every channel
    reason_ids: tuple[int, ...] = ()  # empty: every reason (and none)
    skip_open_complaints: bool = True


@dataclass(frozen=True)
class ClosedContact:
    """The facts about one closing that the rules look at."""

    contact_id: int
    channel: str
    reason_id: int | None = None
    is_complaint: bool = False
    complaint_due_at: datetime | None = None
    has_address: bool = True
    # when this customer was last sent a survey (about another closing), if ever
    last_survey_at: datetime | None = None


def in_sample(contact_id: int, percent: int) -> bool:
    """The same contact is always in or out of a given sample: a hash of its id
    spread over SAMPLE_BUCKETS, compared with the percentage."""
    if percent >= 100:
        return True
    if percent <= 0:
        return False
    digest = hashlib.sha256(f"survey-sample:{contact_id}".encode()).digest()
    bucket = int.from_bytes(digest[:4], "big") % SAMPLE_BUCKETS
    return bucket < percent * SAMPLE_BUCKETS // 100


def why_not(rules: SurveyRules, contact: ClosedContact, now: datetime) -> str | None:
    """None when this closing gets a survey; otherwise the reason it does not."""
    if not rules.enabled:
        return "disabled"
    if rules.channels and contact.channel not in rules.channels:
        return "channel"
    if rules.reason_ids and contact.reason_id not in rules.reason_ids:
        return "reason"
    if (
        rules.skip_open_complaints
        and contact.is_complaint
        and (contact.complaint_due_at is None or contact.complaint_due_at > now)
    ):
        return "complaint"
    if not contact.has_address:
        return "no_address"
    if contact.last_survey_at is not None and now - contact.last_survey_at < timedelta(
        days=rules.per_customer_days
    ):
        return "recent"
    if not in_sample(contact.contact_id, rules.sample_percent):
        return "sample"
    return None
