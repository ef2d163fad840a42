"""Strings of the error pages browsers get (api/errors.py), per HTTP status."""

NL: dict[str, str] = {
    "error.home": "Naar de startpagina",
    "error.405": "Deze handeling kan niet op deze pagina.",
    "error.409": "Dit kan nu niet: de toestand is intussen veranderd.",
    "error.422": "Wat u invoerde kunnen we niet verwerken. Controleer het en probeer opnieuw.",
    "error.429": "Te veel pogingen. Wacht even en probeer het dan opnieuw.",
    "error.500": "Er ging bij ons iets mis. Probeer het opnieuw of meld het tijdstip.",
    "error.503": "Het systeem is even niet bereikbaar. Probeer het zo opnieuw.",
    "login.too_many": "Te veel inlogpogingen vanaf dit adres. Wacht even en probeer opnieuw.",
}

EN: dict[str, str] = {
    "error.home": "To the start page",
    "error.405": "This action is not possible on this page.",
    "error.409": "This cannot be done now: the state has changed meanwhile.",
    "error.422": "We cannot process what you entered. Please check it and try again.",
    "error.429": "Too many attempts. Please wait a moment and try again.",
    "error.500": "Something went wrong on our side. Try again or report the time.",
    "error.503": "The system is briefly unavailable. Please try again shortly.",
    "login.too_many": "Too many login attempts from this address. Wait a moment and retry.",
}
