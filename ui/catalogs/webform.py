"""The public web form, its pages (confirmation, refusal) and its admin settings."""

NL = {
    "webform.org": "CIBG · Ministerie van Volksgezondheid, Welzijn en Sport",
    "webform.skip": "Naar het formulier",
    "webform.language_nav": "Taal",
    "webform.other_language": "English",
    "webform.title": "Contactformulier {product}",
    "webform.intro": (
        "Stel uw vraag aan het klantcontactcentrum. Velden met (verplicht) moeten ingevuld zijn."
    ),
    "webform.required": "(verplicht)",
    "webform.optional": "(niet verplicht)",
    "webform.field.reason": "Waar gaat uw vraag over?",
    "webform.field.reason_choose": "Kies een onderwerp",
    "webform.field.name": "Naam",
    "webform.field.email": "E-mailadres",
    "webform.hint.email": "Hierop ontvangt u de bevestiging en ons antwoord.",
    "webform.field.phone": "Telefoonnummer",
    "webform.field.role": "U bent",
    "webform.role.citizen": "Burger",
    "webform.role.professional": "Zorgprofessional",
    "webform.role.organisation": "Organisatie",
    "webform.field.identifier": "Registratienummer",
    "webform.field.identifier_kind": "Soort nummer",
    "webform.field.identifier_value": "Nummer",
    "webform.hint.identifier": (
        "Uw BIG-nummer (11 cijfers), UZI-nummer (9 cijfers) of KvK-nummer (8 cijfers). Vul "
        "nooit uw BSN in."
    ),
    "webform.kind.big": "BIG-nummer",
    "webform.kind.uzi": "UZI-nummer",
    "webform.kind.kvk": "KvK-nummer",
    "webform.field.message": "Uw vraag of bericht",
    "webform.hint.message": "Hoogstens {max} tekens.",
    "webform.field.attachments": "Bijlagen",
    "webform.hint.attachments": "Hoogstens {count} bestanden van elk hoogstens {size} MB: {types}.",
    "webform.field.privacy": "Ik heb de privacyverklaring gelezen",
    "webform.privacy_link": "Lees de privacyverklaring",
    "webform.privacy_heading": "Privacy",
    "webform.honeypot": "Laat dit veld leeg",
    "webform.noscript": (
        "JavaScript staat uit. U kunt het formulier gewoon versturen; een medewerker bekijkt "
        "uw bericht dan eerst voordat het wordt geregistreerd."
    ),
    "webform.submit": "Versturen",
    "webform.error_title": "Fout",
    "webform.errors_heading": "Er is iets niet goed ingevuld",
    "webform.error.required": "Vul dit veld in.",
    "webform.error.too_long": "Dit is te lang.",
    "webform.error.email": "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.",
    "webform.error.phone": "Vul een geldig telefoonnummer in, zoals 06 12345678.",
    "webform.error.choice": "Kies een van de mogelijkheden.",
    "webform.error.identifier_kind": "Kies de soort van het nummer.",
    "webform.error.identifier_length": "Dit nummer heeft niet het juiste aantal cijfers.",
    "webform.error.identifier_check": "Dit BIG-nummer bestaat niet: controleer de cijfers.",
    "webform.error.attachment_count": "U kunt minder bestanden meesturen.",
    "webform.error.attachment_size": "Een bestand is te groot.",
    "webform.error.attachment_type": (
        "Een bestand is niet van een toegestane soort (gekeken naar de inhoud, niet naar de naam)."
    ),
    "webform.error.privacy": "Bevestig dat u de privacyverklaring hebt gelezen.",
    "webform.error.files_again": "Kies uw bijlagen opnieuw: een browser bewaart ze niet.",
    "webform.received_title": "Uw bericht is ontvangen",
    "webform.received_reference": "Uw kenmerk is",
    "webform.received_mail": (
        "U ontvangt een bevestiging per e-mail. Antwoord op die e-mail als u iets wilt aanvullen."
    ),
    "webform.held_title": "Uw bericht is ontvangen",
    "webform.held_text": (
        "Een medewerker bekijkt uw bericht eerst. Daarna ontvangt u een bevestiging met uw "
        "kenmerk per e-mail."
    ),
    "webform.pending_text": (
        "Uw bericht is opgeslagen, maar nog niet verwerkt. Verstuur het formulier nog eens; "
        "het wordt niet dubbel geregistreerd."
    ),
    "webform.new_message": "Nog een bericht sturen",
    "webform.refused_title": "Uw bericht is niet verstuurd",
    "webform.refused_stored": "Er is niets van dit bericht bewaard.",
    "webform.refused.too_large": "Het bericht met bijlagen is te groot.",
    "webform.refused.malformed": "Het formulier kwam niet goed aan.",
    "webform.refused.honeypot": "Het formulier is op een manier ingevuld die wij niet aannemen.",
    "webform.refused.rate_ip": (
        "Er zijn te veel berichten vanaf uw netwerk verstuurd. Probeer het over een uur "
        "opnieuw of bel ons."
    ),
    "webform.refused.rate_email": (
        "Er zijn te veel berichten met dit e-mailadres verstuurd. Probeer het over een uur "
        "opnieuw of bel ons."
    ),
    "webform.refused.altcha": (
        "De controle tegen misbruik is mislukt. Laad het formulier opnieuw en probeer het nog eens."
    ),
    "webform.refused.closed": "Dit formulier is niet beschikbaar.",
    "webform.refused.rejected": "Een medewerker heeft dit bericht niet aangenomen.",
    "webform.refused.token": "Onbekende koppeling.",
    "webform.refused.invalid": "Het bericht voldoet niet aan de regels.",
    "webform.back": "Terug naar het formulier",
    "webform.admin.title": "Webformulieren",
    "webform.admin.product": "Product",
    "webform.admin.public_url": "Openbare adressen",
    "webform.admin.enabled": "Formulier staat aan",
    "webform.admin.field_mode": "Veld {field}",
    "webform.admin.mode.off": "niet tonen",
    "webform.admin.mode.optional": "niet verplicht",
    "webform.admin.mode.required": "verplicht",
    "webform.admin.reasons": "Onderwerpen (geen gekozen: alle actieve contactredenen)",
    "webform.admin.types": "Toegestane bijlagen",
    "webform.admin.max_mb": "Grootte per bijlage (MB)",
    "webform.admin.max_count": "Aantal bijlagen",
    "webform.admin.privacy_url": "Adres van de privacyverklaring",
    "webform.admin.privacy_nl": "Privacytekst (Nederlands)",
    "webform.admin.privacy_en": "Privacytekst (Engels)",
    "webform.admin.save": "Opslaan",
    "webform.admin.saved": "Opgeslagen.",
    "webform.admin.error.field_mode": "Kies voor elk veld of het getoond wordt.",
    "webform.admin.error.attachment_type": "Onbekende soort bijlage.",
    "webform.admin.error.attachment_size": "Kies een grootte van 1 tot 25 MB.",
    "webform.admin.error.attachment_count": "Kies 1 tot 10 bijlagen.",
    "webform.admin.error.privacy_url": "Het adres moet met https:// of / beginnen.",
    "webform.admin.error.reason": "Dat onderwerp hoort niet bij dit product.",
    "webform.admin.refusals": "Geweigerd (laatste 24 uur)",
    "webform.admin.refusals_none": "Niets geweigerd.",
    "webform.admin.held": "Ter beoordeling (verstuurd zonder JavaScript)",
    "webform.admin.held_none": "Niets ter beoordeling.",
    "webform.admin.open": "Registreren als contact",
    "webform.admin.reject": "Afwijzen",
    "webform.admin.sources": "Koppelingen (JSON, bijv. Open Formulieren)",
    "webform.admin.source_name": "Naam van de koppeling",
    "webform.admin.source_mapping": "Veldkoppeling (JSON)",
    "webform.admin.source_add": "Koppeling toevoegen",
    "webform.admin.source_token": "Het token van deze koppeling (wordt maar één keer getoond)",
    "webform.admin.error.source": (
        "Naam en veldkoppeling (een JSON-object) zijn nodig; de naam moet uniek zijn."
    ),
}

