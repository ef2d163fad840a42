"""One post of a public form (or of a form builder's JSON), through every check in
the order that refuses a flood cheapest: a repeat of an earlier submission key,
the honeypot, the limit per IP address, the fields, the proof of work, the limit
per email address; then the contact is opened (or held for review when the post
carries no proof of work because the browser runs no JavaScript).

A refusal is recorded (services.webform.abuse) before the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import async_sessionmaker

from channels.webform.intake import HELD, OPENED, WebformIntake
from config.settings import Settings
from services.webform import abuse
from services.webform.config import FormSettings
from services.webform.fields import Upload, check

REFUSED, INVALID, PENDING = "refused", "invalid", "pending"


@dataclass
class Post:
    form: FormSettings
    raw: dict[str, str]
    uploads: list[Upload]
    key: str
    language: str
    ip: str | None
    altcha: str | None = None  # None: the browser ran no proof of work
    honeypot: str = ""
    source: str = "form"
    proof_needed: bool = True  # False: a form builder with its own token
    reason_required: bool = True


@dataclass
class Result:
    status: str  # opened / held / pending / refused / invalid
    reason: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    reference: str | None = None


async def submit(
    intake: WebformIntake, sessionmaker: async_sessionmaker, settings: Settings, post: Post
) -> Result:
    earlier = await intake.outcome_of(post.key)
    if earlier is not None:  # a double submit: the same submission, nothing new
        return _result(earlier)
    ip_hash = abuse.keyed_hash(settings, "ip", post.ip or "")
    window = abuse.window_start(settings)
    product_id = post.form.product_id

    async def refuse(reason: str) -> Result:
        async with sessionmaker() as s:
            await abuse.record_refusal(s, reason, product_id, ip_hash, post.source)
        return Result(REFUSED, reason)

    if not post.form.enabled:
        return await refuse("closed")
    if post.honeypot:
        return await refuse("honeypot")
    if post.proof_needed:
        async with sessionmaker() as s:
            allowed = await abuse.count_and_check(
                s, f"ip:{ip_hash}", settings.webform_limit_per_ip, window
            )
        if not allowed:
            return await refuse("rate_ip")
    clean, errors = check(
        post.form,
        post.raw,
        post.uploads,
        settings.webform_message_max_chars,
        post.reason_required,
    )
    if errors:
        return Result(INVALID, errors=errors)
    proven = not post.proof_needed
    if post.proof_needed and post.altcha:
        if not abuse.verify(settings, post.altcha, post.key).ok:
            return await refuse("altcha")
        proven = True
    email_key = f"email:{abuse.keyed_hash(settings, 'email', clean.email)}"
    async with sessionmaker() as s:
        allowed = await abuse.count_and_check(
            s, email_key, settings.webform_limit_per_email, window
        )
    if not allowed:
        return await refuse("rate_email")
    if proven:
        outcome = await intake.open(
            product_id, post.key, clean, post.language, ip_hash, post.source
        )
    else:
        outcome = await intake.hold(product_id, post.key, clean, post.language, ip_hash)
    return _result(outcome)


def _result(outcome) -> Result:
    if outcome.status == OPENED and not outcome.started:
        return Result(PENDING, reference=outcome.reference)
    if outcome.status in (OPENED, HELD):
        return Result(outcome.status, reference=outcome.reference)
    return Result(REFUSED, "rejected")
