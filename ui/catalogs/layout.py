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
    "layout.read_only": "You see the work distribution read-only; the trafficer assigns "
    "and sets priorities.",
}
