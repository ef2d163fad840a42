"""User-interface strings in Dutch (default) and English.

Templates call ``t("key")``; a missing English string falls back to Dutch, and a
missing key shows the key itself so it is noticed rather than hidden.
"""

from __future__ import annotations

from collections.abc import Callable

DEFAULT_LANGUAGE = "nl"
LANGUAGES = {"nl": "Nederlands", "en": "English"}

NL: dict[str, str] = {
    "home.ops.title": "Beheer (ops)",
    "home.ops.text": "Uw rol werkt in Temporal Web: daar ziet u de workflows van PULSE, "
    "met de versleutelde gegevens ontsleuteld via PULSE (alleen voor ops).",
    "home.ops.link": "Temporal Web openen",
    "app.name": "PULSE",
    "app.skip": "Naar de inhoud",
    "nav.inbox": "Inbox",
    "nav.users": "Gebruikers",
    "nav.products": "Producten",
    "nav.dev_send": "Mail als klant",
    "nav.dev_outbox": "Verzonden mail",
    "nav.logout": "Uitloggen",
    "nav.language": "Taal",
    "nav.main": "Hoofdmenu",
    "nav.help": "Sneltoetsen (?)",
    "login.title": "Inloggen",
    "login.username": "Gebruikersnaam",
    "login.password": "Wachtwoord",
    "login.submit": "Inloggen",
    "login.failed": "Inloggen mislukt. Controleer uw gegevens, of probeer het later opnieuw "
    "als uw account tijdelijk is geblokkeerd.",
    "login.no_mfa": "Voor dit account is geen tweede factor ingesteld. Neem contact op met "
    "de beheerder.",
    "login.expired": "Uw sessie is verlopen. Log opnieuw in.",
    "totp.title": "Verificatiecode",
    "totp.code": "Code uit uw authenticator-app (6 cijfers)",
    "totp.submit": "Bevestigen",
    "totp.failed": "De code is onjuist of verlopen.",
    "inbox.title": "Inbox",
    "inbox.filters": "Filters",
    "inbox.product": "Product",
    "inbox.status": "Status",
    "inbox.age": "Ouder dan",
    "inbox.mine": "Alleen mijn werk",
    "inbox.apply": "Toepassen",
    "inbox.all": "Alle",
    "inbox.active": "Openstaand",
    "inbox.reference": "Kenmerk",
    "inbox.subject": "Onderwerp",
    "inbox.customer": "Klant",
    "inbox.assignee": "Behandelaar",
    "inbox.due": "Uiterlijk",
    "inbox.age_col": "Leeftijd",
    "inbox.empty": "Geen werk gevonden.",
    "inbox.next": "Volgende",
    "inbox.prev": "Vorige",
    "inbox.updated": "Inbox bijgewerkt",
    "inbox.rows_new": "nieuw",
    "inbox.rows_changed": "gewijzigd",
    "inbox.rows_gone": "verdwenen",
    "inbox.unreadable": "onleesbaar",
    "inbox.overdue": "te laat",
    "age.any": "Elke leeftijd",
    "age.1d": "1 dag",
    "age.3d": "3 dagen",
    "age.7d": "7 dagen",
    "task.open": "Open",
    "task.claimed": "In behandeling",
    "task.done": "Afgerond",
    "contact.new": "Nieuw",
    "contact.open": "In behandeling",
    "contact.waiting": "Wacht op klant",
    "contact.closed": "Gesloten",
    "contact.unreadable": "Dit bericht kon niet worden gelezen. Download het originele bericht "
    "(.eml) om het te bekijken.",
    "contact.thread": "Berichten",
    "contact.details": "Gegevens",
    "contact.history": "Historie",
    "contact.notes": "Interne notities",
    "contact.actions": "Acties",
    "contact.claim": "Oppakken",
    "contact.release": "Vrijgeven",
    "contact.reply": "Antwoorden",
    "contact.reply_text": "Antwoord aan de klant",
    "contact.attachments": "Bijlagen",
    "contact.add_attachments": "Bijlagen toevoegen",
    "contact.send": "Versturen",
    "contact.note": "Notitie",
    "contact.note_text": "Interne notitie (niet zichtbaar voor de klant)",
    "contact.add_note": "Notitie opslaan",
    "contact.close": "Afsluiten",
    "contact.close_reason": "Reden van contact",
    "contact.assign": "Toewijzen",
    "contact.assign_to": "Toewijzen aan",
    "contact.raw": "Origineel bericht (.eml)",
    "contact.html_version": "Opgemaakte versie tonen",
    "contact.register": "Openen in register",
    "contact.changed": "Dit contact is bijgewerkt",
    "contact.jump_newest": "Naar nieuwste bericht",
    "contact.not_holder_anymore": "U behandelt dit contact niet meer; versturen wordt "
    "geweigerd. Uw tekst blijft hier staan.",
    "contact.no_messages": "Nog geen berichten.",
    "contact.no_notes": "Nog geen notities.",
    "contact.from": "Van",
    "contact.to": "Aan",
    "contact.in": "Ontvangen",
    "contact.out": "Verzonden",
    "contact.too_large": "te groot, niet bewaard",
    "send.received": "ontvangen",
    "send.draft": "concept",
    "send.sending": "wordt verzonden…",
    "send.sent": "verzonden",
    "send.failed": "verzenden mislukt",
    "action.done": "Gelukt.",
    "action.refused": "Niet gelukt",
    "help.title": "Sneltoetsen",
    "help.jk": "volgende / vorige regel in de inbox",
    "help.enter": "contact openen",
    "help.c": "contact oppakken",
    "help.r": "antwoord schrijven",
    "help.n": "notitie schrijven",
    "help.G": "naar het nieuwste bericht",
    "help.help": "deze hulp tonen of sluiten",
    "help.close": "Sluiten",
    "dev.send_title": "Mail sturen als klant",
    "dev.from": "Van (adres klant)",
    "dev.subject": "Onderwerp",
    "dev.body": "Bericht",
    "dev.attachment": "Bijlage (optioneel)",
    "dev.send": "In de mailbox zetten",
    "dev.sent": "Bericht is in de mailbox gezet.",
    "dev.unavailable": "Deze functie is nog niet beschikbaar",
    "dev.outbox_title": "Verzonden door PULSE (sandbox)",
    "dev.date": "Datum",
    "admin.users": "Gebruikers",
    "admin.products": "Producten",
    "admin.role": "Rol",
    "admin.products_of": "Producten",
    "admin.active": "Actief",
    "admin.name": "Naam",
    "admin.code": "Code",
    "admin.mailbox": "Mailbox",
    "admin.reply_from": "Afzender",
    "error.title": "Er ging iets mis",
    "error.404": "Niet gevonden.",
    "error.403": "U heeft geen toegang tot deze functie.",
    # Refusals of the contact workflow, by the ApplicationError ``type`` (REFUSAL_TYPES).
    "refusal.ContactClosed": "Dit contact is afgesloten.",
    "refusal.AlreadyClaimed": "Een collega heeft dit contact al opgepakt.",
    "refusal.NotHolder": "Pak dit contact eerst op: alleen de behandelaar mag dit doen.",
    "refusal.ContactNotActive": "Dit contact is niet meer actief in de workflow.",
    # History, by event kind (EVENT_KINDS); {actor} is who did it, {target} the assignee.
    "event.received": "Binnengekomen",
    "event.claimed": "Opgepakt door {actor}",
    "event.released": "Vrijgegeven door {actor}",
    "event.assigned": "Toegewezen aan {target} door {actor}",
    "event.replied": "Beantwoord door {actor}",
    "event.customer_wrote": "Klant schreef opnieuw",
    "event.customer_replied": "Klant reageerde op het antwoord",
    "event.reopened": "Heropend door een nieuw bericht van de klant",
    "event.closed": "Afgesloten door {actor}",
    "event.message_sent": "Bericht verzonden",
    "event.message_failed": "Verzenden van bericht mislukt",
    "event.note": "Notitie toegevoegd door {actor}",
    "time.today": "vandaag",
    "time.yesterday": "gisteren",
    "time.months": "jan feb mrt apr mei jun jul aug sep okt nov dec",
    "yes": "ja",
    "no": "nee",
}

