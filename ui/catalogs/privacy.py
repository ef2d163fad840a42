"""UI strings of the privacy officer's pages (api/routes/records/privacy_pages.py)."""

NL: dict[str, str] = {
    "privacy.nav": "AVG-verzoeken",
    "privacy.title": "AVG-verzoeken",
    "privacy.intro": (
        "Zoek de klant van een inzage- of verwijderverzoek. Elk verzoek komt in het "
        "register hieronder."
    ),
    "privacy.find": "Klant zoeken",
    "privacy.find_hint": "Naam, e-mailadres, telefoonnummer, BSN, BIG- of KvK-nummer.",
    "privacy.search": "Zoeken",
    "privacy.hits": "Gevonden klanten",
    "privacy.no_hits": "Geen klant gevonden.",
    "privacy.matched": "gevonden op",
    "privacy.kind.person": "persoon",
    "privacy.kind.organisation": "organisatie",
    "privacy.register": "Register van verzoeken",
    "privacy.no_requests": "Nog geen verzoeken.",
    "privacy.at": "Tijdstip",
    "privacy.kind": "Soort",
    "privacy.customer": "Klant",
    "privacy.outcome": "Uitkomst",
    "privacy.ground": "Wettelijke grond",
    "privacy.reference": "Kenmerk van het verzoek",
    "privacy.request.access": "inzage",
    "privacy.request.erasure": "verwijdering",
    "privacy.request.rectification": "rectificatie",
    "privacy.outcome.open": "open",
    "privacy.outcome.partial": "deels uitgevoerd",
    "privacy.item.erased": "verwijderd",
    "privacy.item.kept": "bewaard",
    "privacy.rectification": "Rectificatie (art. 16 AVG)",
    "privacy.rectification_help": (
        "Registreer het verzoek. Elke correctie van deze klant op het klantbeeld wordt er"
        " vanzelf aan gekoppeld tot u het verzoek sluit met de antwoordbrief."
    ),
    "privacy.rectification_button": "Rectificatieverzoek registreren",
    "privacy.rectification_reference": "Kenmerk van het rectificatieverzoek",
    "privacy.rectification_open": (
        "Rectificatieverzoek #{id} staat open: correcties op het klantbeeld worden eraan"
        " gekoppeld. Sluit het in het register met de antwoordbrief."
    ),
    "privacy.to_klantbeeld": "Naar het klantbeeld",
    "privacy.rectification_opened": "Het rectificatieverzoek is geregistreerd.",
    "privacy.rectification_closed": "Het rectificatieverzoek is gesloten met de antwoordbrief.",
    "privacy.linked_changes": "Gekoppelde correcties",
    "privacy.no_changes": "nog geen",
    "privacy.letter": "Antwoordbrief aan de klant",
    "privacy.close_button": "Brief vastleggen en verzoek sluiten",
    "privacy.problem.already_open": "Er staat al een rectificatieverzoek open voor deze klant.",
    "privacy.problem.already_closed": "Dit rectificatieverzoek is al gesloten.",
    "privacy.problem.no_letter": "Leg eerst de antwoordbrief aan de klant vast.",
    "privacy.problem.too_long": "De brief is langer dan 5000 tekens.",
    "privacy.outcome.done": "uitgevoerd",
    "privacy.outcome.refused": "geweigerd",
    "privacy.erased": (
        "De klant en zijn gegevens zijn verwijderd; het verzoek staat in het register."
    ),
    "privacy.back": "Terug naar AVG-verzoeken",
    "privacy.customer_title": "Klant",
    "privacy.customer_id": "Klantnummer",
    "privacy.emails": "E-mailadressen",
    "privacy.contacts": "Contacten",
    "privacy.contacts_count": "{open} lopend, {closed} afgesloten",
    "privacy.access": "Inzage (art. 15 AVG)",
    "privacy.access_help": (
        "Eén ZIP-bestand met alles wat PULSE over deze klant bewaart: gegevens, berichten"
        " en bijlagen. Het downloaden wordt als inzageverzoek geregistreerd."
    ),
    "privacy.download": "Inzage-export downloaden",
    "privacy.erasure": "Verwijdering (art. 17 AVG)",
    "privacy.would_refuse": "Verwijderen wordt geweigerd:",
    "privacy.may_erase": (
        "Er is geen bewaarplicht meer: verwijderen kan. Dit is niet terug te draaien."
    ),
    "privacy.confirm": "Ik heb het verzoek en de identiteit van de verzoeker gecontroleerd",
    "privacy.erase_button": "Klantgegevens verwijderen",
    "privacy.refuse_button": "Weigering registreren",
    "privacy.unconfirmed": "Vink eerst de controle aan.",
    "privacy.refused_now": (
        "Het verzoek is geweigerd en met de wettelijke grond in het register gezet."
    ),
}

