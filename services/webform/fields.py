"""The fields of a public form submission and the rules they must pass. ``check``
returns the cleaned submission, or the error code per field (in the order the form
shows them) so the page can list them at the top and keep what the person typed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from services.customers.phones import normalize_phone
from services.webform.config import ROLES, FormSettings
from services.webform.identifiers import InvalidIdentifier, validate_identifier
from services.webform.sniff import content_type, sniff

FIELD_ORDER = (
    "reason",
    "name",
    "email",
    "phone",
    "role",
    "identifier",
    "message",
    "attachments",
    "privacy",
)
MAX_LENGTHS = {"name": 200, "email": 320, "phone": 32, "identifier": 20, "reason": 20}
EMAIL_RE = re.compile(r"^[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[^@\s<>\"(),;:]{2,}$")
FILENAME_UNSAFE = re.compile(r"[\x00-\x1f/\\]")


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass(frozen=True)
class CleanAttachment:
    filename: str
    kind: str
    content_type: str
    data: bytes


@dataclass
class CleanSubmission:
    reason_id: int | None
    reason_nl: str
    reason_en: str
    name: str
    email: str
    phone: str = ""
    role: str = ""
    identifier_kind: str = ""
    identifier: str = ""
    message: str = ""
    attachments: list[CleanAttachment] = field(default_factory=list)

    def subject(self, language: str) -> str:
        reason = self.reason_en if language == "en" else self.reason_nl
        return reason or ("Web form" if language == "en" else "Webformulier")


def check(
    form: FormSettings,
    raw: dict[str, str],
    uploads: list[Upload],
    max_message: int,
    reason_required: bool = True,
) -> tuple[CleanSubmission | None, dict[str, str]]:
    """(submission, {}) when every rule passes, else (None, {field: error code}).
    A form builder whose mapping has no question type sends none (reason_required)."""
    errors: dict[str, str] = {}
    value = {k: (raw.get(k) or "").strip() for k in (*FIELD_ORDER, "identifier_kind")}
    for name, limit in MAX_LENGTHS.items():
        if len(value[name]) > limit:
            errors[name] = "too_long"
    reason = _reason(form, value["reason"], errors, reason_required)
    if not value["name"]:
        errors.setdefault("name", "required")
    if not value["email"]:
        errors.setdefault("email", "required")
    elif not EMAIL_RE.match(value["email"]):
        errors.setdefault("email", "email")
    phone = _phone(form, value["phone"], errors)
    if form.shows("role"):
        if value["role"] and value["role"] not in ROLES:
            errors.setdefault("role", "choice")
        elif not value["role"] and form.mode("role") == "required":
            errors.setdefault("role", "required")
    kind, identifier = _identifier(form, value["identifier_kind"], value["identifier"], errors)
    if not value["message"]:
        errors["message"] = "required"
    elif len(value["message"]) > max_message:
        errors["message"] = "too_long"
    attachments = _attachments(form, uploads, errors)
    if raw.get("privacy") != "yes":
        errors["privacy"] = "privacy"
    if errors:
        return None, {k: errors[k] for k in FIELD_ORDER if k in errors}
    return (
        CleanSubmission(
            reason_id=reason.id if reason else None,
            reason_nl=reason.label_nl if reason else "",
            reason_en=reason.label_en if reason else "",
            name=value["name"],
            email=value["email"].lower(),
            phone=phone,
            role=value["role"] if form.shows("role") else "",
            identifier_kind=kind,
            identifier=identifier,
            message=value["message"],
            attachments=attachments,
        ),
        {},
    )


def _reason(form: FormSettings, raw: str, errors: dict[str, str], required: bool):
    if not form.reasons:
        return None
    if not raw:
        if required:
            errors.setdefault("reason", "required")
        return None
    chosen = next((r for r in form.reasons if str(r.id) == raw), None)
    if chosen is None:
        errors.setdefault("reason", "choice")
    return chosen


def _phone(form: FormSettings, raw: str, errors: dict[str, str]) -> str:
    if not form.shows("phone"):
        return ""
    if not raw:
        if form.mode("phone") == "required":
            errors.setdefault("phone", "required")
        return ""
    number = normalize_phone(raw) if "phone" not in errors else None
    if number is None:
        errors.setdefault("phone", "phone")
        return ""
    return number


def _identifier(form: FormSettings, kind: str, raw: str, errors: dict[str, str]):
    if not form.shows("identifier"):
        return "", ""
    if not raw:
        if form.mode("identifier") == "required":
            errors.setdefault("identifier", "required")
        return "", ""
    if "identifier" in errors:
        return "", ""
    try:
        return kind, validate_identifier(kind, raw)
    except InvalidIdentifier as exc:
        errors["identifier"] = f"identifier_{exc}"
        return "", ""


def _attachments(
    form: FormSettings, uploads: list[Upload], errors: dict[str, str]
) -> list[CleanAttachment]:
    uploads = [u for u in uploads if u.filename or u.data]
    if not form.shows("attachments"):
        return []
    if not uploads:
        if form.mode("attachments") == "required":
            errors["attachments"] = "required"
        return []
    if len(uploads) > form.attachment_max_count:
        errors["attachments"] = "attachment_count"
        return []
    clean = []
    for upload in uploads:
        if len(upload.data) > form.attachment_max_bytes:
            errors["attachments"] = "attachment_size"
            return []
        kind = sniff(upload.data)
        if kind is None or kind not in form.attachment_types:
            errors["attachments"] = "attachment_type"
            return []
        name = FILENAME_UNSAFE.sub("_", upload.filename.rsplit("/", 1)[-1])[:200] or "bijlage"
        clean.append(CleanAttachment(name, kind, content_type(kind), upload.data))
    return clean
