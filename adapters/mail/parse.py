"""Turn raw RFC 5322 bytes into a plain, JSON-friendly ``ParsedMail``.

Inbound mail is hostile input: wrong charsets, broken MIME, 8-bit headers,
script in HTML, deep nesting, garbage. ``parse_message`` never raises; when a
message cannot be understood it returns what it could salvage with
``parse_error`` set, so the caller can flag the contact "unreadable" and keep
the raw bytes.

Conventions:
- Message ids (``message_id``, ``in_reply_to``, ``references``) are stored
  WITHOUT angle brackets: ``abc123@example.org``. ``adapters.mail.compose`` adds the
  brackets back when it writes headers.
- Addresses are lower-cased; display names are kept as written (decoded).
- All strings are free of NUL/control characters and lone surrogates, so they
  can go into PostgreSQL text/JSONB as they are.
"""

from __future__ import annotations

import codecs
import hashlib
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

import nh3

from adapters.mail.classify import (
    authentication_failed,
    bounce_details,
    machine_kind,
    spam_reason,
)

REFERENCE_PATTERN = re.compile(r"KCC-\d{4}-\d{6}", re.IGNORECASE)
MAX_HEADER_CHARS = 1000
MAX_DEPTH = 60  # deeper MIME trees are cut off (and noted), not walked
MAX_REFERENCES = 50
MAX_FILENAME_CHARS = 150
MAX_SALVAGED_CHARS = 200_000  # body text kept from a message we could not parse

# Headers worth keeping next to the parsed fields (for the agent's "details" view,
# auto-reply diagnostics and audits). Everything else stays in the raw bytes.
KEPT_HEADERS = (
    "Message-ID",
    "In-Reply-To",
    "References",
    "From",
    "Sender",
    "Reply-To",
    "To",
    "Cc",
    "Subject",
    "Date",
    "Return-Path",
    "Auto-Submitted",
    "Precedence",
    "List-Id",
    "List-Unsubscribe",
    "X-Autoreply",
    "X-Autorespond",
    "X-Auto-Response-Suppress",
    "Content-Type",
    "Content-Language",
    "Importance",
    "X-Priority",
    "X-Mailer",
    "User-Agent",
    "X-Spam-Flag",
    "X-Spam-Status",
    "X-Spam-Score",
    "X-Spam-Level",
    "Authentication-Results",
)

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# In a display name nothing but printable text: no line breaks (header injection in
# anything that echoes it), no bidi overrides or other invisible format characters.
_NAME_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
MAX_NAME_CHARS = 200
_MSG_ID = re.compile(r"<([^<>\s]+)>")
_WHITESPACE = re.compile(r"[ \t]+")


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes
    content_id: str | None = None  # without angle brackets, as used in ``cid:`` URLs
    inline: bool = False

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class ParsedMail:
    message_id: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    from_address: str | None = None
    from_name: str | None = None
    reply_to: list[str] = field(default_factory=list)
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    subject: str = ""
    date: datetime | None = None
    headers: dict[str, str] = field(default_factory=dict)
    text_body: str = ""
    html_sanitized: str | None = None
    attachments: list[ParsedAttachment] = field(default_factory=list)
    is_auto_reply: bool = False
    machine_kind: str = ""  # "auto_reply" or "bounce" (adapters.mail.classify)
    bounced_recipients: list[str] = field(default_factory=list)
    bounced_message_id: str | None = None  # the mail a bounce reports as undelivered
    spam_reason: str = ""  # why this is junk ("" when it is not)
    sender_unverified: bool = False  # the receiving server's SPF/DKIM/DMARC check failed
    language: str | None = None
    reference_in_subject: str | None = None
    dedupe_key: str = ""
    size: int = 0
    parse_error: str | None = None
    # Short notes on what was odd but survivable (bad charset, cut-off nesting ...).
    warnings: list[str] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return self.parse_error is None


# --- entry point ------------------------------------------------------------------