EN: dict[str, str] = {
    "privacy.nav": "GDPR requests",
    "privacy.title": "GDPR requests",
    "privacy.intro": (
        "Find the customer of an access or erasure request. Every request goes into the "
        "register below."
    ),
    "privacy.find": "Find customer",
    "privacy.find_hint": "Name, email address, phone number, BSN, BIG or KvK number.",
    "privacy.search": "Search",
    "privacy.hits": "Customers found",
    "privacy.no_hits": "No customer found.",
    "privacy.matched": "matched on",
    "privacy.kind.person": "person",
    "privacy.kind.organisation": "organisation",
    "privacy.register": "Register of requests",
    "privacy.no_requests": "No requests yet.",
    "privacy.at": "Time",
    "privacy.kind": "Kind",
    "privacy.customer": "Customer",
    "privacy.outcome": "Outcome",
    "privacy.ground": "Legal ground",
    "privacy.reference": "Request reference",
    "privacy.request.access": "access",
    "privacy.request.erasure": "erasure",
    "privacy.request.rectification": "rectification",
    "privacy.outcome.open": "open",
    "privacy.outcome.partial": "partly carried out",
    "privacy.item.erased": "erased",
    "privacy.item.kept": "kept",
    "privacy.rectification": "Rectification (GDPR art. 16)",
    "privacy.rectification_help": (
        "Register the request. Every correction of this customer on the customer view is"
        " linked to it until you close it with the answer letter."
    ),
    "privacy.rectification_button": "Register rectification request",
    "privacy.rectification_reference": "Reference of the rectification request",
    "privacy.rectification_open": (
        "Rectification request #{id} is open: corrections on the customer view are linked"
        " to it. Close it in the register with the answer letter."
    ),
    "privacy.to_klantbeeld": "To the customer view",
    "privacy.rectification_opened": "The rectification request is registered.",
    "privacy.rectification_closed": "The rectification request is closed with the answer letter.",
    "privacy.linked_changes": "Linked corrections",
    "privacy.no_changes": "none yet",
    "privacy.letter": "Answer letter to the customer",
    "privacy.close_button": "Record letter and close request",
    "privacy.problem.already_open": "A rectification request is already open for this customer.",
    "privacy.problem.already_closed": "This rectification request is already closed.",
    "privacy.problem.no_letter": "Record the answer letter to the customer first.",
    "privacy.problem.too_long": "The letter is longer than 5000 characters.",
    "privacy.outcome.done": "carried out",
    "privacy.outcome.refused": "refused",
    "privacy.erased": "The customer and their data were erased; the request is in the register.",
    "privacy.back": "Back to GDPR requests",
    "privacy.customer_title": "Customer",
    "privacy.customer_id": "Customer number",
    "privacy.emails": "Email addresses",
    "privacy.contacts": "Contacts",
    "privacy.contacts_count": "{open} open, {closed} closed",
    "privacy.access": "Access (GDPR art. 15)",
    "privacy.access_help": (
        "One ZIP file with everything PULSE holds on this customer: data, messages and "
        "attachments. The download is registered as an access request."
    ),
    "privacy.download": "Download the access export",
    "privacy.erasure": "Erasure (GDPR art. 17)",
    "privacy.would_refuse": "Erasure will be refused:",
    "privacy.may_erase": "No retention duty is left: erasure is possible. It cannot be undone.",
    "privacy.confirm": "I checked the request and the requester's identity",
    "privacy.erase_button": "Erase customer data",
    "privacy.refuse_button": "Register the refusal",
    "privacy.unconfirmed": "Tick the check first.",
    "privacy.refused_now": (
        "The request was refused and entered in the register with its legal ground."
    ),
}
