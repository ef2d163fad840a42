"""``make run``'s first start: a morning's customer mail waiting in the product
mailboxes, so a new user logs in to an inbox with work in it.

The mails go into the IMAP sandbox before the intake starts and come in the way
every mail does (intake -> contact workflow -> acknowledgement -> inbox task), from
the demo customers where there is one (their klantbeeld shows the history). Once
per data folder: a marker file keeps a restart from delivering them again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from adapters.mail.imap_admin import append_messages
from api.routes.dev.mail import build_customer_email
from config.settings import Settings
from devstack.demo.constants import DEMO_MAIL_DOMAIN

MARKER = "demo-mails-delivered"


@dataclass(frozen=True)
class DemoMail:
    mailbox: str
    sender: str
    subject: str
    body: str


DEMO_MAILS = (
    DemoMail(
        "big",
        "f.elamrani@example.nl",
        "Herregistratie: welke uren tellen mee?",
        "Goedemorgen,\n\nIk werk deels als verpleegkundige en deels in het onderwijs. "
        "Tellen de uren in het onderwijs mee voor mijn herregistratie?\n\n"
        "Met vriendelijke groet,\nFatima el Amrani",
    ),
    DemoMail(
        "big",
        "j.janssen@example.org",
        "Adreswijziging nog niet verwerkt",
        "Beste mensen,\n\nGisteren heb ik mijn nieuwe adres doorgegeven, maar in het "
        "register staat nog mijn oude adres. Kunt u dat nakijken?\n\nJan Janssen",
    ),
    DemoMail(
        "big",
        "m.bakker@example.nl",
        "Aanvraag inschrijving met buitenlands diploma",
        "Hallo,\n\nIk heb mijn diploma in België gehaald. Wat moet ik opsturen om in "
        "het BIG-register te komen?\n\nMarieke Bakker",
    ),
    DemoMail(
        "uzi",
        "balie@delinde.example.nl",
        "UZI-pas wordt niet herkend door kaartlezer",
        "Goedemiddag,\n\nSinds vanochtend herkent onze kaartlezer de UZI-pas van de "
        "praktijkondersteuner niet meer. Andere passen werken wel.\n\n"
        "Huisartsenpraktijk De Linde",
    ),
    DemoMail(
        "uzi",
        "f.elamrani@example.nl",
        "Pincode UZI-pas vergeten",
        "Beste,\n\nIk ben de pincode van mijn UZI-pas vergeten. Hoe vraag ik een nieuwe "
        "aan?\n\nFatima el Amrani",
    ),
    DemoMail(
        "donor",
        "pdevries@example.nl",
        "Bevestiging keuze Donorregister",
        "Geachte heer/mevrouw,\n\nIk heb vorige week mijn keuze gewijzigd maar nog geen "
        "bevestiging ontvangen. Is de wijziging goed doorgekomen?\n\nPieter de Vries",
    ),
    DemoMail(
        "farmatec",
        "info@apotheek-centrum.example.nl",
        "Vraag over vergunning geneesmiddelen",
        "Goedendag,\n\nWij willen weten hoe lang de behandeling van een aanvraag voor "
        "een groothandelsvergunning duurt.\n\nApotheek Centrum",
    ),
)


async def deliver_demo_mails(
    settings: Settings, data_dir: Path, mails: Sequence[DemoMail] = DEMO_MAILS
) -> int:
    """Put the demo mails in their mailboxes, once; returns how many went in."""
    marker = data_dir / MARKER
    if marker.exists():
        return 0
    delivered = 0
    for mailbox in dict.fromkeys(m.mailbox for m in mails):
        product = _AsProduct(f"{mailbox}@{DEMO_MAIL_DOMAIN}")
        raws = [
            build_customer_email(product, m.sender, m.subject, m.body, None)
            for m in mails
            if m.mailbox == mailbox
        ]
        await append_messages(
            settings.imap_host,
            settings.imap_port,
            settings.imap_user,
            settings.imap_password.get_secret_value(),
            mailbox,
            raws,
        )
        delivered += len(raws)
    marker.write_text(f"{delivered}\n")
    return delivered


@dataclass(frozen=True)
class _AsProduct:
    """What build_customer_email reads of a product: the address it writes to."""

    reply_from: str
