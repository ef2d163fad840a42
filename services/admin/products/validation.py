"""What a product or phone line may look like: each rule once, raising the
InvalidSetting an admin can correct (ui/catalogs/product_admin.py words it)."""

from __future__ import annotations

import re
import string

from services.admin.work_setup.common import InvalidSetting

CODE = re.compile(r"[A-Z][A-Z0-9_]{1,19}")
# an IMAP folder name as the intake opens it: printable, no wildcards
MAILBOX = re.compile(r"[^\x00-\x1f\x7f*%]{1,200}")
ADDRESS = re.compile(
    r"[^@\s<>\"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+"
)
E164 = re.compile(r"\+[1-9][0-9]{6,14}")
QUEUE = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")
PROMPT = re.compile(r"(?:[a-z0-9_-]+/)*[a-z0-9_-]+")
# the customer identifiers a register-portal link may carry (services/customers/klantbeeld.py)
URL_FIELDS = ("identifier", "big", "uzi", "kvk", "bsn")
LANGUAGES = ("nl", "en")
MAX_NAME = 200
MAX_SIGNATURE = 4000
MAX_URL = 500
MAX_PROMPT = 120
MAX_ANSWER_WITHIN = 3600


def invalid(key: str, **params) -> InvalidSetting:
    return InvalidSetting(422, f"product_admin.error.{key}", **params)


def check_text(*values: str) -> None:
    """PostgreSQL refuses a NUL in text: a clear error instead of a failed write."""
    if any("\x00" in value for value in values):
        raise invalid("text")


def check_code(code: str) -> None:
    if not CODE.fullmatch(code):
        raise invalid("code")


def check_names(name: str, name_en: str) -> None:
    if not name.strip() or len(name) > MAX_NAME or len(name_en) > MAX_NAME:
        raise invalid("name", max=MAX_NAME)


def check_mailbox(mailbox: str) -> None:
    if not MAILBOX.fullmatch(mailbox) or mailbox != mailbox.strip():
        raise invalid("mailbox")


def check_address(address: str) -> None:
    if len(address) > 320 or not ADDRESS.fullmatch(address):
        raise invalid("reply_from")


def check_signature(signature: str) -> None:
    if len(signature) > MAX_SIGNATURE:
        raise invalid("signature", max=MAX_SIGNATURE)


def check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise invalid("language", known=", ".join(LANGUAGES))


def url_template_fields(template: str) -> list[str]:
    """The placeholders of a register-portal URL template; refuses a template that
    is not an http(s) URL, is malformed, or names anything but a plain identifier."""
    if len(template) > MAX_URL or not template.startswith(("https://", "http://")):
        raise invalid("url")
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        raise invalid("url_braces") from None
    fields = []
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in URL_FIELDS or spec or conversion:
            raise invalid("url_field", field=field, known=", ".join(URL_FIELDS))
        fields.append(field)
    if not fields:
        raise invalid("url_no_field", known=", ".join(URL_FIELDS))
    return fields


def check_number(number: str) -> None:
    if not E164.fullmatch(number):
        raise invalid("number")


def check_queue(queue: str) -> None:
    if not QUEUE.fullmatch(queue):
        raise invalid("queue")


def check_prompt(prompt: str) -> None:
    if prompt and (len(prompt) > MAX_PROMPT or not PROMPT.fullmatch(prompt)):
        raise invalid("prompt", prompt=prompt)


def check_answer_within(seconds: int | None) -> None:
    if seconds is not None and not 1 <= seconds <= MAX_ANSWER_WITHIN:
        raise invalid("answer_within", max=MAX_ANSWER_WITHIN)
