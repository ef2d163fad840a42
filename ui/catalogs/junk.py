"""UI strings of the junk view: spam held apart from the queues, per product."""

NL: dict[str, str] = {
    "junk.nav": "Ongewenste mail",
    "junk.title": "Ongewenste mail",
    "junk.back": "Terug naar Werkverdeling",
    "junk.intro": "Mail die de mailserver of PULSE als spam herkende. Deze mail is geen werk "
    "in de wachtrij. Laat een bericht door als het toch echte mail is; het wordt dan een "
    "gewoon contact. Verwijderen wist het bericht.",
    "junk.counts": "Aantallen per product",
    "junk.list": "Wacht op een besluit",
    "junk.product": "Product",
    "junk.waiting": "Wacht",
    "junk.released": "Doorgelaten",
    "junk.deleted": "Verwijderd",
    "junk.received": "Ontvangen",
    "junk.from": "Afzender",
    "junk.subject": "Onderwerp",
    "junk.reason": "Reden",
    "junk.actions": "Acties",
    "junk.release": "Doorlaten",
    "junk.delete": "Verwijderen",
    "junk.empty": "Er wacht geen ongewenste mail.",
    "junk.result.released": "Het bericht is doorgelaten en staat nu in de wachtrij.",
    "junk.result.deleted": "Het bericht is verwijderd.",
}

EN: dict[str, str] = {
    "junk.nav": "Junk mail",
    "junk.title": "Junk mail",
    "junk.back": "Back to Work distribution",
    "junk.intro": "Mail the mail server or PULSE recognised as spam. It is not work in the "
    "queue. Release a message if it is real mail after all; it then becomes an ordinary "
    "contact. Deleting erases the message.",
    "junk.counts": "Counts per product",
    "junk.list": "Awaiting a decision",
    "junk.product": "Product",
    "junk.waiting": "Waiting",
    "junk.released": "Released",
    "junk.deleted": "Deleted",
    "junk.received": "Received",
    "junk.from": "Sender",
    "junk.subject": "Subject",
    "junk.reason": "Reason",
    "junk.actions": "Actions",
    "junk.release": "Release",
    "junk.delete": "Delete",
    "junk.empty": "No junk mail is waiting.",
    "junk.result.released": "The message was released and is now in the queue.",
    "junk.result.deleted": "The message was deleted.",
}