EN: dict[str, str] = {
    "home.ops.title": "Operations",
    "home.ops.text": "Your role works in Temporal Web: it shows PULSE's workflows, with "
    "their encrypted data decoded through PULSE (for ops only).",
    "home.ops.link": "Open Temporal Web",
    "app.skip": "Skip to content",
    "nav.users": "Users",
    "nav.products": "Products",
    "nav.dev_send": "Mail as customer",
    "nav.dev_outbox": "Sent mail",
    "nav.logout": "Log out",
    "nav.language": "Language",
    "nav.main": "Main menu",
    "nav.help": "Shortcuts (?)",
    "login.title": "Log in",
    "login.username": "Username",
    "login.password": "Password",
    "login.submit": "Log in",
    "login.failed": "Login failed. Check your details, or try again later if your account "
    "is temporarily locked.",
    "login.no_mfa": "No second factor is set up for this account. Contact the administrator.",
    "login.expired": "Your session has expired. Please log in again.",
    "totp.title": "Verification code",
    "totp.code": "Code from your authenticator app (6 digits)",
    "totp.submit": "Confirm",
    "totp.failed": "The code is wrong or expired.",
    "inbox.filters": "Filters",
    "inbox.age": "Older than",
    "inbox.mine": "Only my work",
    "inbox.apply": "Apply",
    "inbox.all": "All",
    "inbox.active": "Outstanding",
    "inbox.reference": "Reference",
    "inbox.subject": "Subject",
    "inbox.customer": "Customer",
    "inbox.assignee": "Assignee",
    "inbox.due": "Due",
    "inbox.age_col": "Age",
    "inbox.empty": "No work found.",
    "inbox.next": "Next",
    "inbox.prev": "Previous",
    "inbox.updated": "Inbox updated",
    "inbox.rows_new": "new",
    "inbox.rows_changed": "changed",
    "inbox.rows_gone": "removed",
    "inbox.unreadable": "unreadable",
    "inbox.overdue": "overdue",
    "age.any": "Any age",
    "age.1d": "1 day",
    "age.3d": "3 days",
    "age.7d": "7 days",
    "task.open": "Open",
    "task.claimed": "In progress",
    "task.done": "Done",
    "contact.new": "New",
    "contact.open": "In progress",
    "contact.waiting": "Waiting for customer",
    "contact.closed": "Closed",
    "contact.unreadable": "This message could not be read. Download the original message "
    "(.eml) to view it.",
    "contact.thread": "Messages",
    "contact.details": "Details",
    "contact.history": "History",
    "contact.notes": "Internal notes",
    "contact.actions": "Actions",
    "contact.claim": "Claim",
    "contact.release": "Release",
    "contact.reply": "Reply",
    "contact.reply_text": "Reply to the customer",
    "contact.attachments": "Attachments",
    "contact.add_attachments": "Add attachments",
    "contact.send": "Send",
    "contact.note": "Note",
    "contact.note_text": "Internal note (not visible to the customer)",
    "contact.add_note": "Save note",
    "contact.close": "Close",
    "contact.close_reason": "Contact reason",
    "contact.assign": "Assign",
    "contact.assign_to": "Assign to",
    "contact.raw": "Original message (.eml)",
    "contact.html_version": "Show formatted version",
    "contact.register": "Open in register",
    "contact.changed": "This contact was updated",
    "contact.jump_newest": "Jump to newest message",
    "contact.not_holder_anymore": "You no longer hold this contact; sending will be "
    "refused. Your text stays here.",
    "contact.no_messages": "No messages yet.",
    "contact.no_notes": "No notes yet.",
    "contact.from": "From",
    "contact.to": "To",
    "contact.in": "Received",
    "contact.out": "Sent",
    "contact.too_large": "too large, not kept",
    "send.received": "received",
    "send.draft": "draft",
    "send.sending": "sending…",
    "send.sent": "sent",
    "send.failed": "sending failed",
    "action.done": "Done.",
    "action.refused": "Not done",
    "help.title": "Keyboard shortcuts",
    "help.jk": "next / previous row in the inbox",
    "help.enter": "open contact",
    "help.c": "claim contact",
    "help.r": "write a reply",
    "help.n": "write a note",
    "help.G": "jump to the newest message",
    "help.help": "show or hide this help",
    "help.close": "Close",
    "dev.send_title": "Send mail as a customer",
    "dev.from": "From (customer address)",
    "dev.subject": "Subject",
    "dev.body": "Message",
    "dev.attachment": "Attachment (optional)",
    "dev.send": "Put in the mailbox",
    "dev.sent": "The message was put in the mailbox.",
    "dev.unavailable": "This function is not available yet",
    "dev.outbox_title": "Sent by PULSE (sandbox)",
    "dev.date": "Date",
    "admin.users": "Users",
    "admin.products": "Products",
    "admin.role": "Role",
    "admin.products_of": "Products",
    "admin.active": "Active",
    "admin.name": "Name",
    "admin.mailbox": "Mailbox",
    "admin.reply_from": "Sender",
    "error.title": "Something went wrong",
    "error.404": "Not found.",
    "error.403": "You do not have access to this function.",
    "refusal.ContactClosed": "This contact is closed.",
    "refusal.AlreadyClaimed": "A colleague has already claimed this contact.",
    "refusal.NotHolder": "Claim this contact first: only its holder may do this.",
    "refusal.ContactNotActive": "This contact is no longer active in the workflow.",
    "event.received": "Received",
    "event.claimed": "Claimed by {actor}",
    "event.released": "Released by {actor}",
    "event.assigned": "Assigned to {target} by {actor}",
    "event.replied": "Replied by {actor}",
    "event.customer_wrote": "Customer wrote again",
    "event.customer_replied": "Customer responded to the reply",
    "event.reopened": "Reopened by a new customer message",
    "event.closed": "Closed by {actor}",
    "event.message_sent": "Message sent",
    "event.message_failed": "Message could not be sent",
    "event.note": "Note added by {actor}",
    "time.today": "today",
    "time.yesterday": "yesterday",
    "time.months": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    "yes": "yes",
    "no": "no",
}


