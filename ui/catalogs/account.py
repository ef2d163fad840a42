"""UI strings of the user's own account pages (api/routes/auth/account.py)."""

NL: dict[str, str] = {
    "account.nav.password": "Wachtwoord",
    "account.password.title": "Wachtwoord wijzigen",
    "account.password.required": (
        "Een beheerder heeft uw wachtwoord ingesteld. Kies eerst een eigen wachtwoord."
    ),
    "account.password.done": "Uw wachtwoord is gewijzigd; uw andere sessies zijn beëindigd.",
    "account.password.current": "Huidig wachtwoord",
    "account.password.new": "Nieuw wachtwoord",
    "account.password.repeated": "Nieuw wachtwoord nogmaals",
    "account.password.rules": "Minstens 12 tekens, zonder uw gebruikersnaam.",
    "account.password.save": "Wachtwoord opslaan",
    "account.error.current_wrong": "Het huidige wachtwoord klopt niet.",
    "account.error.repeat_differs": "De twee nieuwe wachtwoorden verschillen.",
    "account.error.same_password": "Kies een ander wachtwoord dan het huidige.",
    "account.error.password_short": "Het nieuwe wachtwoord heeft minstens 12 tekens nodig.",
    "account.error.password_long": "Het nieuwe wachtwoord is te lang (hoogstens 256 tekens).",
    "account.error.password_username": "Het nieuwe wachtwoord mag uw gebruikersnaam niet bevatten.",
}

EN: dict[str, str] = {
    "account.nav.password": "Password",
    "account.password.title": "Change password",
    "account.password.required": "An administrator set your password. Choose your own first.",
    "account.password.done": "Your password was changed; your other sessions were ended.",
    "account.password.current": "Current password",
    "account.password.new": "New password",
    "account.password.repeated": "New password again",
    "account.password.rules": "At least 12 characters, without your username.",
    "account.password.save": "Save password",
    "account.error.current_wrong": "The current password is wrong.",
    "account.error.repeat_differs": "The two new passwords differ.",
    "account.error.same_password": "Choose a password other than the current one.",
    "account.error.password_short": "The new password needs at least 12 characters.",
    "account.error.password_long": "The new password is too long (at most 256 characters).",
    "account.error.password_username": "The new password may not contain your username.",
}
