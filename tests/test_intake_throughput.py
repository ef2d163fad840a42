"""The intake path's throughput measures keep their guarantees: pooled SMTP
sessions (adapters.mail.compose.SmtpPool) deliver every mail, keep 5xx permanent and
4xx retryable, and never reuse a session after an error."""

from __future__ import annotations

import aiosmtplib
import pytest

from adapters.mail.compose import PermanentSendError, SmtpPool, compose_message
from devstack.mail_sandbox import SmtpSink


def mail(to: str = "burger@example.org", n: int = 0):
    return compose_message(
        from_address="big@cibg.nl",
        from_name="BIG-register",
        to=to,
        subject=f"Ontvangstbevestiging {n}",
        text_body="Wij hebben uw bericht ontvangen.",
        domain="pulse.test",
        reference="KCC-2026-000123",
        auto_reply=True,
    )


def pool_for(sink: SmtpSink, **kw) -> SmtpPool:
    return SmtpPool(host=sink.host, port=sink.port, timeout=10, **kw)


async def test_pool_reuses_one_session_for_consecutive_mails(smtp_sink: SmtpSink) -> None:
    pool = pool_for(smtp_sink)
    try:
        first = None
        for n in range(3):
            await pool.send(mail(n=n))
            [(client, _)] = pool._idle  # one open session, back in the pool
            first = first or client
            assert client is first
        sent = await smtp_sink.wait_for(3, timeout=5)
        assert [m.rcpt_tos for m in sent] == [["burger@example.org"]] * 3
    finally:
        pool.close()


async def test_pool_keeps_refusals_permanent_and_drops_the_session(smtp_sink: SmtpSink) -> None:
    pool = pool_for(smtp_sink)
    try:
        await pool.send(mail())
        smtp_sink.reject_recipient("weg@example.org")
        with pytest.raises(PermanentSendError) as caught:
            await pool.send(mail(to="weg@example.org"))
        assert caught.value.code == 550
        assert pool._idle == []  # a session that saw an error is not reused
        await pool.send(mail(n=2))  # a new session works
        assert len(smtp_sink.messages) == 2
    finally:
        pool.close()


async def test_pool_temporary_failure_stays_retryable(smtp_sink: SmtpSink) -> None:
    pool = pool_for(smtp_sink)
    try:
        smtp_sink.set_failing(True)
        with pytest.raises(aiosmtplib.SMTPResponseException) as caught:
            await pool.send(mail())
        assert caught.value.code == 451
        assert not isinstance(caught.value, PermanentSendError)
        smtp_sink.set_failing(False)
        await pool.send(mail())
        assert len(smtp_sink.messages) == 1
    finally:
        pool.close()


async def test_pool_replaces_a_session_the_server_closed(smtp_sink: SmtpSink) -> None:
    pool = pool_for(smtp_sink)
    try:
        await pool.send(mail())
        [(client, _)] = pool._idle
        await client.quit()  # as a server does with an idle session
        await pool.send(mail(n=1))
        assert len(smtp_sink.messages) == 2
    finally:
        pool.close()


async def test_pool_forgets_sessions_idle_too_long(smtp_sink: SmtpSink) -> None:
    pool = pool_for(smtp_sink, idle_seconds=0)
    try:
        await pool.send(mail())
        [(old, _)] = pool._idle
        await pool.send(mail(n=1))
        [(new, _)] = pool._idle
        assert new is not old and not old.is_connected
        assert len(smtp_sink.messages) == 2
    finally:
        pool.close()