EN = {
    "webform.org": "CIBG · Ministry of Health, Welfare and Sport",
    "webform.skip": "Skip to the form",
    "webform.language_nav": "Language",
    "webform.other_language": "Nederlands",
    "webform.title": "Contact form {product}",
    "webform.intro": (
        "Ask the customer contact centre your question. Fields marked (required) must be filled in."
    ),
    "webform.required": "(required)",
    "webform.optional": "(optional)",
    "webform.field.reason": "What is your question about?",
    "webform.field.reason_choose": "Choose a subject",
    "webform.field.name": "Name",
    "webform.field.email": "Email address",
    "webform.hint.email": "You will receive the confirmation and our answer here.",
    "webform.field.phone": "Phone number",
    "webform.field.role": "You are",
    "webform.role.citizen": "A citizen",
    "webform.role.professional": "A healthcare professional",
    "webform.role.organisation": "An organisation",
    "webform.field.identifier": "Registration number",
    "webform.field.identifier_kind": "Kind of number",
    "webform.field.identifier_value": "Number",
    "webform.hint.identifier": (
        "Your BIG number (11 digits), UZI number (9 digits) or KvK number (8 digits). Never "
        "enter your BSN."
    ),
    "webform.kind.big": "BIG number",
    "webform.kind.uzi": "UZI number",
    "webform.kind.kvk": "KvK number",
    "webform.field.message": "Your question or message",
    "webform.hint.message": "At most {max} characters.",
    "webform.field.attachments": "Attachments",
    "webform.hint.attachments": "At most {count} files of at most {size} MB each: {types}.",
    "webform.field.privacy": "I have read the privacy statement",
    "webform.privacy_link": "Read the privacy statement",
    "webform.privacy_heading": "Privacy",
    "webform.honeypot": "Leave this field empty",
    "webform.noscript": (
        "JavaScript is off. You can still send the form; a member of staff will then look at "
        "your message before it is registered."
    ),
    "webform.submit": "Send",
    "webform.error_title": "Error",
    "webform.errors_heading": "Something is not filled in correctly",
    "webform.error.required": "Fill in this field.",
    "webform.error.too_long": "This is too long.",
    "webform.error.email": "Enter a valid email address, like name@example.com.",
    "webform.error.phone": "Enter a valid phone number, like +31 6 12345678.",
    "webform.error.choice": "Choose one of the options.",
    "webform.error.identifier_kind": "Choose the kind of number.",
    "webform.error.identifier_length": "This number does not have the right number of digits.",
    "webform.error.identifier_check": "This BIG number does not exist: check the digits.",
    "webform.error.attachment_count": "You can send fewer files.",
    "webform.error.attachment_size": "A file is too large.",
    "webform.error.attachment_type": (
        "A file is not of an accepted kind (judged by its content, not its name)."
    ),
    "webform.error.privacy": "Confirm that you have read the privacy statement.",
    "webform.error.files_again": "Choose your attachments again: a browser does not keep them.",
    "webform.received_title": "Your message has been received",
    "webform.received_reference": "Your reference is",
    "webform.received_mail": (
        "You will receive a confirmation by email. Reply to that email to add anything."
    ),
    "webform.held_title": "Your message has been received",
    "webform.held_text": (
        "A member of staff will look at your message first. You will then receive a "
        "confirmation with your reference by email."
    ),
    "webform.pending_text": (
        "Your message has been stored but not yet processed. Send the form once more; it will "
        "not be registered twice."
    ),
    "webform.new_message": "Send another message",
    "webform.refused_title": "Your message was not sent",
    "webform.refused_stored": "Nothing of this message has been kept.",
    "webform.refused.too_large": "The message with its attachments is too large.",
    "webform.refused.malformed": "The form did not arrive correctly.",
    "webform.refused.honeypot": "The form was filled in in a way we do not accept.",
    "webform.refused.rate_ip": (
        "Too many messages were sent from your network. Try again in an hour or call us."
    ),
    "webform.refused.rate_email": (
        "Too many messages were sent with this email address. Try again in an hour or call us."
    ),
    "webform.refused.altcha": "The check against abuse failed. Reload the form and try again.",
    "webform.refused.closed": "This form is not available.",
    "webform.refused.rejected": "A member of staff did not accept this message.",
    "webform.refused.token": "Unknown source.",
    "webform.refused.invalid": "The message does not follow the rules.",
    "webform.back": "Back to the form",
    "webform.admin.title": "Web forms",
    "webform.admin.product": "Product",
    "webform.admin.public_url": "Public addresses",
    "webform.admin.enabled": "Form is on",
    "webform.admin.field_mode": "Field {field}",
    "webform.admin.mode.off": "do not show",
    "webform.admin.mode.optional": "optional",
    "webform.admin.mode.required": "required",
    "webform.admin.reasons": "Subjects (none chosen: every active contact reason)",
    "webform.admin.types": "Accepted attachments",
    "webform.admin.max_mb": "Size per attachment (MB)",
    "webform.admin.max_count": "Number of attachments",
    "webform.admin.privacy_url": "Address of the privacy statement",
    "webform.admin.privacy_nl": "Privacy text (Dutch)",
    "webform.admin.privacy_en": "Privacy text (English)",
    "webform.admin.save": "Save",
    "webform.admin.saved": "Saved.",
    "webform.admin.error.field_mode": "Choose for every field whether it is shown.",
    "webform.admin.error.attachment_type": "Unknown kind of attachment.",
    "webform.admin.error.attachment_size": "Choose a size of 1 to 25 MB.",
    "webform.admin.error.attachment_count": "Choose 1 to 10 attachments.",
    "webform.admin.error.privacy_url": "The address must start with https:// or /.",
    "webform.admin.error.reason": "That subject is not one of this product's.",
    "webform.admin.refusals": "Refused (last 24 hours)",
    "webform.admin.refusals_none": "Nothing refused.",
    "webform.admin.held": "To review (sent without JavaScript)",
    "webform.admin.held_none": "Nothing to review.",
    "webform.admin.open": "Register as a contact",
    "webform.admin.reject": "Reject",
    "webform.admin.sources": "Sources (JSON, e.g. Open Formulieren)",
    "webform.admin.source_name": "Name of the source",
    "webform.admin.source_mapping": "Field mapping (JSON)",
    "webform.admin.source_add": "Add source",
    "webform.admin.source_token": "This source's token (shown only once)",
    "webform.admin.error.source": (
        "A name and a field mapping (a JSON object) are needed; the name must be unique."
    ),
}
