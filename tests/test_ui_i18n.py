"""The UI speaks Dutch and English about everything the workflow says: every refusal
type and every history event kind has both labels, and the JSON API gives clients a
stable ``code`` to translate by."""

from __future__ import annotations

import ast
import re
import string
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from api.rendering import readable_time
from db.models.contacts import User
from tests.test_api_contacts import logged_in, world  # noqa: F401 - the fixture
from ui import i18n
from ui.i18n import EN, EVENT_KINDS, NL, REFUSAL_TYPES, event_label, refusal_text

ROOT = Path(__file__).resolve().parents[1]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def workflow_refusal_types() -> set[str]:
    source = "".join(
        (ROOT / "workflows" / "contact" / name).read_text() for name in ("workflow.py", "checks.py")
    )
    return set(re.findall(r'ApplicationError\([^)]*type="(\w+)"', source, re.S))


def workflow_event_kinds() -> set[str]:
    """The third argument of every ``self._change(...)`` in the contact workflow."""
    tree = ast.parse((ROOT / "workflows" / "contact" / "workflow.py").read_text())
    kinds = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "_change"
            and len(node.args) >= 3
            and isinstance(node.args[2], ast.Constant)
        ):
            kinds.add(node.args[2].value)
    return kinds


def test_the_lists_cover_what_the_workflow_says():
    """A new refusal type or event kind in the workflow must get labels here too."""
    assert workflow_refusal_types() == {
        "ContactClosed",
        "AlreadyClaimed",
        "NotHolder",
        "ClaimTooLate",
    }
    assert workflow_refusal_types() <= set(REFUSAL_TYPES)
    written = workflow_event_kinds()
    assert written >= {"claimed", "released", "assigned", "replied", "closed", "reopened"}
    # "received" comes from open_contact, message_* from send_message, "note" from the API
    assert written | {"received", "message_sent", "message_failed", "note"} <= set(EVENT_KINDS)


@pytest.mark.parametrize("kind", EVENT_KINDS)
def test_every_event_kind_has_dutch_and_english_labels(kind):
    key = f"event.{kind}"
    assert NL.get(key) and EN.get(key), key
    assert NL[key] != EN[key]
    assert placeholders(NL[key]) == placeholders(EN[key]) <= {"actor", "target"}


@pytest.mark.parametrize("code", REFUSAL_TYPES)
def test_every_refusal_type_has_dutch_and_english_texts(code):
    key = f"refusal.{code}"
    assert NL.get(key) and EN.get(key), key
    assert NL[key] != EN[key]


def test_english_has_no_keys_that_dutch_lacks():
    assert set(EN) - set(NL) == set()


def test_refusal_text_by_type_with_fallback_to_the_message():
    english = "Another agent has already claimed this contact."
    assert refusal_text("nl", "AlreadyClaimed", english) == (
        "Een collega heeft dit contact al opgepakt."
    )
    assert refusal_text("en", "AlreadyClaimed", english) == (
        "A colleague has already claimed this contact."
    )
    assert refusal_text("nl", "SomethingNew", "Raw reason") == "Raw reason"
    assert refusal_text("nl", None, "Raw reason") == "Raw reason"


def test_event_labels_name_the_people_and_fall_back_to_the_code():
    assert event_label("nl", "claimed", "Anna Agent") == "Opgepakt door Anna Agent"
    assert event_label("en", "claimed", "Anna Agent") == "Claimed by Anna Agent"
    assert event_label("nl", "assigned", "Tom Trafficer", "Bram Agent") == (
        "Toegewezen aan Bram Agent door Tom Trafficer"
    )
    assert event_label("nl", "message_sent") == "Bericht verzonden"
    assert event_label("nl", "claimed") == f"Opgepakt door {i18n.MISSING_NAME}"
    assert event_label("en", "brand_new_kind") == "brand_new_kind"
    assert event_label("en", "brand_new_kind", "Anna") == "brand_new_kind (Anna)"


def test_readable_time_in_local_time():
    now = datetime(2025, 3, 5, 12, 0, tzinfo=UTC)
    assert readable_time(datetime(2025, 3, 5, 9, 30, tzinfo=UTC), "nl", now) == "vandaag 10:30"
    assert readable_time(datetime(2025, 3, 4, 9, 30, tzinfo=UTC), "en", now) == "yesterday 10:30"
    assert readable_time(datetime(2025, 1, 3, 9, 30, tzinfo=UTC), "nl", now) == "3 jan 10:30"
    assert readable_time(datetime(2024, 10, 3, 9, 30, tzinfo=UTC), "nl", now) == (
        "3 okt 2024 11:30"
    )
    assert readable_time(datetime(2024, 5, 31, 9, 30, tzinfo=UTC), "en", now) == (
        "31 May 2024 11:30"
    )
    assert readable_time(None, "nl", now) == ""


async def test_json_refusal_keeps_the_english_detail_and_adds_a_code(world):  # noqa: F811
    app, db, big = world
    async with logged_in(app, db, "agent") as first, logged_in(app, db, "agent2") as second:
        assert (await first.post(f"/api/contacts/{big.reference}/claim")).status_code == 200
        refused = await second.post(f"/api/contacts/{big.reference}/claim")
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": "Another agent has already claimed this contact.",
        "code": "AlreadyClaimed",
    }


async def test_history_and_refusal_on_the_page_in_both_languages(world):  # noqa: F811
    app, db, big = world
    async with logged_in(app, db, "agent") as first, logged_in(app, db, "agent2") as second:
        assert (
            await first.post(f"/api/contacts/{big.reference}/notes", json={"body": "x"})
        ).is_success
        page = await first.get(f"/contacts/{big.reference}", headers={"Accept": "text/html"})
        assert "Notitie toegevoegd door Anna Agent" in page.text
        assert "<strong>note</strong>" not in page.text
        await first.post(f"/api/contacts/{big.reference}/claim")
        async with db() as session:
            await session.execute(
                update(User).where(User.username == "agent2").values(language="en")
            )
            await session.commit()
        posted = await second.post(
            f"/contacts/{big.reference}/claim", headers={"Accept": "text/html"}
        )
        assert posted.status_code == 303  # post/redirect/get: the page names the refusal
        refused = await second.get(posted.headers["location"], headers={"Accept": "text/html"})
    assert "A colleague has already claimed this contact." in refused.text
