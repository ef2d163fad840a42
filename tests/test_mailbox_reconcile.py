"""The intake's watchers follow the products table (channels/email/reconcile.py):
against the real IMAP server of the test stack, a product an admin adds gets a
watcher that reads its mailbox, and one made inactive has its watcher stopped,
without restarting the others."""

from __future__ import annotations

import uuid

from sqlmodel import select

from adapters.mail.imap_admin import create_mailboxes
from channels.email.reconcile import WatcherSet
from channels.email.watcher import MailboxWatcher
from db.models.contacts import Product, Role
from services.access import Viewer
from services.admin.products.catalog import ProductIn, create_product, update_product
from tests.mailservers import ImapServer, eventually
from tests.test_imap_intake import Recorder, mail

ADMIN = Viewer(
    id=None,
    username="admin",
    full_name="Admin",
    role=Role.admin,
    language="nl",
    is_demo=False,
    product_ids=(),
    csrf_token="",
)


def product(code: str, mailbox: str) -> ProductIn:
    return ProductIn(code=code, name=code, mailbox=mailbox, reply_from=f"{code.lower()}@cibg.nl")


async def test_new_mailbox_gets_a_watcher_and_inactive_one_is_stopped(db, imap_server: ImapServer):
    handler = Recorder()

    def make(mailbox: str) -> MailboxWatcher:
        return MailboxWatcher(
            host=imap_server.host,
            port=imap_server.port,
            user=imap_server.user,
            password=imap_server.password,
            mailbox=mailbox,
            processed_folder=imap_server.processed,
            handler=handler,
            idle_seconds=30,
            poll_seconds=0.2,
        )

    watchers = WatcherSet(db, make)
    second = f"in-{uuid.uuid4().hex[:8]}"
    await create_mailboxes(
        imap_server.host, imap_server.port, imap_server.user, imap_server.password, [second]
    )
    try:
        async with db() as s:
            first = await create_product(s, ADMIN, None, product("EERST", imap_server.mailbox))
        assert await watchers.reconcile() == ({imap_server.mailbox}, set())
        kept = watchers.watchers[imap_server.mailbox]

        async with db() as s:  # an admin adds a product while the intake runs
            await create_product(s, ADMIN, None, product("TWEEDE", second))
        assert await watchers.reconcile() == ({second}, set())
        assert watchers.watchers[imap_server.mailbox] is kept  # not restarted
        await imap_server.append(mail(1), second)
        # generous: the new watcher connects and logs in first, on a busy machine
        await eventually(lambda: _count(imap_server, second, 0), timeout=45)
        assert handler.calls and handler.calls[-1][1] == second

        async with db() as s:  # the first product is switched off
            await update_product(
                s, ADMIN, None, first.id, first.model_copy(update={"active": False})
            )
        assert await watchers.reconcile() == (set(), {imap_server.mailbox})
        await imap_server.append(mail(2))
        assert await watchers.reconcile() == (set(), set())
        assert set(watchers.watchers) == {second}
        async with db() as s:
            active = (await s.exec(select(Product.mailbox).where(Product.active))).all()
        assert active == [second]
    finally:
        await watchers.stop_all()
    assert await imap_server.count() == 1  # nobody read the inactive product's mailbox


async def _count(server: ImapServer, mailbox: str, want: int) -> bool:
    return await server.count(mailbox) == want
