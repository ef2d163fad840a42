"""Abuse limits of the public form: submissions per IP address and per email address
in a fixed window, the refusal log (a refused submission is counted, never silently
dropped), and the ALTCHA proof of work (no third party, no cookie).

IP and email addresses are kept only as keyed hashes: enough to count, not to
know who it was.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import altcha
from sqlalchemy import func, select, text
from sqlmodel.ext.asyncio.session import AsyncSession

from config.settings import Settings
from db.models.webform import WebformRefusal

ALTCHA_ALGORITHM = "PBKDF2/SHA-256"
REFUSAL_REASONS = (
    "too_large",
    "malformed",
    "honeypot",
    "rate_ip",
    "rate_email",
    "altcha",
    "closed",
    "token",
    "invalid",
)

_COUNT = text(
    """
    INSERT INTO webform_rate_counts (key, window_start, count) VALUES (:key, :window, 1)
    ON CONFLICT (key, window_start) DO UPDATE SET count = webform_rate_counts.count + 1
    RETURNING count
    """
)
_FORGET_OLD = text("DELETE FROM webform_rate_counts WHERE key = :key AND window_start < :window")


def _key(settings: Settings, purpose: bytes) -> bytes:
    secret = settings.secret_key.get_secret_value().encode()
    return hmac.new(secret, b"pulse-webform-" + purpose, hashlib.sha256).digest()


def keyed_hash(settings: Settings, purpose: str, value: str) -> str:
    return hmac.new(
        _key(settings, purpose.encode()), value.strip().lower().encode(), hashlib.sha256
    ).hexdigest()


def window_start(settings: Settings, now: datetime | None = None) -> datetime:
    now = now or datetime.now(UTC)
    size = settings.webform_limit_window_minutes * 60
    return datetime.fromtimestamp(int(now.timestamp()) // size * size, UTC)


async def count_and_check(session: AsyncSession, key: str, limit: int, window: datetime) -> bool:
    """Count one more submission for ``key`` in this window (committed at once, so a
    refused one counts too); False when that goes over ``limit``."""
    count = (await session.execute(_COUNT, {"key": key, "window": window})).scalar_one()
    if count == 1:  # a new window: the key's older ones are of no use any more
        await session.execute(_FORGET_OLD, {"key": key, "window": window})
    await session.commit()
    return count <= limit


async def record_refusal(
    session: AsyncSession, reason: str, product_id: int | None, ip_hash: str, source: str = "form"
) -> None:
    session.add(
        WebformRefusal(product_id=product_id, source=source[:100], reason=reason, ip_hash=ip_hash)
    )
    await session.commit()


async def refusal_counts(session: AsyncSession, since: datetime) -> dict[str, int]:
    rows = await session.execute(
        select(WebformRefusal.reason, func.count())
        .where(WebformRefusal.at >= since)
        .group_by(WebformRefusal.reason)
    )
    return {reason: n for reason, n in rows.all()}


# --- ALTCHA ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AltchaCheck:
    ok: bool
    why: str = ""


def new_challenge(settings: Settings, submission_key: str) -> dict:
    """A signed challenge bound to this submission key: a solution is good for one
    submission only (a second post with the same key is the same submission)."""
    challenge = altcha.create_challenge(
        ALTCHA_ALGORITHM,
        settings.webform_altcha_cost,
        expires_at=int(time.time()) + settings.webform_altcha_minutes * 60,
        data={"sid": submission_key},
        hmac_secret=_key(settings, b"altcha").hex(),
    )
    return challenge.to_dict()


def verify(settings: Settings, payload: str, submission_key: str) -> AltchaCheck:
    try:
        result = altcha.verify_solution(payload, _key(settings, b"altcha").hex())
    except (ValueError, TypeError, KeyError):
        return AltchaCheck(False, "invalid")
    if not result.verified:
        return AltchaCheck(False, "expired" if result.expired else "invalid")
    try:
        decoded = altcha.Payload.from_base64(payload)
    except (ValueError, KeyError, TypeError):
        return AltchaCheck(False, "invalid")
    data = decoded.challenge.parameters.data or {}
    if data.get("sid") != submission_key:
        return AltchaCheck(False, "other_submission")
    return AltchaCheck(True)


def solve(challenge: dict) -> str:
    """A solved payload for ``challenge``, as the widget would post it (tests, benchmarks)."""
    parsed = altcha.Challenge.from_dict(challenge)
    solution = altcha.solve_challenge(parsed)
    if solution is None:
        raise RuntimeError("ALTCHA challenge not solved in time")
    return altcha.Payload(parsed, solution).to_base64()


def since(hours: int) -> datetime:
    return datetime.now(UTC) - timedelta(hours=hours)
