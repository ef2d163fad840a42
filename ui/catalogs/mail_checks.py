"""UI strings of the checks an agent makes on a mail thread: a mail that only
mentioned another contact, a new sender's address, a reply that bounced."""

NL: dict[str, str] = {
    "mail_checks.title": "Controleer deze mail",
    "mail_checks.mentions": "Deze mail noemt kenmerk {reference}, maar komt niet van een "
    "bekend adres van die klant en is geen antwoord op onze mail. Hij is daarom niet aan "
    "dat contact toegevoegd:",
    "mail_checks.join": "Toevoegen aan {reference}",
    "mail_checks.new_address": "De laatste mail komt van een nieuw adres: {address}. "
    "Antwoorden gaan naar {reply_to} tot u het nieuwe adres bevestigt.",
    "mail_checks.confirm": "Antwoorden naar {address}",
    "mail_checks.undelivered": "Een antwoord is niet bezorgd: de mailserver van de klant "
    "stuurde het terug.",
    "event.machine_mail": "Automatisch antwoord ontvangen (bijvoorbeeld afwezigheid)",
    "event.reply_undelivered": "Antwoord niet bezorgd (teruggestuurd door de mailserver)",
    "event.joined": "Door {actor} toegevoegd aan het genoemde contact",
}

EN: dict[str, str] = {
    "mail_checks.title": "Check this mail",
    "mail_checks.mentions": "This mail names reference {reference}, but it does not come "
    "from a known address of that customer and does not answer our mail. So it was not "
    "added to that contact:",
    "mail_checks.join": "Add to {reference}",
    "mail_checks.new_address": "The last mail comes from a new address: {address}. "
    "Replies go to {reply_to} until you confirm the new address.",
    "mail_checks.confirm": "Reply to {address}",
    "mail_checks.undelivered": "A reply was not delivered: the customer's mail server returned it.",
    "event.machine_mail": "Automatic reply received (out of office, for example)",
    "event.reply_undelivered": "Reply not delivered (returned by the mail server)",
    "event.joined": "Added to the mentioned contact by {actor}",
}
