"""The languages PULSE speaks to people (UI, mail templates, a user's choice)."""

DEFAULT_LANGUAGE = "nl"
LANGUAGES = {"nl": "Nederlands", "en": "English"}
