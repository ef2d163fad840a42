"""The survey mail's one-click links: ``<invitation>.<score>.<expiry>.<signature>``.

The signature is an HMAC-SHA256 over the rest with the survey secret, so a link
whose invitation, score or expiry was changed is refused as tampered. Single use
is not in the token but in the invitation row (``answered_at``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from config.settings import Settings

SCORES = (1, 2, 3, 4, 5)
MAX_TOKEN_CHARS = 120


class LinkRefused(Exception):
    """A link that cannot be used; ``why`` is "tampered" or "expired"."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


@dataclass(frozen=True)
class SurveyLink:
    invitation_id: int
    score: int
    expires: int  # Unix seconds


def _key(settings: Settings) -> bytes:
    secret = settings.survey_secret or settings.secret_key
    # a key of its own even when derived: a survey signature is nothing else's
    return hashlib.sha256(b"pulse-survey-link:" + secret.get_secret_value().encode()).digest()


def _signature(settings: Settings, payload: str) -> str:
    digest = hmac.new(_key(settings), payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def make_token(settings: Settings, invitation_id: int, score: int, expires: datetime) -> str:
    payload = f"{invitation_id}.{score}.{int(expires.timestamp())}"
    return f"{payload}.{_signature(settings, payload)}"


def read_token(settings: Settings, token: str, now: datetime | None = None) -> SurveyLink:
    """The link's contents, or LinkRefused. The signature is checked before anything
    in the token is believed, and compared in constant time."""
    parts = token.split(".") if len(token) <= MAX_TOKEN_CHARS else []
    if len(parts) != 4 or not all(p.isdigit() for p in parts[:3]):
        raise LinkRefused("tampered")
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(_signature(settings, payload), parts[3]):
        raise LinkRefused("tampered")
    link = SurveyLink(int(parts[0]), int(parts[1]), int(parts[2]))
    if link.score not in SCORES:
        raise LinkRefused("tampered")
    if (now or datetime.now(UTC)).timestamp() > link.expires:
        raise LinkRefused("expired")
    return link
