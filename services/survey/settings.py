"""A product's survey settings: read (with the defaults of a product that has none
yet), checked and saved by an admin."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.contacts import Channel, ContactReason, utcnow
from db.models.survey import SurveySettings
from rules.survey import SurveyRules

CHANNELS = tuple(c.value for c in Channel)
LIMITS = {  # field -> (lowest, highest)
    "delay_hours": (0, 24 * 30),
    "sample_percent": (0, 100),
    "per_customer_days": (0, 365),
}


class SettingsRefused(ValueError):
    """Input an admin must correct; ``errors`` maps each field to its problem key."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class SurveyForm:
    """What the admin page posts, as text, before it is checked."""

    enabled: bool = False
    delay_hours: str = "24"
    sample_percent: str = "100"
    per_customer_days: str = "30"
    channels: list[str] = field(default_factory=list)
    reason_ids: list[str] = field(default_factory=list)
    skip_open_complaints: bool = False


async def load(s: AsyncSession, product_id: int) -> SurveySettings:
    found = await s.get(SurveySettings, product_id)
    return found or SurveySettings(product_id=product_id)


def as_rules(row: SurveySettings) -> SurveyRules:
    return SurveyRules(
        enabled=row.enabled,
        delay_hours=row.delay_hours,
        sample_percent=row.sample_percent,
        per_customer_days=row.per_customer_days,
        channels=tuple(row.channels or ()),
        reason_ids=tuple(int(r) for r in row.reason_ids or ()),
        skip_open_complaints=row.skip_open_complaints,
    )


async def save(s: AsyncSession, product_id: int, form: SurveyForm) -> SurveySettings:
    """Check everything first; store nothing when anything is wrong."""
    errors: dict[str, str] = {}
    numbers: dict[str, int] = {}
    for name, (low, high) in LIMITS.items():
        raw = str(getattr(form, name)).strip()
        if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
            errors[name] = "survey.error.range"
        else:
            numbers[name] = int(raw)
    channels = [c for c in form.channels if c]
    if any(c not in CHANNELS for c in channels):
        errors["channels"] = "survey.error.choice"
    known = set(
        await s.scalars(select(ContactReason.id).where(ContactReason.product_id == product_id))
    )
    reasons = [r for r in form.reason_ids if r]
    if any(not r.isdigit() or int(r) not in known for r in reasons):
        errors["reason_ids"] = "survey.error.choice"
    if errors:
        raise SettingsRefused(errors)
    row = await s.get(SurveySettings, product_id, with_for_update=True)
    if row is None:
        row = SurveySettings(product_id=product_id)
        s.add(row)
    row.enabled = form.enabled
    row.delay_hours = numbers["delay_hours"]
    row.sample_percent = numbers["sample_percent"]
    row.per_customer_days = numbers["per_customer_days"]
    row.channels = sorted(set(channels))
    row.reason_ids = sorted({int(r) for r in reasons})
    row.skip_open_complaints = form.skip_open_complaints
    row.updated_at = utcnow()
    await s.flush()
    return row
