"""The satisfaction survey: its public pages, its admin settings, the answers on the
contact and the klantbeeld, and its history lines."""

NL = {
    "survey.org_short": "Klanttevredenheid",
    "survey.skip": "Naar de inhoud",
    "survey.thanks_title": "Bedankt voor uw oordeel",
    "survey.recorded": "Uw cijfer {score} van 5 is opgeslagen.",
    "survey.comment_label": "Wilt u uw cijfer toelichten?",
    "survey.comment_hint": "Schrijf geen persoonsgegevens zoals uw BSN. Ten hoogste {max} tekens.",
    "survey.comment_send": "Toelichting versturen",
    "survey.comment_too_long": "Uw toelichting is langer dan {max} tekens. Maak haar korter.",
    "survey.error_title": "Er is een probleem",
    "survey.may_close": "U kunt deze pagina nu sluiten.",
    "survey.done_title": "Bedankt",
    "survey.done_commented": (
        "Uw toelichting is opgeslagen. Wij gebruiken haar om onze dienst te verbeteren."
    ),
    "survey.done_plain": "Uw cijfer is opgeslagen; een toelichting hebben wij niet ontvangen.",
    "survey.refused_title.used": "U heeft deze vragenlijst al ingevuld",
    "survey.refused_title.expired": "Deze link is verlopen",
    "survey.refused_title.tampered": "Deze link werkt niet",
    "survey.refused.used": (
        "Met deze e-mail is al een cijfer gegeven. Elke vragenlijst kan één keer worden ingevuld."
    ),
    "survey.refused.expired": (
        "De link in de e-mail was beperkt geldig en die termijn is voorbij. Er is niets opgeslagen."
    ),
    "survey.refused.tampered": (
        "De link is niet compleet of is veranderd. Gebruik de link precies zoals in de "
        "e-mail. Er is niets opgeslagen."
    ),
    "survey.error.range": "Vul een geheel getal binnen de grenzen in.",
    "survey.error.choice": "Kies alleen uit de genoemde mogelijkheden.",
    "survey.admin_title": "Tevredenheidsonderzoek",
    "survey.admin_product": "Product",
    "survey.admin_show": "Tonen",
    "survey.admin_enabled": "Vragenlijst sturen na het afsluiten",
    "survey.admin_delay": "Wachttijd na afsluiten (uren)",
    "survey.admin_sample": "Steekproef (% van de afgesloten contacten)",
    "survey.admin_per_customer": "Ten hoogste één vragenlijst per klant per (dagen)",
    "survey.admin_channels": "Kanalen (niets aangevinkt: alle)",
    "survey.admin_reasons": "Afsluitredenen (niets aangevinkt: alle)",
    "survey.admin_skip_complaints": "Niet bij klachten binnen hun wettelijke termijn",
    "survey.admin_save": "Opslaan",
    "survey.admin_saved": "De instellingen zijn opgeslagen.",
    "survey.admin_errors": "De instellingen zijn niet opgeslagen",
    "survey.answers_title": "Tevredenheid",
    "survey.answer_line": "{score} van 5",
    "survey.via.mail": "per e-mail",
    "survey.via.keypad": "telefonisch (toetsen)",
    "survey.none": "Nog geen oordeel.",
    "event.survey_sent": "Tevredenheidsvragenlijst verstuurd",
    "event.survey_answered": "Tevredenheidsvragenlijst beantwoord",
}

EN = {
    "survey.org_short": "Customer satisfaction",
    "survey.skip": "Skip to the content",
    "survey.thanks_title": "Thank you for your rating",
    "survey.recorded": "Your score of {score} out of 5 has been saved.",
    "survey.comment_label": "Would you like to explain your score?",
    "survey.comment_hint": "Do not write personal data such as your BSN. At most {max} characters.",
    "survey.comment_send": "Send comment",
    "survey.comment_too_long": "Your comment is longer than {max} characters. Please shorten it.",
    "survey.error_title": "There is a problem",
    "survey.may_close": "You can close this page now.",
    "survey.done_title": "Thank you",
    "survey.done_commented": "Your comment has been saved. We use it to improve our service.",
    "survey.done_plain": "Your score has been saved; we received no comment.",
    "survey.refused_title.used": "You have already answered this survey",
    "survey.refused_title.expired": "This link has expired",
    "survey.refused_title.tampered": "This link does not work",
    "survey.refused.used": (
        "A score has already been given with this email. Each survey can be answered once."
    ),
    "survey.refused.expired": (
        "The link in the email was valid for a limited time, which has passed. Nothing was saved."
    ),
    "survey.refused.tampered": (
        "The link is incomplete or has been changed. Use the link exactly as in the "
        "email. Nothing was saved."
    ),
    "survey.error.range": "Enter a whole number within the limits.",
    "survey.error.choice": "Choose only from the options given.",
    "survey.admin_title": "Satisfaction survey",
    "survey.admin_product": "Product",
    "survey.admin_show": "Show",
    "survey.admin_enabled": "Send a survey after closing",
    "survey.admin_delay": "Delay after closing (hours)",
    "survey.admin_sample": "Sample (% of closed contacts)",
    "survey.admin_per_customer": "At most one survey per customer per (days)",
    "survey.admin_channels": "Channels (none ticked: all)",
    "survey.admin_reasons": "Closing reasons (none ticked: all)",
    "survey.admin_skip_complaints": "Not for complaints within their legal term",
    "survey.admin_save": "Save",
    "survey.admin_saved": "The settings have been saved.",
    "survey.admin_errors": "The settings were not saved",
    "survey.answers_title": "Satisfaction",
    "survey.answer_line": "{score} out of 5",
    "survey.via.mail": "by email",
    "survey.via.keypad": "by phone (keypad)",
    "survey.none": "No rating yet.",
    "event.survey_sent": "Satisfaction survey sent",
    "event.survey_answered": "Satisfaction survey answered",
}