def parse_message(raw: bytes) -> ParsedMail:
    """Parse raw message bytes. Never raises; see ``ParsedMail.parse_error``."""
    try:
        raw = _as_bytes(raw)
    except Exception:  # noqa: BLE001 - the contract is "never raises"
        return ParsedMail(parse_error="input is not bytes", dedupe_key=_sha256_key(b""))
    mail = ParsedMail(dedupe_key=_sha256_key(raw), size=len(raw))
    if not raw.strip():
        mail.parse_error = "empty message"
        return mail
    try:
        _parse_into(mail, raw)
    except RecursionError:
        mail.parse_error = "message structure is nested too deeply"
        mail.text_body = mail.text_body or _salvage_text(raw)
    except Exception as exc:  # noqa: BLE001 - salvage what we have, flag the rest
        mail.parse_error = f"message could not be parsed ({type(exc).__name__})"
        mail.text_body = mail.text_body or _salvage_text(raw)
    return mail


def _parse_into(mail: ParsedMail, raw: bytes) -> None:
    # compat32 keeps headers as the strings that were sent; we decode only the few
    # we use. policy.default builds a parsed header object on every get(), which was
    # over half of the intake's parsing time.
    msg = BytesParser(policy=policy.compat32).parsebytes(raw)
    if not _looks_like_mail(msg):
        mail.parse_error = "no mail headers found"
        mail.text_body = _salvage_text(raw)
        return
    _fill_headers(mail, msg)
    body = _BodyParts()
    _collect_parts(msg, depth=0, out=body, mail=mail)
    _fill_body(mail, body)
    mail.is_auto_reply = is_auto_reply(msg, mail.from_address)
    _classify(mail, msg)


def _classify(mail: ParsedMail, msg: Message) -> None:
    mail.machine_kind = machine_kind(msg, mail.from_address, mail.subject)
    if mail.machine_kind:
        mail.is_auto_reply = True
    if mail.machine_kind == "bounce":
        bounce = bounce_details(msg)
        mail.bounced_recipients = bounce.failed_recipients
        mail.bounced_message_id = bounce.original_message_id
    mail.spam_reason = spam_reason(msg, mail.subject)
    mail.sender_unverified = authentication_failed(msg)


def _as_bytes(raw: object) -> bytes:
    if isinstance(raw, bytes):
        return raw
    if isinstance(raw, bytearray | memoryview):
        return bytes(raw)
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    raise TypeError(type(raw).__name__)


