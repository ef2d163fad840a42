"""Automatic mail from Jinja2 templates (ui/templates/mail/), per product and language.

A product may override the default with ``ack_<CODE>_<lang>.txt.j2``. The first
line of a rendered template is the subject, the rest after a blank line the body.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from db.models.contacts import Contact, Message, Product

TEMPLATES = Path(__file__).resolve().parents[2] / "ui" / "templates" / "mail"
LANGUAGES = ("nl", "en")


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
            subject=(inbound.subject or contact.subject or "").strip() or "(geen onderwerp)",
            reference=contact.reference,
            customer_name=(inbound.from_name or "").strip(),
            product_name=product.name,
            response_days=5,
        )
    )
    subject, _, body = text.strip("\n").partition("\n")
    return subject.strip(), body.lstrip("\n")
