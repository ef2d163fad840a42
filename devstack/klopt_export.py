"""A generated export of Klopt (format: channels/klopt/FORMAT.md), written row by
row: the example export (devstack/fixtures/klopt_example/) and the bench's export of
a million contacts come from here."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

PRODUCTS = {"KL-BIG": "BIG", "KL-UZI": "UZI", "KL-DONOR": "DONOR"}
REASONS = {"INFO": "informatie", "STATUS": "status_aanvraag", "KLACHT": "klacht"}
LINES = {"KCC": 1, "BO": 2, "SPEC": 3}
CHANNELS = {"mail": "email", "telefoon": "phone", "balie": "counter", "brief": "letter"}
USERS = {"anna": "agent", "bram": "agent2", "frank": "admin"}
FIRST_NAMES = ("Anne", "Bas", "Carla", "Daan", "Eva", "Femke", "Gijs", "Hanna", "Ivo", "Joost")
LAST_NAMES = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder")


def bsn_for(n: int) -> str:
    """A 9-digit number that passes the BSN 11-check, one per n."""
    base = 10_000_000 + n * 7 % 89_999_999
    while True:
        digits = f"{base:08d}"[:8]
        total = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10 and total - last != 0:
            return digits + str(last)
        base += 1


def mapping() -> dict:
    return {
        "products": PRODUCTS,
        "reasons": REASONS,
        "lines": LINES,
        "channels": CHANNELS,
        "users": USERS,
        "import_user": "admin",
    }


def write_export(
    folder: Path,
    contacts: int,
    messages_per_contact: int = 3,
    customers: int | None = None,
    open_share: float = 0.0,
    attachments_every: int = 0,
    notes_every: int = 0,
    seed: int = 7,
) -> None:
    """Write ``contacts`` contacts (and their customers, messages, notes, attachments)
    to ``folder``; ``open_share`` of them open, the rest closed."""
    rnd = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mapping.json").write_text(json.dumps(mapping(), indent=2) + "\n")
    customers = customers if customers is not None else max(1, contacts // 3)
    start = datetime(2019, 1, 1, 9, tzinfo=UTC)
    with (folder / "customers.jsonl").open("w", encoding="utf-8") as f:
        for n in range(1, customers + 1):
            name = f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}"
            row = {"id": f"K{n}", "kind": "person", "name": name, "bsn": bsn_for(n)}
            row["email"] = f"klant{n}@example.nl"
            if n % 4 == 0:
                row["phone"] = f"06{20000000 + n:08d}"[:10]
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    files = folder / "files"
    if attachments_every:
        files.mkdir(exist_ok=True)
    with (
        (folder / "contacts.jsonl").open("w", encoding="utf-8") as fc,
        (folder / "messages.jsonl").open("w", encoding="utf-8") as fm,
        (folder / "notes.jsonl").open("w", encoding="utf-8") as fn,
        (folder / "attachments.jsonl").open("w", encoding="utf-8") as fa,
    ):
        for n in range(1, contacts + 1):
            opened = start + timedelta(minutes=37 * n)
            is_open = rnd.random() < open_share
            contact = {
                "id": f"C{n}",
                "customer": f"K{rnd.randint(1, customers)}",
                "product": rnd.choice(list(PRODUCTS)),
                "reason": rnd.choice(list(REASONS)),
                "line": "BO" if n % 7 == 0 else "KCC",
                "channel": rnd.choice(list(CHANNELS)),
                "status": "open" if is_open else "closed",
                "opened": opened.isoformat(),
                "closed": None if is_open else (opened + timedelta(days=2)).isoformat(),
                "subject": f"Vraag over mijn registratie {n}",
            }
            fc.write(json.dumps(contact, ensure_ascii=False) + "\n")
            for i in range(messages_per_contact):
                inbound = i % 2 == 0
                message = {
                    "id": f"M{n}-{i}",
                    "contact": f"C{n}",
                    "direction": "in" if inbound else "out",
                    "from": "klant@example.nl" if inbound else "kcc@pulse.test",
                    "to": "kcc@pulse.test" if inbound else "klant@example.nl",
                    "date": (opened + timedelta(hours=i)).isoformat(),
                    "subject": contact["subject"],
                    "body": f"Bericht {i + 1} over contact {n}: wanneer is mijn aanvraag klaar?",
                }
                fm.write(json.dumps(message, ensure_ascii=False) + "\n")
            if notes_every and n % notes_every == 0:
                note = {
                    "id": f"N{n}",
                    "contact": f"C{n}",
                    "author": rnd.choice(list(USERS)),
                    "date": (opened + timedelta(hours=1)).isoformat(),
                    "body": "Klant gebeld, terugbellen na controle.",
                }
                fn.write(json.dumps(note, ensure_ascii=False) + "\n")
            if attachments_every and messages_per_contact and n % attachments_every == 0:
                name = f"bijlage-{n}.txt"
                (files / name).write_text(f"Bijlage bij contact {n}\n", encoding="utf-8")
                row = {
                    "id": f"A{n}",
                    "message": f"M{n}-0",
                    "file_name": name,
                    "path": f"files/{name}",
                    "content_type": "text/plain",
                }
                fa.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "devstack/fixtures/klopt_example")
    write_export(target, 30, customers=12, open_share=0.2, attachments_every=5, notes_every=3)