def _sha256_key(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _looks_like_mail(msg: Message) -> bool:
    """A message with none of the usual headers is garbage, not mail."""
    known = {"from", "to", "subject", "date", "message-id", "received", "content-type"}
    known |= {"mime-version", "return-path", "sender", "cc", "reply-to"}
    return any(name.lower() in known for name, _ in msg.raw_items())


# --- headers ----------------------------------------------------------------------


def _fill_headers(mail: ParsedMail, msg: Message) -> None:
    mail.headers = _kept_headers(msg)
    # The dedupe key stays the hash of the raw bytes: a Message-ID is not unique
    # (mailers reuse them, a stranger can copy one), so equal ids with different
    # content are different messages.
    mail.message_id = _first_msg_id(_raw_header(msg, "Message-ID"))
    mail.in_reply_to = _first_msg_id(_raw_header(msg, "In-Reply-To"))
    mail.references = _msg_ids(_raw_header(msg, "References"))[-MAX_REFERENCES:]
    senders = _addresses(msg, "From")
    if senders:
        mail.from_name, mail.from_address = senders[0]
    mail.reply_to = [addr for _, addr in _addresses(msg, "Reply-To")]
    mail.to = [addr for _, addr in _addresses(msg, "To")]
    mail.cc = [addr for _, addr in _addresses(msg, "Cc")]
    mail.subject = _WHITESPACE.sub(" ", _header_text(msg, "Subject")).strip()
    mail.date = _date(_raw_header(msg, "Date"))
    mail.language = _language(_header_text(msg, "Content-Language"))
    mail.reference_in_subject = find_reference(mail.subject)


def _raw_header(msg: Message, name: str) -> str:
    """The header as sent (unfolded, not RFC 2047 decoded), or ''."""
    for key, value in msg.raw_items():
        if key.lower() == name.lower():
            return clean_text(str(value)).replace("\r", "").replace("\n", "")
    return ""


def _header_text(msg: Message, name: str) -> str:
    """The header decoded for humans (RFC 2047 encoded words, 8-bit bytes mended)."""
    text = _decode_rfc2047(_raw_header(msg, name))
    return clean_text(text).replace("\r", " ").replace("\n", " ")  # encoded CR/LF too


def _decode_rfc2047(value: str) -> str:
    """Decode encoded words; text outside them stays as it is (8-bit already mended
    by ``_raw_header``). Broken encoded words or unknown charsets keep the raw text."""
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # noqa: BLE001 - unknown charset in an encoded word
        return value


def _kept_headers(msg: Message) -> dict[str, str]:
    kept: dict[str, str] = {}
    for name in KEPT_HEADERS:
        if msg.get(name, None) is None:
            continue
        value = _header_text(msg, name)
        kept[name] = value[:MAX_HEADER_CHARS]
    return kept


def _addresses(msg: Message, name: str) -> list[tuple[str | None, str]]:
    """(display name, lower-cased address) pairs; bad entries are skipped."""
    raw = _raw_header(msg, name)
    if not raw:
        return []
    # Split first, decode display names after: a decoded name may contain commas.
    pairs = getaddresses([raw])
    if not any("@" in addr for _, addr in pairs) and "=?" in raw:
        pairs = getaddresses([_decode_rfc2047(raw)])  # an encoded word hid the address
    cleaned = []
    for display, addr in pairs:
        addr = clean_text(addr).strip().strip("<>").lower()
        if "@" not in addr and addr.lower() not in {"mailer-daemon", "postmaster"}:
            continue
        display = display_name(_decode_rfc2047(display)) if display else None
        cleaned.append((display or None, addr))
    return cleaned


def _msg_ids(value: str) -> list[str]:
    ids = _MSG_ID.findall(value)
    if not ids and value.strip():
        # Some mailers forget the brackets; accept one bare token with an '@'.
        token = value.strip().split()[0]
        if "@" in token:
            ids = [token.strip("<>")]
    return [i[:MAX_HEADER_CHARS] for i in ids]


def _first_msg_id(value: str) -> str | None:
    ids = _msg_ids(value)
    return ids[0] if ids else None


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except Exception:  # noqa: BLE001 - unparseable dates are common in spam
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:  # "-0000" means "UTC, zone unknown" (RFC 5322 3.3)
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _language(value: str) -> str | None:
    first = value.split(",")[0].strip().lower()
    return first[:35] if re.fullmatch(r"[a-z]{2,8}(-[a-z0-9]{1,8})*", first) else None


def find_reference(subject: str) -> str | None:
    """The first ``KCC-YYYY-NNNNNN`` reference in a subject, upper-cased."""
    match = REFERENCE_PATTERN.search(subject or "")
    return match.group(0).upper() if match else None


# --- auto replies ---------------------------------------------------------------


def is_auto_reply(msg: Message, from_address: str | None) -> bool:
    """True for out-of-office replies, bounces, lists and other machine mail.

    PULSE must not acknowledge these, or two auto-responders mail each other forever.
    """
    auto_submitted = _raw_header(msg, "Auto-Submitted").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return True
    if _raw_header(msg, "Precedence").strip().lower() in {"bulk", "junk", "list"}:
        return True
    for name in ("List-Id", "List-Unsubscribe", "X-Autoreply", "X-Autorespond"):
        if msg.get(name, None) is not None:
            return True
    return_path = _raw_header(msg, "Return-Path")
    if msg.get("Return-Path", None) is not None and return_path.strip() in {"<>", ""}:
        return True
    local_part = (from_address or "").split("@")[0]
    if local_part in {"mailer-daemon", "postmaster"}:
        return True
    try:
        return msg.get_content_type() == "multipart/report"
    except Exception:  # noqa: BLE001
        return False


# --- body and attachments -------------------------------------------------------


@dataclass
class _BodyParts:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)


def _collect_parts(part: Message, depth: int, out: _BodyParts, mail: ParsedMail) -> None:
    if depth > MAX_DEPTH:
        if "MIME nesting cut off" not in mail.warnings:
            mail.warnings.append("MIME nesting cut off")
        return
    ctype = _content_type(part)
    if ctype == "message/rfc822" or (part.is_multipart() and ctype.startswith("message/")):
        out.attachments.append(_embedded_message(part, len(out.attachments) + 1))
        return
    if part.is_multipart():
        children = _children(part)
        if ctype == "multipart/alternative":
            _collect_alternative(children, depth, out, mail)
        else:
            for child in children:
                _collect_parts(child, depth + 1, out, mail)
        return
    if ctype in {"text/plain", "text/html"} and not _is_attachment(part):
        text = decode_part_text(part, mail)
        (out.texts if ctype == "text/plain" else out.htmls).append(text)
        return
    out.attachments.append(_attachment(part, len(out.attachments) + 1))


