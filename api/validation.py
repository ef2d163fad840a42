"""What the edge refuses before a route runs: ids the database cannot hold and text with
control characters. Both answer 422 in FastAPI's own shape, never a database error."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import parse_qsl

from annotated_types import Interval
from starlette.types import ASGIApp, Message, Receive, Scope, Send

INT32_MAX = 2**31 - 1

# Every integer id in a path, query or body: a PostgreSQL integer, never below 1.
IntId = Annotated[int, Interval(ge=1, le=INT32_MAX)]
# A number that may be 0 (a filter's "all", a count of days).
IntCount = Annotated[int, Interval(ge=0, le=INT32_MAX)]

# C0 controls (but tab, line feed and carriage return, which text areas send), DEL and
# the C1 controls: NUL crashes PostgreSQL text, the rest only hides what was typed.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Bodies read to look for them; larger ones (uploads) are the routes' own business.
MAX_CHECKED_BODY = 1024 * 1024


def has_control_characters(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


def refusal(location: str, name: str, value: str) -> dict[str, Any]:
    """One error in the shape of FastAPI's RequestValidationError."""
    return {
        "type": "string_pattern_mismatch",
        "loc": [location, name],
        "msg": "Control characters (such as NUL) are not allowed in text",
        "input": CONTROL_CHARACTERS.sub("?", value)[:200],
    }


def _form_errors(location: str, text: str) -> Iterator[dict[str, Any]]:
    for name, value in parse_qsl(text, keep_blank_values=True):
        for part in (name, value):
            if has_control_characters(part):
                yield refusal(location, name, value)
                break


def _json_strings(value: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _json_strings(key, path)
            yield from _json_strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, (*path, index))


def body_errors(content_type: str, body: bytes) -> list[dict[str, Any]]:
    """The control characters in a form or JSON body (other bodies are not text fields)."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return list(_form_errors("body", body.decode("latin-1")))
    if content_type.startswith("application/json"):
        try:
            document = json.loads(body)
        except ValueError:
            return []  # FastAPI answers a malformed document itself
        return [
            {**refusal("body", "", value), "loc": ["body", *path]}
            for path, value in _json_strings(document, ())
            if has_control_characters(value)
        ]
    return []


class RefuseControlCharacters:
    """Pure ASGI middleware: query strings, form and JSON bodies with control characters
    get 422 before any route or database sees them. The body is read once and handed
    on unchanged, so the route reads it as usual."""

    def __init__(self, app: ASGIApp, on_refusal) -> None:
        self.app = app
        self.on_refusal = on_refusal  # (scope, errors) -> ASGI app answering 422

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        errors = list(_form_errors("query", query))
        if any(has_control_characters(p) for p in scope["path"].split("/")):
            errors.append(refusal("path", "", scope["path"]))
        headers = dict(scope.get("headers", []))
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        length = int(headers.get(b"content-length", b"0") or 0)
        checked = content_type.startswith(("application/json", "application/x-www-form"))
        if errors or not checked or length > MAX_CHECKED_BODY:
            if errors:
                await self.on_refusal(scope, errors)(scope, receive, send)
            else:
                await self.app(scope, receive, send)
            return
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        errors = body_errors(content_type, body)
        if errors:
            await self.on_refusal(scope, errors)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # http.disconnect, for streaming responses

    return replay
