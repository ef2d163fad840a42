"""Who gets a survey (rules/survey.py), and the signed links (services/survey/tokens.py):
pure functions, no stack."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from config.settings import load_settings
from rules.survey import ClosedContact, SurveyRules, in_sample, why_not
from services.survey.tokens import LinkRefused, make_token, read_token

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
ON = SurveyRules(enabled=True)
DUE = NOW + timedelta(days=3)  # a complaint still in its legal term


def test_sampling_is_deterministic_by_contact_and_near_the_rate():
    chosen = [c for c in range(1, 10_001) if in_sample(c, 20)]
    assert chosen == [c for c in range(1, 10_001) if in_sample(c, 20)]  # same answer twice
    assert 1800 <= len(chosen) <= 2200
    assert all(in_sample(c, 100) for c in range(1, 200))
    assert not any(in_sample(c, 0) for c in range(1, 200))
    # a higher rate keeps everyone a lower rate chose
    assert set(chosen) <= {c for c in range(1, 10_001) if in_sample(c, 50)}


@pytest.mark.parametrize(
    ("rules", "contact", "expected"),
    [
        (SurveyRules(), ClosedContact(1, "email"), "disabled"),
        (ON, ClosedContact(1, "email"), None),
        (SurveyRules(enabled=True, channels=("webform",)), ClosedContact(1, "email"), "channel"),
        (SurveyRules(enabled=True, reason_ids=(4,)), ClosedContact(1, "email", 5), "reason"),
        (SurveyRules(enabled=True, reason_ids=(4,)), ClosedContact(1, "email", 4), None),
        # a complaint in its legal term gets none; after its term, or if allowed, it does
        (ON, ClosedContact(1, "email", is_complaint=True, complaint_due_at=DUE), "complaint"),
        (
            ON,
            ClosedContact(
                1, "email", is_complaint=True, complaint_due_at=NOW - timedelta(seconds=1)
            ),
            None,
        ),
        (
            SurveyRules(enabled=True, skip_open_complaints=False),
            ClosedContact(1, "email", is_complaint=True, complaint_due_at=DUE),
            None,
        ),
        (ON, ClosedContact(1, "phone", has_address=False), "no_address"),
        # at most one per customer per N days (30 by default)
        (ON, ClosedContact(1, "email", last_survey_at=NOW - timedelta(days=29)), "recent"),
        (ON, ClosedContact(1, "email", last_survey_at=NOW - timedelta(days=30)), None),
        (SurveyRules(enabled=True, sample_percent=0), ClosedContact(1, "email"), "sample"),
    ],
)
def test_why_not(rules, contact, expected):
    assert why_not(rules, contact, NOW) == expected


def test_links_are_signed_and_expire():
    settings = load_settings(environment="test")
    token = make_token(settings, 12, 4, NOW + timedelta(days=1))
    link = read_token(settings, token, now=NOW)
    assert (link.invitation_id, link.score) == (12, 4)
    with pytest.raises(LinkRefused) as expired:
        read_token(settings, token, now=NOW + timedelta(days=2))
    assert expired.value.why == "expired"
    other_key = settings.model_copy(update={"survey_secret": SecretStr("x" * 40)})
    for bad_settings, bad in ((other_key, token), (settings, token.replace(".4.", ".5."))):
        with pytest.raises(LinkRefused) as tampered:
            read_token(bad_settings, bad, now=NOW)
        assert tampered.value.why == "tampered"
