"""What the public form's routes share: the form's paths per language, the capped
request body, the intake object and the page context."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.requests import ClientDisconnect

from api.deps import temporal_client
from channels.webform.intake import WebformIntake
from ui.i18n import translator

# The stable public address of a product's form, per language.
FORM_PATHS = {"nl": "/formulier", "en": "/form"}
RECEIVED = {"nl": "ontvangen", "en": "received"}
# Pages other sites may frame (services of the security headers in api/main.py).
FRAMED_PREFIXES = tuple(f"{p}/" for p in FORM_PATHS.values())


class BodyTooLarge(Exception):
    """The post is larger than webform_max_body_bytes."""


def form_url(language: str, code: str) -> str:
    return f"{FORM_PATHS[language]}/{code.lower()}"


def received_url(language: str, code: str, key: str) -> str:
    return f"{form_url(language, code)}/{RECEIVED[language]}?s={key}"


def other_language(language: str) -> str:
    return "en" if language == "nl" else "nl"


def capped(request: Request, limit: int) -> Request:
    """The request with a body that raises BodyTooLarge past ``limit`` bytes, so a post
    without (or with a false) Content-Length cannot fill the disk or memory."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge()
    seen = 0
    receive = request.receive

    async def limited_receive():
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge()
        elif message["type"] == "http.disconnect":
            raise ClientDisconnect()
        return message

    return Request(request.scope, limited_receive)


def intake_for(request: Request) -> WebformIntake:
    state = request.app.state
    intake = getattr(state, "webform_intake", None)
    if intake is None:
        intake = WebformIntake(state.sessionmaker, lambda: temporal_client(request), state.settings)
        state.webform_intake = intake
    return intake


@dataclass
class PageText:
    language: str

    @property
    def t(self):
        return translator(self.language)

    def context(self, code: str) -> dict:
        other = other_language(self.language)
        return {
            "lang": self.language,
            "t": self.t,
            "other_lang": other,
            "other_url": form_url(other, code),
            "other_name": self.t("webform.other_language"),
            "this_url": form_url(self.language, code),
        }