def _collect_alternative(
    children: list[Message], depth: int, out: _BodyParts, mail: ParsedMail
) -> None:
    """Take the plain text from the first branch that has it, HTML from the last."""
    branches = []
    for child in children:
        branch = _BodyParts()
        _collect_parts(child, depth + 1, branch, mail)
        branches.append(branch)
        out.attachments.extend(branch.attachments)
    with_text = [b for b in branches if b.texts]
    with_html = [b for b in branches if b.htmls]
    if with_text:
        out.texts.extend(with_text[0].texts)
    if with_html:
        out.htmls.extend(with_html[-1].htmls)


def _children(part: Message) -> list[Message]:
    payload = part.get_payload()
    return [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:  # noqa: BLE001
        return "application/octet-stream"


def _is_attachment(part: Message) -> bool:
    try:
        disposition = (part.get_content_disposition() or "").lower()
        return disposition == "attachment" or bool(part.get_filename())
    except Exception:  # noqa: BLE001
        return True


def _attachment(part: Message, number: int) -> ParsedAttachment:
    ctype = _content_type(part)
    try:
        data = part.get_payload(decode=True) or b""
    except Exception:  # noqa: BLE001 - keep the undecoded payload rather than nothing
        data = str(part.get_payload()).encode("utf-8", "replace")
    filename = _filename(part)
    if not filename and ctype == "application/ms-tnef":
        filename = "winmail.dat"
    content_id = _first_msg_id(_raw_header(part, "Content-ID")) or _bare_cid(part)
    try:
        disposition = (part.get_content_disposition() or "").lower()
    except Exception:  # noqa: BLE001
        disposition = ""
    inline = disposition == "inline" or (disposition != "attachment" and content_id is not None)
    return ParsedAttachment(
        filename=safe_filename(filename, ctype, number),
        content_type=ctype,
        data=bytes(data),
        content_id=content_id,
        inline=inline,
    )


def _filename(part: Message) -> str | None:
    """The attachment's name: RFC 2231 parameters, and the RFC 2047 encoded words
    that many mailers (wrongly, but commonly) put in a filename."""
    try:
        filename = part.get_filename()
    except Exception:  # noqa: BLE001
        return None
    return clean_text(_decode_rfc2047(filename)) if filename else None


def _bare_cid(part: Message) -> str | None:
    value = _raw_header(part, "Content-ID").strip().strip("<>")
    return value[:MAX_HEADER_CHARS] or None


def _embedded_message(part: Message, number: int) -> ParsedAttachment:
    """A forwarded message (message/rfc822) is kept whole, as an .eml attachment."""
    try:
        inner = part.get_payload(0) if part.is_multipart() else part.get_payload(decode=True)
        data = inner.as_bytes() if isinstance(inner, Message) else bytes(inner or b"")
    except Exception:  # noqa: BLE001
        data = b""
    filename = _filename(part)
    return ParsedAttachment(
        filename=safe_filename(filename or f"forwarded-message-{number}.eml", "message/rfc822", 0),
        content_type="message/rfc822",
        data=data,
    )


def _fill_body(mail: ParsedMail, body: _BodyParts) -> None:
    mail.attachments = body.attachments
    html = "\n".join(h for h in body.htmls if h.strip())
    if html:
        mail.html_sanitized = sanitize_html(html)
    texts = (normalise_newlines(t).strip("\n").rstrip() for t in body.texts)
    text = "\n\n".join(t for t in texts if t.strip())
    if not text and html:
        text = html_to_text(html)
    mail.text_body = text


def decode_part_text(part: Message, mail: ParsedMail | None = None) -> str:
    """Decode a text part with its declared charset; never raises.

    Unknown or wrong charsets fall back to UTF-8, then Windows-1252, with
    replacement characters: an agent can read a mangled accent, not an exception.
    """
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        payload = None
    if payload is None:
        raw_payload = part.get_payload()
        is_str = isinstance(raw_payload, str)
        payload = raw_payload.encode("utf-8", "surrogateescape") if is_str else b""
    try:
        declared = part.get_content_charset()
    except Exception:  # noqa: BLE001
        declared = None
    text, note = decode_bytes(bytes(payload), declared)
    if note and mail is not None and note not in mail.warnings:
        mail.warnings.append(note)
    return clean_text(text)


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """(text, warning) for bytes in ``charset``; the warning says what went wrong."""
    codec = _text_codec(charset) if charset else None
    if codec:
        try:
            return data.decode(codec), None
        except (UnicodeDecodeError, LookupError, ValueError):
            pass
    note = f"charset {charset!r} did not decode" if charset else None
    if codec is None and charset:
        note = f"unknown charset {charset[:40]!r}"
    try:
        return data.decode("utf-8"), note
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace"), note


def _text_codec(charset: str) -> str | None:
    """The codec name for a charset, only if it is a real text encoding.

    ``codecs.lookup`` also knows bytes-to-bytes codecs (base64, zlib, rot13 ...)
    that a hostile Content-Type could name; those are refused.
    """
    name = charset.strip().strip("\"'").lower()
    if name in {"unknown-8bit", "x-unknown", "unknown", ""}:
        return None
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


# --- text helpers -----------------------------------------------------------------


def clean_text(text: str | None) -> str:
    """Drop control characters and mend lone surrogates (from 8-bit header bytes)."""
    if not text:
        return ""
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        raw = text.encode("utf-8", "surrogateescape")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", "replace")
    text = text.encode("utf-8", "replace").decode("utf-8")  # any other lone surrogates
    return _CONTROL_CHARS.sub("", text)


def display_name(text: str | None) -> str:
    """A display name as stored and shown: printable text on one line, shortened."""
    name = _NAME_UNSAFE.sub(" ", clean_text(text))
    name = _WHITESPACE.sub(" ", name).strip().strip('"').strip()
    return name[:MAX_NAME_CHARS]


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _salvage_text(raw: bytes) -> str:
    text, _ = decode_bytes(raw[: MAX_SALVAGED_CHARS * 2], None)
    return normalise_newlines(clean_text(text))[:MAX_SALVAGED_CHARS]


def safe_filename(name: str | None, content_type: str, number: int) -> str:
    """A filename safe to show and to store: no paths, no control characters."""
    cleaned = clean_text(name or "")
    cleaned = unicodedata.normalize("NFC", cleaned)
    cleaned = re.split(r"[\\/]", cleaned)[-1]
    cleaned = "".join(ch for ch in cleaned if unicodedata.category(ch)[0] != "C")
    cleaned = cleaned.strip().lstrip(".").strip()
    cleaned = re.sub(r"[<>:\"|?*]", "_", cleaned)
    if not cleaned:
        extension = mimetypes.guess_extension(content_type or "") or ".bin"
        return f"attachment-{number}{extension}"
    if len(cleaned) > MAX_FILENAME_CHARS:
        stem, dot, ext = cleaned.rpartition(".")
        ext = ext[:20] if dot else ""
        keep = MAX_FILENAME_CHARS - len(ext) - 1
        cleaned = (stem or cleaned)[:keep] + ("." + ext if ext else "")
    return cleaned


# --- HTML -------------------------------------------------------------------------

_ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}


