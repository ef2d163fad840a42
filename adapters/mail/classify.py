"""What kind of mail a parsed message is: a person's, a machine's, or junk.

- auto replies (out of office, vacation, "automatic reply"): Auto-Submitted,
  X-Auto-Response-Suppress, Precedence and the usual subject patterns;
- bounces: a delivery status notification (``multipart/report``) or a mail from
  the mailer daemon, with the recipients that failed and the Message-ID of the
  mail that did not arrive;
- spam: the receiving server's verdict (``X-Spam-Flag``, ``X-Spam-Status``,
  ``X-Spam-Score``, ``X-Spam-Level``) plus a few simple rules;
- the receiving server's SPF/DKIM/DMARC verdict (``Authentication-Results``).

Pure functions over ``email.message.Message``; they never raise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message

AUTO_REPLY = "auto_reply"
BOUNCE = "bounce"

SPAM_SCORE_THRESHOLD = 5.0
MAX_FAILED_RECIPIENTS = 20

# Only the prefixes mail programs put before the subject ("Automatisch antwoord: ..."):
# a customer writing "Afwezig geweest, nu terug" is a person.
_OOO_SUBJECT = re.compile(
    r"^\s*(out of (the )?office|automatic reply|auto(matic)?[- ]?reply|autoreply|"
    r"automatisch(e)? (antwoord|reactie|bericht)|afwezig|niet aanwezig|"
    r"abwesenheit(snotiz)?|r[ée]ponse automatique|auto|autosvar)\s*:",
    re.IGNORECASE,
)
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(undeliverable|undelivered mail|delivery status notification|"
    r"mail delivery (failed|failure|subsystem)|returned mail|failure notice|"
    r"onbestelbaar|niet bezorgd)",
    re.IGNORECASE,
)
_SPAM_SCORE = re.compile(r"(?:score|hits)\s*=\s*(-?\d+(?:\.\d+)?)", re.IGNORECASE)
_AUTH_FAIL = re.compile(r"\b(spf|dkim|dmarc)\s*=\s*(fail|permerror)\b", re.IGNORECASE)
_MSG_ID = re.compile(r"<([^<>\s]+)>")
# Simple rules for spam that no filter marked: bait words in the subject.
_SPAM_SUBJECT = re.compile(
    r"(viagra|cialis|casino|lottery winner|you have won|bitcoin profit|crypto profit|"
    r"weight loss|make money fast|\$\$\$)",
    re.IGNORECASE,
)


@dataclass
class Bounce:
    failed_recipients: list[str] = field(default_factory=list)
    original_message_id: str | None = None


def _header(msg: Message, name: str) -> str:
    value = msg.get(name, None)
    if value is None:
        return ""
    return str(value).replace("\r", " ").replace("\n", " ").strip()


def machine_kind(msg: Message, from_address: str | None, subject: str) -> str:
    """ "bounce", "auto_reply" or "" (a person wrote)."""
    if is_bounce(msg, from_address, subject):
        return BOUNCE
    auto_submitted = _header(msg, "Auto-Submitted").lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return AUTO_REPLY
    if _header(msg, "Precedence").lower() in {"auto_reply", "bulk", "junk"}:
        return AUTO_REPLY
    suppress = _header(msg, "X-Auto-Response-Suppress").lower()
    if suppress and any(word in suppress for word in ("all", "oof", "autoreply")):
        # Exchange marks its own automatic replies this way (so they are not answered)
        return AUTO_REPLY
    if msg.get("X-Autoreply", None) is not None or msg.get("X-Autorespond", None) is not None:
        return AUTO_REPLY
    if _OOO_SUBJECT.search(subject or ""):
        return AUTO_REPLY
    return ""


def is_bounce(msg: Message, from_address: str | None, subject: str) -> bool:
    try:
        ctype = msg.get_content_type()
        report_type = (msg.get_param("report-type") or "").lower()
    except Exception:  # noqa: BLE001
        ctype, report_type = "", ""
    if ctype == "multipart/report" and report_type in {"delivery-status", ""}:
        return True
    local = (from_address or "").split("@")[0]
    if local in {"mailer-daemon", "postmaster"}:
        return True
    null_sender = msg.get("Return-Path", None) is not None and _header(msg, "Return-Path") in {
        "<>",
        "",
    }
    return null_sender and bool(_BOUNCE_SUBJECT.search(subject or ""))


def bounce_details(msg: Message) -> Bounce:
    """The failed recipients (DSN ``Final-Recipient``) and the Message-ID of the
    mail that bounced (from the returned headers or message)."""
    found = Bounce()
    try:
        parts = list(msg.walk())
    except Exception:  # noqa: BLE001
        return found
    for part in parts:
        ctype = _content_type(part)
        if ctype == "message/delivery-status":
            _read_delivery_status(part, found)
        elif ctype in {"message/rfc822", "text/rfc822-headers", "message/rfc822-headers"}:
            _read_returned(part, found)
    return found


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:  # noqa: BLE001 - a broken part is no report part
        return ""


def _read_delivery_status(part: Message, found: Bounce) -> None:
    payload = part.get_payload()
    blocks = payload if isinstance(payload, list) else []
    for block in blocks:
        if not isinstance(block, Message):
            continue
        action = _header(block, "Action").lower()
        recipient = _header(block, "Final-Recipient") or _header(block, "Original-Recipient")
        if not recipient or action not in {"failed", ""}:
            continue
        address = recipient.split(";")[-1].strip().strip("<>").lower()
        wanted = "@" in address and address not in found.failed_recipients
        if wanted and len(found.failed_recipients) < MAX_FAILED_RECIPIENTS:
            found.failed_recipients.append(address[:320])


def _read_returned(part: Message, found: Bounce) -> None:
    if found.original_message_id:
        return
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        headers = _header(payload[0], "Message-ID")
    else:
        text = payload if isinstance(payload, str) else ""
        match = re.search(r"^Message-ID:\s*(.+)$", text, re.IGNORECASE | re.MULTILINE)
        headers = match.group(1) if match else ""
    ids = _MSG_ID.findall(headers)
    if ids:
        found.original_message_id = ids[0][:1000]


def spam_reason(msg: Message, subject: str) -> str:
    """Why this is spam ("" when it is not)."""
    if _header(msg, "X-Spam-Flag").lower().startswith("yes"):
        return "X-Spam-Flag"
    status = _header(msg, "X-Spam-Status")
    if status.lower().startswith("yes"):
        return "X-Spam-Status"
    for name, value in (("X-Spam-Score", _header(msg, "X-Spam-Score")), ("X-Spam-Status", status)):
        score = _score(value)
        if score is not None and score >= SPAM_SCORE_THRESHOLD:
            return f"{name} {score:g}"
    if _header(msg, "X-Spam-Level").count("*") >= SPAM_SCORE_THRESHOLD:
        return "X-Spam-Level"
    if _SPAM_SUBJECT.search(subject or ""):
        return "subject"
    return ""


def _score(value: str) -> float | None:
    if not value:
        return None
    match = _SPAM_SCORE.search(value)
    text = match.group(1) if match else value.split()[0]
    try:
        return float(text)
    except ValueError:
        return None


def authentication_failed(msg: Message) -> bool:
    """The receiving server's verdict (its ``Authentication-Results`` is the topmost
    one: servers add theirs above what the sender wrote) says SPF, DKIM or DMARC
    failed. Then the From address may be forged, and PULSE does not answer it
    automatically."""
    for key, value in msg.raw_items():
        if key.lower() == "authentication-results":
            return bool(_AUTH_FAIL.search(str(value)))
    return False