def _merge_area_catalogs() -> None:
    """Each feature area keeps its strings in ui/catalogs/<area>.py (NL and EN dicts)."""
    import importlib
    import pkgutil

    import ui.catalogs as catalogs

    for info in sorted(pkgutil.iter_modules(catalogs.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"ui.catalogs.{info.name}")
        for table, extra in ((NL, module.NL), (EN, module.EN)):
            clash = table.keys() & extra.keys()
            if clash:
                raise RuntimeError(f"ui/catalogs/{info.name}.py redefines {sorted(clash)}")
            table.update(extra)


_merge_area_catalogs()
STRINGS = {"nl": NL, "en": EN}

# The ApplicationError ``type``s the contact workflow's Update validators raise, plus
# the API's own (the workflow is gone). Unknown types show the workflow's message.
REFUSAL_TYPES = ("ContactClosed", "AlreadyClaimed", "NotHolder", "ContactNotActive")

# What workflows.contact (update_projection), activities.contacts and the API write
# as ContactEvent.kind. Unknown kinds show the code itself.
EVENT_KINDS = (
    "received", "claimed", "released", "assigned", "replied", "customer_wrote",
    "customer_replied", "reopened", "closed", "message_sent", "message_failed", "note",
    "auto_assigned",  # labels in ui/catalogs/work.py
)  # fmt: skip

MISSING_NAME = "—"


def normalize_language(code: str | None) -> str:
    code = (code or "").lower()[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def lookup(language: str | None, key: str) -> str | None:
    """The string for ``key`` (English falls back to Dutch), or None if there is none."""
    return STRINGS[normalize_language(language)].get(key) or NL.get(key)


def translator(language: str | None) -> Callable[[str], str]:
    table = STRINGS[normalize_language(language)]

    def t(key: str) -> str:
        return table.get(key) or NL.get(key) or key

    return t


def refusal_text(language: str | None, code: str | None, message: str) -> str:
    """A workflow refusal for a person: translated by its type, else the raw message."""
    return (code and lookup(language, f"refusal.{code}")) or message


class _Names(dict):
    def __missing__(self, key: str) -> str:
        return MISSING_NAME


def event_label(
    language: str | None, kind: str, actor: str | None = None, target: str | None = None
) -> str:
    """One history line ("Opgepakt door Anna Agent"); an unknown kind shows its code."""
    text = lookup(language, f"event.{kind}")
    if text is None:
        return f"{kind} ({actor})" if actor else kind
    return text.format_map(_Names(actor=actor or MISSING_NAME, target=target or MISSING_NAME))
