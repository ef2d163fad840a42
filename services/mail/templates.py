"""Automatic mail from Jinja2 templates (ui/templates/mail/), per product and language.

A product may override the default with ``ack_<CODE>_<lang>.txt.j2``. The first
line of a rendered template is the subject, the rest after a blank line the body.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from adapters.mail.parse import display_name
from db.models.contacts import Contact, Message, Product

TEMPLATES = Path(__file__).resolve().parents[2] / "ui" / "templates" / "mail"
LANGUAGES = ("nl", "en")
# What an acknowledgement repeats of the sender's own words, at most: it goes to
# whatever From address was given, so it must not carry a stranger's text.
ECHO_NAME_CHARS = 40
ECHO_SUBJECT_CHARS = 60


def _echo(text: str | None, limit: int) -> str:
    """One printable line, shortened."""
    line = display_name(text)
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


@lru_cache
def _env() -> Environment:
    # Plain-text mail: no HTML autoescaping, but undefined variables are errors.
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html",)),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def _template_name(kind: str, product_code: str, language: str) -> str:
    language = language if language in LANGUAGES else "nl"
    specific = f"{kind}_{product_code.upper()}_{language}.txt.j2"
    return specific if (TEMPLATES / specific).exists() else f"{kind}_{language}.txt.j2"


def render_acknowledgement(product: Product, contact: Contact, inbound: Message) -> tuple[str, str]:
    language = contact.language or product.language
    # a web form's confirmation says "your message via the form", not "your email"
    kind = "ack_webform" if contact.channel == "webform" else "ack"
    text = (
        _env()
        .get_template(_template_name(kind, product.code, language))
        .render(
            subject=_echo(inbound.subject or contact.subject, ECHO_SUBJECT_CHARS)
            or "(geen onderwerp)",
            reference=contact.reference,
            customer_name=_echo(inbound.from_name, ECHO_NAME_CHARS),
            product_name=product.name,
            response_days=5,
        )
    )
    subject, _, body = text.strip("\n").partition("\n")
    return subject.strip(), body.lstrip("\n")
