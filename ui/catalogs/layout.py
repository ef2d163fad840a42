"""The page frame: navigation groups, role names and the account area."""

NL: dict[str, str] = {
    "layout.group.work": "Werk",
    "layout.group.phone": "Telefonie",
    "layout.group.customers": "Klanten",
    "layout.group.knowledge": "Kennis",
    "layout.group.management": "Management",
    "layout.group.records": "Informatiebeheer",
    "layout.group.admin": "Beheer",
    "layout.group.demo": "Demo",
    "layout.ops.temporal": "Temporal Web",
    "layout.account": "Account",
    "action.refused_other": "Het systeem weigerde deze handeling. Bekijk de actuele stand "
    "hieronder.",
    "contact.done.escalate": "Doorgezet naar de volgende lijn; het contact staat nu op hun "
    "takenlijst",
    "contact.done.answer_escalation": "Antwoord teruggestuurd naar de vorige lijn",
    "contact.done.mark_complaint": "Gemarkeerd als klacht",
    "contact.done.extend_complaint": "Klachttermijn verlengd",
    "contact.not_your_line": "Dit contact staat op de takenlijst van de {line}; alleen "
    "medewerkers van die lijn kunnen het oppakken.",
    "records.run.button": "Vernietigingslijst nu opstellen",
    "records.run.hint": "Anders stelt PULSE de lijst elke nacht op.",
    "records.run.started": "De lijst wordt opgesteld; ververs de pagina over enkele seconden.",
    "records.run.failed": "De lijst kon nu niet worden opgesteld (Temporal of het schema is "
    "niet bereikbaar). Probeer het later opnieuw.",
    "records.list_status.open": "open",
    "records.list_status.executed": "uitgevoerd",
    "klant.identifier": "Identificatienummer (BSN, BIG, UZI …)",
    "klant.identifier_hint": "Controleren vergelijkt het nummer dat de klant noemt met wat "
    "PULSE kent; toevoegen slaat het op bij deze klant.",
    "klant.check": "Controleren",
    "klant.name_kind": "Naam en soort wijzigen",
    "klant.contact_details": "E-mailadres of telefoonnummer toevoegen",
    "klant.add": "Toevoegen aan klant",
    "ops.codec.title": "Eenmalig per browser: ontsleutelen aanzetten",
    "ops.codec.step1": "Open Temporal Web en daar rechtsboven de instellingen van de Codec Server.",
    "ops.codec.step2": "Vink aan: browserinstelling gebruiken in plaats van die van het cluster "
    "(Use my browser setting).",
    "ops.codec.step3": "Vul als endpoint in:",
    "ops.codec.step4": "Vink aan: Include cross-origin credentials. Temporal Web stuurt dan uw "
    "PULSE-sessie mee; zonder inlog als ops antwoordt PULSE 401 en zegt Temporal Web waarom.",
    "task.channel": "Kanaal",
    "task.kind.email": "E-mail",
    "task.kind.wrapup": "Telefoon",
    "task.kind.callback": "Terugbellen",
    "task.kind_subject.email": "(geen onderwerp)",
    "task.kind_subject.wrapup": "Telefoongesprek afronden",
    "task.kind_subject.callback": "Terugbelverzoek",
    "layout.read_only": "U ziet de werkverdeling alleen in; verdelen en prioriteren doet de "
    "werkverdeler.",
}

EN: dict[str, str] = {
    "layout.group.work": "Work",
    "layout.group.phone": "Phone",
    "layout.group.customers": "Customers",
    "layout.group.knowledge": "Knowledge",
    "layout.group.management": "Management",
    "layout.group.records": "Records",
    "layout.group.admin": "Administration",
    "layout.group.demo": "Demo",
    "layout.ops.temporal": "Temporal Web",
    "layout.account": "Account",
    "action.refused_other": "The system refused this action. See the current state below.",
    "contact.done.escalate": "Escalated to the next line; the contact is now on their task list",
    "contact.done.answer_escalation": "Answer sent back to the previous line",
    "contact.done.mark_complaint": "Marked as a complaint",
    "contact.done.extend_complaint": "Complaint term extended",
    "contact.not_your_line": "This contact is on the task list of the {line}; only people "
    "on that line can claim it.",
    "records.run.button": "Build a destruction list now",
    "records.run.hint": "Otherwise PULSE builds the list every night.",
    "records.run.started": "The list is being built; reload the page in a few seconds.",
    "records.run.failed": "The list could not be built now (Temporal or its schedule is not "
    "reachable). Try again later.",
    "records.list_status.open": "open",
    "records.list_status.executed": "executed",
    "klant.identifier": "Identifier (BSN, BIG, UZI …)",
    "klant.identifier_hint": "Check compares the number the customer gives with what PULSE "
    "knows; add stores it with this customer.",
    "klant.check": "Check",
    "klant.name_kind": "Change name and kind",
    "klant.contact_details": "Add an email address or phone number",
    "klant.add": "Add to customer",
    "ops.codec.title": "Once per browser: switch decoding on",
    "ops.codec.step1": "Open Temporal Web and its Codec Server settings (top right).",
    "ops.codec.step2": "Tick: Use my browser setting and ignore Cluster-level setting.",
    "ops.codec.step3": "Enter as endpoint:",
    "ops.codec.step4": "Tick: Include cross-origin credentials. Temporal Web then sends your "
    "PULSE session along; not logged in as ops, PULSE answers 401 and Temporal Web says why.",
    "task.channel": "Channel",
    "task.kind.email": "Email",
    "task.kind.wrapup": "Phone",
    "task.kind.callback": "Call back",
    "task.kind_subject.email": "(no subject)",
    "task.kind_subject.wrapup": "Wrap up a phone call",
    "task.kind_subject.callback": "Callback request",
    "layout.read_only": "You see the work distribution read-only; the trafficer assigns "
    "and sets priorities.",
}
