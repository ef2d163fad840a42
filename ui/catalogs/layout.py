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
    "layout.read_only": "You see the work distribution read-only; the trafficer assigns "
    "and sets priorities.",
}
