"""One outbound mail is delivered at most once, and exactly once unless SMTP itself
leaves the outcome unknown.

SMTP has no idempotency: a client that loses the connection after sending DATA's
final dot cannot tell whether the server took the message (RFC 1047). Mail servers
relay at-least-once and accept a rare duplicate; a helpdesk writing to customers
should not, so PULSE makes the uncertain moment as short as it can and, inside it,
chooses at most once and tells a person:

1. Claim: a session-level advisory lock on one pooled connection, held for the whole
   attempt. PostgreSQL drops it when the holder's connection dies, so a retry that
   gets the lock knows no other attempt is alive -- no guessing by timeouts.
2. Right before DATA (after MAIL and RCPT were accepted) the row is marked
   ``delivery_stage = 'data'`` and committed: the per-message delivery journal. A
   crash before that point delivered nothing, and a retry sends.
3. After the server's 250 the outcome is recorded ("sent", with the server's answer,
   which carries its queue id) in a step that is retried and never sends again: on
   the held connection first, then on fresh ones with back-off; meanwhile the
   process remembers the acceptance, so its own next attempt only records.
4. A retry that finds ``delivery_stage = 'data'`` and no live attempt knows one died
   between DATA and recording (a kill, a crash of the worker's host): it marks the
   message ``uncertain`` with a history line, and does not send. The same when the
   connection breaks inside DATA. The message's badge and the contact's history say
   so; a person checks (with the customer, or in the mail server's log by the
   Message-ID the row keeps) whether it arrived.

Definite answers stay exact: a 4xx (or a refused connection) clears the stage and
Temporal retries; a 5xx marks the message failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

log = logging.getLogger(__name__)

LOCK_ATTEMPT = text("SELECT pg_try_advisory_lock(hashtext(:k))")
UNLOCK_ATTEMPT = text("SELECT pg_advisory_unlock(hashtext(:k))")
DATA_STAGE = "data"
MARK_DATA = text(
    """
    UPDATE messages SET send_status = 'sending',
      delivery_stage = 'data', delivery_started_at = now(),
      message_id_header = COALESCE(message_id_header, :message_id_header)
    WHERE id = :id
    """
)
CLEAR_STAGE = text(
    """
    UPDATE messages SET delivery_stage = NULL, send_error = :error,
      send_attempts = send_attempts + 1
    WHERE id = :id AND send_status = 'sending'
    """
)
RECORD_SECONDS = 60.0  # recording an accepted send is retried this long in one attempt
RECORD_FIRST_DELAY, RECORD_MAX_DELAY = 0.2, 5.0


def attempt_key(message_id: int) -> dict[str, str]:
    return {"k": f"send:{message_id}"}


async def try_claim(conn: AsyncConnection, message_id: int) -> bool:
    """The attempt's lock (survives the commits of this connection)."""
    claimed = bool(await conn.scalar(LOCK_ATTEMPT, attempt_key(message_id)))
    await conn.commit()
    return claimed


async def release(conn: AsyncConnection, message_id: int) -> None:
    """Give the lock back; a connection that cannot is closed, which drops it too."""
    try:
        await conn.rollback()
        await conn.scalar(UNLOCK_ATTEMPT, attempt_key(message_id))
        await conn.commit()
    except Exception:
        with contextlib.suppress(Exception):
            await conn.invalidate()


async def mark_data(conn: AsyncConnection, message_id: int, message_id_header: str) -> None:
    """The journal line before DATA, committed: from here a crash is "uncertain"."""
    await conn.execute(MARK_DATA, {"id": message_id, "message_id_header": message_id_header})
    await conn.commit()


async def clear_stage(conn: AsyncConnection, message_id: int, error: str) -> None:
    """The server answered with a temporary refusal (or never got DATA): nothing was
    delivered, the next attempt may send. Best effort: if this write fails the next
    attempt holds the message as uncertain, which never doubles it."""
    try:
        await conn.rollback()
        await conn.execute(CLEAR_STAGE, {"id": message_id, "error": error[:2000]})
        await conn.commit()
    except Exception as exc:
        log.warning("could not record the send error of message %s: %s", message_id, exc)


async def retried(record, what: str) -> None:
    """Run ``record()`` (an outcome write) until it succeeds or RECORD_SECONDS pass."""
    deadline, delay = time.monotonic() + RECORD_SECONDS, RECORD_FIRST_DELAY
    while True:
        try:
            await record()
            return
        except Exception as exc:
            if time.monotonic() + delay > deadline:
                raise
            log.warning("recording %s failed (%s); trying again", what, exc)
            await asyncio.sleep(delay)
            delay = min(delay * 2, RECORD_MAX_DELAY)
