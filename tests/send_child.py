"""A process that runs one ``send_message`` attempt, for tests that kill it at a
chosen moment of the SMTP conversation (tests/test_send_once.py)::

    python -m tests.send_child DATABASE_URL SMTP_PORT MESSAGE_ID
"""

from __future__ import annotations

import asyncio
import sys

from temporalio.testing import ActivityEnvironment

from activities.contacts import ContactActivities
from config.settings import load_settings
from contracts.contact import SendMessageInput
from db.session import make_engine, make_sessionmaker


async def main(database_url: str, smtp_port: int, message_id: int) -> None:
    settings = load_settings(environment="test", database_url=database_url, smtp_port=smtp_port)
    engine = make_engine(settings)
    acts = ContactActivities(make_sessionmaker(engine), settings)
    result = await ActivityEnvironment().run(acts.send_message, SendMessageInput(message_id))
    print(result.status, flush=True)
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
