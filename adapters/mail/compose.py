"""Build and send PULSE's outbound mail.

``compose_message`` makes an ``EmailMessage`` that threads correctly in the
customer's mail client (In-Reply-To / References), carries the contact
reference ``[KCC-…]`` in the subject exactly once, and marks automatic
acknowledgements so other auto-responders stay quiet (RFC 3834).

``send_message`` hands it to SMTP. Transient trouble (connection refused,
timeouts, 4xx) propagates so Temporal retries the activity; a permanent 5xx
refusal raises ``PermanentSendError`` so the caller marks the message failed
instead of retrying forever.

Message ids are passed and returned WITHOUT angle brackets (the same
convention as ``adapters.mail.parse``). Generate the Message-ID once (``new_message_id``)
and pass it in on every attempt, so a retried activity sends the same message
rather than a "new" one.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html import escape

import aiosmtplib

MAX_REFERENCES = 20  # keep the thread header short; the first and latest ids matter most


class PermanentSendError(Exception):
    """The SMTP server refused the message for good (5xx); do not retry."""

    def __init__(self, code: int, message: str, recipients: Sequence[str] = ()) -> None:
        super().__init__(f"{code} {message}".strip())
        self.code = code
        self.smtp_message = message
        self.recipients = list(recipients)


@dataclass(frozen=True)
class OutboundAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class SendResult:
    message_id: str | None
    response: str
    # Recipients the server refused while it accepted others: {address: "550 ..."}.
    refused: dict[str, str] = field(default_factory=dict)


def new_message_id(domain: str) -> str:
    """A fresh Message-ID for ``domain``, without angle brackets."""
    return make_msgid(domain=domain).strip("<>")


def ensure_reference(subject: str, reference: str | None) -> str:
    """The subject with ``[reference]`` in it exactly once (appended when missing)."""
    subject = _one_line(subject)
    if not reference:
        return subject
    ref = re.escape(reference)
    mentions = re.findall(rf"\[?{ref}\]?", subject, flags=re.IGNORECASE)
    if len(mentions) == 1:
        return subject
    stripped = re.sub(rf"\s*\[?{ref}\]?", "", subject, flags=re.IGNORECASE).strip()
    return f"{stripped} [{reference}]".strip()


# Reply prefixes of the mail clients our customers use (English, Dutch, German,
# Scandinavian), any case: a reply to "AW: x" stays "AW: x", not "Re: AW: x".
REPLY_PREFIX = re.compile(r"^\s*(re|antw|aw|sv)\s*:", flags=re.IGNORECASE)


def reply_subject(subject: str) -> str:
    """'Re: subject' unless it already starts with a reply prefix: the one rule for
    every reply PULSE writes."""
    subject = _one_line(subject)
    if REPLY_PREFIX.match(subject):
        return subject
    return f"Re: {subject}".strip()


def thread_headers(
    parent_message_id: str | None, parent_references: Sequence[str] = ()
) -> tuple[str | None, list[str]]:
    """(In-Reply-To, References) for a reply to the given message (RFC 5322 3.6.4)."""
    if not parent_message_id:
        return None, [r for r in parent_references if r][-MAX_REFERENCES:]
    chain = [r.strip("<>") for r in parent_references if r] + [parent_message_id.strip("<>")]
    if len(chain) > MAX_REFERENCES:
        chain = chain[:1] + chain[-(MAX_REFERENCES - 1) :]
    return parent_message_id.strip("<>"), chain


def compose_message(
    *,
    from_address: str,
    to: str | Sequence[str],
    subject: str,
    text_body: str,
    domain: str,
    from_name: str | None = None,
    reference: str | None = None,
    signature: str | None = None,
    html_body: str | None = None,
    cc: Sequence[str] = (),
    reply_to: str | None = None,
    parent_message_id: str | None = None,
    parent_references: Sequence[str] = (),
    thread: tuple[str | None, Sequence[str]] | None = None,
    auto_reply: bool = False,
    attachments: Iterable[OutboundAttachment | tuple[str, str, bytes]] = (),
    message_id: str | None = None,
    date: datetime | None = None,
) -> EmailMessage:
    """An outbound message, ready for ``send_message``.

    ``parent_message_id`` / ``parent_references`` describe the message being
    replied to (as ``ParsedMail.message_id`` / ``.references``); ``thread`` is
    (In-Reply-To, References) already worked out by ``thread_headers`` -- a stored
    draft's -- and wins over them. ``auto_reply`` marks an automatic acknowledgement.
    """
    msg = EmailMessage()
    msg["From"] = Address(display_name=_one_line(from_name or ""), addr_spec=from_address)
    msg["To"] = _address_list(to)
    if cc:
        msg["Cc"] = _address_list(cc)
    if reply_to:
        msg["Reply-To"] = _one_line(reply_to)
    msg["Subject"] = ensure_reference(subject, reference)
    msg["Date"] = format_datetime(date or datetime.now(UTC))
    msg["Message-ID"] = f"<{(message_id or new_message_id(domain)).strip('<>')}>"
    in_reply_to, references = thread or thread_headers(parent_message_id, parent_references)
    if in_reply_to:
        msg["In-Reply-To"] = f"<{in_reply_to}>"
    if references:
        msg["References"] = " ".join(f"<{r}>" for r in references)
    if auto_reply:
        msg["Auto-Submitted"] = "auto-replied"
        msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(with_signature(text_body, signature))
    if html_body:
        msg.add_alternative(_html_with_signature(html_body, signature), subtype="html")
    for attachment in attachments:
        _attach(msg, attachment)
    return msg


def with_signature(text: str, signature: str | None) -> str:
    """The text with the product signature appended once."""
    text = (text or "").rstrip()
    if not signature or not signature.strip():
        return text + "\n"
    signature = signature.strip()
    if text.endswith(signature):
        return text + "\n"
    return f"{text}\n\n{signature}\n"


def _html_with_signature(html: str, signature: str | None) -> str:
    if not signature or not signature.strip():
        return html
    signature_html = "<br>".join(escape(line) for line in signature.strip().splitlines())
    return f"{html}\n<p>{signature_html}</p>"


def _attach(msg: EmailMessage, attachment: OutboundAttachment | tuple[str, str, bytes]) -> None:
    if not isinstance(attachment, OutboundAttachment):
        attachment = OutboundAttachment(*attachment)
    maintype, _, subtype = (attachment.content_type or "").partition("/")
    if not maintype or not subtype:
        maintype, subtype = "application", "octet-stream"
    msg.add_attachment(
        attachment.data,
        maintype=maintype,
        subtype=subtype,
        filename=_one_line(attachment.filename) or "attachment.bin",
    )


def _address_list(addresses: str | Sequence[str]) -> str:
    if isinstance(addresses, str):
        addresses = [addresses]
    return ", ".join(_one_line(a) for a in addresses if a and a.strip())


def _one_line(value: str) -> str:
    """Header values may not contain line breaks (header injection)."""
    return re.sub(r"[\r\n\x00]+", " ", value or "").strip()


# --- sending ---------------------------------------------------------------------


async def send_message(
    msg: EmailMessage,
    *,
    host: str,
    port: int,
    starttls: bool = False,
    username: str | None = None,
    password: str | None = None,
    timeout: float = 30.0,
    use_tls: bool = False,
) -> SendResult:
    """Send ``msg`` over SMTP.

    Raises ``PermanentSendError`` on a 5xx refusal of the recipients, the sender
    or the data; every other error (connection, timeout, 4xx, authentication)
    propagates unchanged so the caller's retry policy applies.
    """
    sending = aiosmtplib.send(
        msg,
        hostname=host,
        port=port,
        start_tls=starttls,
        use_tls=use_tls,
        username=username or None,
        password=password or None,
        timeout=timeout,
    )
    return await _send_classified(sending, msg)


class UncertainDelivery(Exception):
    """The connection failed after DATA began and before the server answered: the
    message may have been taken. Sending it again could deliver it twice."""


class _StagedSMTP(aiosmtplib.SMTP):
    """An SMTP session that runs a hook right before DATA and remembers that DATA
    began (the one moment after which a failure leaves the outcome unknown)."""

    before_data: Callable[[], Awaitable[None]] | None = None
    data_started = False

    async def data(self, message, /, **kwargs):
        if self.before_data is not None:
            await self.before_data()
        self.data_started = True
        return await super().data(message, **kwargs)


class SmtpPool:
    """SMTP sessions kept open between sends, as a busy sender does: connecting,
    EHLO (and the local host name lookup before it) and QUIT for every mail were a
    visible share of the worker's CPU on bench/intake.py. Same errors as
    ``send_message``. A session is reused only after a successful send and while it
    has been idle for less than ``idle_seconds`` (servers drop idle sessions); a send
    that finds a reused session closed is tried once more on a new one."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        use_tls: bool = False,
        size: int = 16,
        idle_seconds: float = 20.0,
    ) -> None:
        self._options = {
            "hostname": host,
            "port": port,
            "start_tls": starttls,
            "use_tls": use_tls,
            "username": username or None,
            "password": password or None,
            "timeout": timeout,
        }
        self.size, self.idle_seconds = size, idle_seconds
        self._idle: list[tuple[_StagedSMTP, float]] = []

    async def send(
        self, msg: EmailMessage, before_data: Callable[[], Awaitable[None]] | None = None
    ) -> SendResult:
        """Send ``msg``. ``before_data`` runs after the server took sender and
        recipients, right before DATA: up to there nothing can have been delivered.
        A failure without the server's answer once DATA began raises
        ``UncertainDelivery``: the server may or may not have taken the message."""
        client, reused = self._take()
        try:
            return await self._send_on(client, msg, before_data)
        except (aiosmtplib.SMTPServerDisconnected, ConnectionError):
            if not reused:
                raise
            # The server had closed the idle session before DATA: once more, on a new one.
            return await self._send_on(self._fresh(), msg, before_data)

    async def _send_on(self, client: _StagedSMTP, msg: EmailMessage, before_data) -> SendResult:
        client.before_data, client.data_started = before_data, False
        try:
            if not client.is_connected:
                await client.connect()
            result = await _send_classified(client.send_message(msg), msg)
        except (PermanentSendError, aiosmtplib.SMTPResponseException):
            client.close()  # the server answered: nothing was taken
            raise
        except BaseException as exc:
            client.close()  # mid-transaction state unknown: never reuse it
            if client.data_started and not isinstance(exc, asyncio.CancelledError):
                raise UncertainDelivery(str(exc) or type(exc).__name__) from exc
            raise
        self._give_back(client)
        return result

    def _take(self) -> tuple[_StagedSMTP, bool]:
        now = time.monotonic()
        while self._idle:
            client, since = self._idle.pop()
            if client.is_connected and now - since < self.idle_seconds:
                return client, True
            client.close()
        return self._fresh(), False

    def _fresh(self) -> _StagedSMTP:
        return _StagedSMTP(**self._options)

    def _give_back(self, client: _StagedSMTP) -> None:
        if len(self._idle) < self.size and client.is_connected:
            self._idle.append((client, time.monotonic()))
        else:
            client.close()

    def close(self) -> None:
        while self._idle:
            self._idle.pop()[0].close()


async def _send_classified(sending, msg: EmailMessage) -> SendResult:
    """Await an SMTP send; a 5xx refusal becomes ``PermanentSendError``."""
    try:
        refused, response = await sending
    except aiosmtplib.SMTPRecipientsRefused as exc:
        _raise_if_permanent_recipients(exc)
        raise
    except (aiosmtplib.SMTPSenderRefused, aiosmtplib.SMTPDataError) as exc:
        if 500 <= exc.code < 600:
            raise PermanentSendError(exc.code, exc.message) from exc
        raise
    message_id = (msg.get("Message-ID") or "").strip().strip("<>") or None
    refused_text = {addr: f"{err.code} {err.message}" for addr, err in refused.items()}
    return SendResult(message_id=message_id, response=response, refused=refused_text)


def _raise_if_permanent_recipients(exc: aiosmtplib.SMTPRecipientsRefused) -> None:
    """All recipients were refused; permanent only when every refusal is a 5xx."""
    refusals = list(exc.recipients)
    if refusals and all(500 <= r.code < 600 for r in refusals):
        first = refusals[0]
        raise PermanentSendError(
            first.code, first.message, [r.recipient for r in refusals]
        ) from exc
