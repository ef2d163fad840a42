"""The JSON intake of form builders: a source (e.g. an Open Formulieren form) posts
its submissions in the shape of Open Formulieren's "Generic JSON" registration --
``values``, ``values_schema``, ``metadata``, ``metadata_schema`` -- with its own
bearer token. The source's mapping says which of its values are which of the
product's form fields:

    {"fields": {"name": "naam", "email": "contact.email", "message": "vraag",
                "phone": "telefoon", "role": "rol", "reason": "onderwerp",
                "identifier": "bignummer", "attachments": "bijlagen"},
     "identifier_kind": "big", "language": "nl",
     "submission_key": "metadata.public_reference"}

A path names a key of ``values`` (dots go deeper); ``metadata.`` starts in
``metadata``. ``reason`` may hold a contact reason's code or id. Files are
``{"file_name": ..., "content": <base64>}`` objects, one or a list. Without a
submission key the body's hash is the key, so the same post twice is one contact.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
from dataclasses import dataclass, field

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.webform import WebformSource
from services.webform.config import FormSettings
from services.webform.fields import Upload

MAPPED_FIELDS = ("name", "email", "message", "phone", "role", "reason", "identifier")


class IntakeError(ValueError):
    """A body that is not a Generic JSON registration; the message says what is wrong."""


@dataclass
class MappedSubmission:
    key: str
    language: str
    raw: dict[str, str]
    uploads: list[Upload] = field(default_factory=list)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


async def source_for_token(session: AsyncSession, token: str) -> WebformSource | None:
    if not token:
        return None
    return await session.scalar(
        select(WebformSource).where(
            WebformSource.token_hash == hash_token(token), WebformSource.active
        )
    )


def parse_body(body: bytes) -> dict:
    """The registration object. Open Formulieren's plugin may send it JSON-encoded
    twice (a JSON string holding the object); both are accepted."""
    try:
        data = json.loads(body)
        if isinstance(data, str):
            data = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise IntakeError("the body is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("values"), dict):
        raise IntakeError("the body needs a 'values' object")
    for name in ("values_schema", "metadata", "metadata_schema"):
        if name in data and not isinstance(data[name], dict):
            raise IntakeError(f"'{name}' must be an object")
    return data


def map_submission(
    data: dict, mapping: dict, form: FormSettings, body: bytes, source: str
) -> MappedSubmission:
    paths = mapping.get("fields") or {}
    raw: dict[str, str] = {}
    for name in MAPPED_FIELDS:
        path = paths.get(name)
        value = _lookup(data, path) if path else None
        if value is None:
            continue
        if isinstance(value, dict | list):
            raise IntakeError(f"'{path}' must be text, not {type(value).__name__}")
        raw[name] = str(value)
    if "reason" in raw:
        raw["reason"] = _reason_id(form, raw["reason"])
    raw["identifier_kind"] = str(mapping.get("identifier_kind", ""))
    raw["privacy"] = "yes"  # the form builder showed its own privacy statement
    uploads = _uploads(_lookup(data, paths["attachments"]) if "attachments" in paths else None)
    key_path = mapping.get("submission_key", "metadata.public_reference")
    given = _lookup(data, key_path)
    if isinstance(given, str | int) and str(given).strip():
        key = f"{source}:{given}"
    else:
        key = f"{source}:sha256:{hashlib.sha256(body).hexdigest()}"
    language = "en" if mapping.get("language") == "en" else "nl"
    return MappedSubmission(key[:100], language, raw, uploads)


def _lookup(data: dict, path: str):
    node = data
    parts = path.split(".")
    if parts[0] == "metadata":
        node, parts = data.get("metadata") or {}, parts[1:]
    else:
        node = data["values"]
        if parts[0] == "values":
            parts = parts[1:]
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _reason_id(form: FormSettings, value: str) -> str:
    for reason in form.reasons:
        if value in (reason.code, str(reason.id)):
            return str(reason.id)
    return value  # not one of the form's: the field check refuses it


def _uploads(value) -> list[Upload]:
    if value in (None, "", []):
        return []
    files = value if isinstance(value, list) else [value]
    uploads = []
    for f in files:
        if not isinstance(f, dict) or not isinstance(f.get("content"), str):
            raise IntakeError("a file is an object with 'file_name' and base64 'content'")
        try:
            data = base64.b64decode(f["content"], validate=True)
        except (binascii.Error, ValueError):
            raise IntakeError("a file's 'content' is not base64") from None
        uploads.append(Upload(str(f.get("file_name") or "bijlage")[:200], data))
    return uploads


async def add_source(
    session: AsyncSession, name: str, product_id: int, mapping: dict
) -> tuple[WebformSource, str]:
    """A new source and its token (shown once; only its hash is kept)."""
    token = new_token()
    row = WebformSource(
        name=name[:100], product_id=product_id, token_hash=hash_token(token), mapping=mapping
    )
    session.add(row)
    await session.commit()
    return row, token
