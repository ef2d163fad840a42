"""``make run``'s first start puts a morning's customer mail in the product mailboxes
(devstack/demo/mails.py), once per data folder."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from pydantic import SecretStr

from adapters.mail.imap_admin import count_messages, create_mailboxes
from devstack.demo.mails import DEMO_MAILS, deliver_demo_mails


async def test_demo_mails_arrive_once(imap_server, settings, tmp_path):
    boxes = sorted({m.mailbox for m in DEMO_MAILS})
    s = imap_server
    # this test's own folders in the shared sandbox: the product mailbox names prefixed
    names = {box: f"{s.mailbox}-{box}" for box in boxes}
    await create_mailboxes(s.host, s.port, s.user, s.password, list(names.values()))
    cfg = settings.model_copy(
        update={
            "imap_host": s.host,
            "imap_port": s.port,
            "imap_user": s.user,
            "imap_password": SecretStr(s.password),
        }
    )
    mails = [replace(m, mailbox=names[m.mailbox]) for m in DEMO_MAILS]
    assert await deliver_demo_mails(cfg, tmp_path, mails) == len(mails)
    assert await deliver_demo_mails(cfg, tmp_path, mails) == 0  # a restart adds none
    expected = Counter(m.mailbox for m in mails)
    for box, n in expected.items():
        assert await count_messages(s.host, s.port, s.user, s.password, box) == n
    assert len(boxes) >= 4 and len(DEMO_MAILS) >= 6  # several products have work
