"""The survey mail: five one-click links, one per score, from a plain-text template
per language (ui/templates/mail/survey_<lang>.txt.j2; first line the subject)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from config.settings import Settings
from db.models.contacts import Contact, Product
from db.models.survey import SurveyInvitation
from services.survey.tokens import SCORES, make_token

TEMPLATES = Path(__file__).resolve().parents[2] / "ui" / "templates" / "mail"
# The public page of a link, per language (no login).
SURVEY_PATHS = {"nl": "/enquete", "en": "/survey"}


def survey_path(language: str) -> str:
    return SURVEY_PATHS.get(language, SURVEY_PATHS["nl"])


@lru_cache
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html",)),  # .txt: plain text
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def links(settings: Settings, invitation: SurveyInvitation) -> list[tuple[int, str]]:
    base = settings.public_url.rstrip("/") + survey_path(invitation.language)
    return [
        (score, f"{base}/{make_token(settings, invitation.id, score, invitation.expires_at)}")
        for score in SCORES
    ]


def render_survey(
    settings: Settings, product: Product, contact: Contact, invitation: SurveyInvitation
) -> tuple[str, str]:
    language = invitation.language if invitation.language in SURVEY_PATHS else "nl"
    text = (
        _env()
        .get_template(f"survey_{'en' if language == 'en' else 'nl'}.txt.j2")
        .render(
            product_name=product.name,
            reference=contact.reference,
            links=links(settings, invitation),
            days=settings.survey_link_days,
        )
    )
    subject, _, body = text.strip("\n").partition("\n")
    return subject.strip(), body.lstrip("\n")
