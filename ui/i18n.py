"""User-interface strings in Dutch (default) and English.

Templates call ``t("key")``; a missing English string falls back to Dutch, and a
missing key shows the key itself so it is noticed rather than hidden.
"""

from __future__ import annotations

from collections.abc import Callable

from contracts.languages import DEFAULT_LANGUAGE, LANGUAGES
from ui.catalogs import (
    account,
    core,
    customers,
    errors,
    identity,
    junk,
    layout,
    mail_checks,
    phone,
    privacy,
    product_admin,
    records,
    reports,
    signals,
    survey,
    topdesk,
    user_admin,
    wallboard,
    webform,
    work,
    work_admin,
)

# Every catalog, in the order their strings merge; a key defined twice is an error.
CATALOGS = (
    core,
    account,
    customers,
    errors,
    identity,
    junk,
    mail_checks,
    layout,
    phone,
    privacy,
    product_admin,
    records,
    reports,
    topdesk,
    survey,
    signals,
    user_admin,
    webform,
    wallboard,
    work,
    work_admin,
)


def _merged(language: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for module in CATALOGS:
        extra = getattr(module, language.upper())
        clash = table.keys() & extra.keys()
        if clash:
            raise RuntimeError(f"{module.__name__} redefines {sorted(clash)}")
        table.update(extra)
    return table


NL = _merged("nl")
EN = _merged("en")
STRINGS = {"nl": NL, "en": EN}

# The ApplicationError ``type``s the contact workflow's Update validators raise, plus
# the API's own (the workflow is gone). Unknown types show the workflow's message.
REFUSAL_TYPES = (
    "ContactClosed",
    "AlreadyClaimed",
    "NotHolder",
    "ClaimTooLate",
    "ContactNotActive",
)

# What workflows.contact.workflow (update_projection), activities.contacts and the API write
# as ContactEvent.kind. Unknown kinds show the code itself.
EVENT_KINDS = (
    "received",
    "claimed",
    "released",
    "assigned",
    "replied",
    "customer_wrote",
    "customer_replied",
    "reopened",
    "closed",
    "message_sent",
    "message_failed",
    "message_uncertain",
    "note",
    "auto_assigned",  # labels in ui/catalogs/work.py
    "machine_mail",  # these three: labels in ui/catalogs/mail_checks.py
    "reply_undelivered",
    "joined",
    "topdesk_created",  # these six: labels in ui/catalogs/topdesk.py
    "topdesk_status",
    "topdesk_action",
    "topdesk_answered",
    "topdesk_unauthorized",
    "topdesk_rejected",
    "survey_sent",  # these two: labels in ui/catalogs/survey.py
    "survey_answered",
    "signal_forwarded",  # label in ui/catalogs/signals.py
)

MISSING_NAME = "—"


def normalize_language(code: str | None) -> str:
    code = (code or "").lower()[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def lookup(language: str | None, key: str) -> str | None:
    """The string for ``key`` (English falls back to Dutch), or None if there is none."""
    return STRINGS[normalize_language(language)].get(key) or NL.get(key)


def translator(language: str | None) -> Callable[[str], str]:
    table = STRINGS[normalize_language(language)]

    def t(key: str) -> str:
        return table.get(key) or NL.get(key) or key

    return t


def refusal_text(language: str | None, code: str | None, message: str) -> str:
    """A workflow refusal for a person: translated by its type, else the raw message."""
    return (code and lookup(language, f"refusal.{code}")) or message


class _Names(dict):
    def __missing__(self, key: str) -> str:
        return MISSING_NAME


def event_label(
    language: str | None, kind: str, actor: str | None = None, target: str | None = None
) -> str:
    """One history line ("Opgepakt door Anna Agent"); an unknown kind shows its code."""
    text = lookup(language, f"event.{kind}")
    if text is None:
        return f"{kind} ({actor})" if actor else kind
    return text.format_map(_Names(actor=actor or MISSING_NAME, target=target or MISSING_NAME))