def _drop_remote_images(tag: str, attribute: str, value: str) -> str | None:
    """Images may only point at inline parts (``cid:``).

    Remote images in mail are mostly tracking pixels: loading them would tell the
    sender when and from where an agent read the mail.
    """
    if tag == "img" and attribute == "src" and not value.strip().lower().startswith("cid:"):
        return None
    return value


def sanitize_html(html: str) -> str:
    """HTML without script, style, event handlers, javascript: URLs or remote images."""
    return nh3.clean(
        clean_text(html),
        url_schemes=_ALLOWED_URL_SCHEMES,
        attribute_filter=_drop_remote_images,
        strip_comments=True,
    )


class _TextExtractor(HTMLParser):
    _BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table"}
    _BLOCKS |= {"blockquote", "pre", "hr", "ul", "ol"}
    _SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(_WHITESPACE.sub(" ", data.replace("\n", " ")))


def html_to_text(html: str) -> str:
    """Readable plain text from HTML (for HTML-only mail); never raises."""
    try:
        extractor = _TextExtractor()
        extractor.feed(html)
        extractor.close()
        text = "".join(extractor.parts)
    except Exception:  # noqa: BLE001
        text = re.sub(r"<[^>]*>", " ", html)
    lines = [line.strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


__all__ = [
    "ParsedAttachment",
    "ParsedMail",
    "clean_text",
    "decode_bytes",
    "display_name",
    "find_reference",
    "html_to_text",
    "is_auto_reply",
    "parse_message",
    "safe_filename",
    "sanitize_html",
]
