"""UI strings of the klantbeeld's identity checks (api/routes/customers/identity.py)."""

NL: dict[str, str] = {
    "identity.verify": "Identiteit controleren",
    "identity.given": "Nummer dat de klant noemt",
    "identity.verify_button": "Controleren",
    "identity.match": "komt overeen",
    "identity.no_match": "komt niet overeen",
    "identity.reveal": "Volledig tonen",
    "identity.reason": "Reden",
    "identity.reason_hint": "Verplicht, minstens 10 tekens; wordt vastgelegd in het auditlog.",
    "identity.reveal_button": "Toon volledig nummer",
    "identity.revealed_note": "volledig getoond, vastgelegd in het auditlog",
    "identity.problem.invalid": "Dat is geen geldig nummer van deze soort.",
    "identity.problem.reason": "Geef een reden van minstens 10 tekens.",
    "identity.problem.too_many": "Te veel pogingen dit uur; probeer later of vraag een collega.",
}

EN: dict[str, str] = {
    "identity.verify": "Check identity",
    "identity.given": "Number the customer gives",
    "identity.verify_button": "Check",
    "identity.match": "matches",
    "identity.no_match": "does not match",
    "identity.reveal": "Show in full",
    "identity.reason": "Reason",
    "identity.reason_hint": "Required, at least 10 characters; kept in the audit log.",
    "identity.reveal_button": "Show the full number",
    "identity.revealed_note": "shown in full, kept in the audit log",
    "identity.problem.invalid": "That is not a valid number of this kind.",
    "identity.problem.reason": "Give a reason of at least 10 characters.",
    "identity.problem.too_many": "Too many attempts this hour; try later or ask a colleague.",
}
