"""Encrypted Temporal payloads: nothing personal is readable in workflow history.

Every payload (workflow/activity inputs and results, signals, updates, queries,
memos and failure details) is serialised and sealed with AES-GCM before it leaves
the process. The key id travels in the payload metadata, so a keyring of several
keys decodes history written under older keys: rotate by adding a new key and
making it current; remove an old key only when no open workflow still uses it.

``data_converter(settings)`` and ``connect_temporal(settings)`` are the ONE place
where a Temporal client gets its converter: the worker, the intake, the API, the
benchmarks and the test fixtures all use them, so every process agrees.
"""

from __future__ import annotations

import base64
import dataclasses
import os
from collections.abc import Iterable, Mapping, Sequence

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
)

from config.settings import parse_key  # noqa: F401  (re-exported)

ENCODING = b"binary/encrypted"
KEY_ID_FIELD = "encryption-key-id"
NONCE_BYTES = 12


class UnknownKey(ValueError):
    """A payload sealed with a key that is not in the keyring."""


class AesGcmCodec(PayloadCodec):
    def __init__(self, keys: Mapping[str, bytes], current_key_id: str) -> None:
        if current_key_id not in keys:
            raise ValueError(f"current key id {current_key_id!r} is not in the keyring")
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self._current = current_key_id

    @property
    def current_key_id(self) -> str:
        return self._current

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.seal(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.open(p) for p in payloads]

    def seal(self, payload: Payload) -> Payload:
        nonce = os.urandom(NONCE_BYTES)
        key_id = self._current.encode()
        # The key id is authenticated data: moving a payload to another key id fails.
        sealed = self._ciphers[self._current].encrypt(nonce, payload.SerializeToString(), key_id)
        return Payload(metadata={"encoding": ENCODING, KEY_ID_FIELD: key_id}, data=nonce + sealed)

    def open(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload  # not ours (e.g. written before encryption was switched on)
        key_id = payload.metadata.get(KEY_ID_FIELD, b"").decode()
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise UnknownKey(f"payload sealed with key {key_id!r}, not in the keyring")
        nonce, sealed = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
        return Payload.FromString(cipher.decrypt(nonce, sealed, key_id.encode()))


def codec_from_settings(settings) -> AesGcmCodec:
    keys = {key_id: parse_key(v.get_secret_value()) for key_id, v in settings.codec_keys.items()}
    return AesGcmCodec(keys, settings.codec_current_key)


def data_converter(settings) -> DataConverter:
    """The converter of every PULSE process: default JSON payloads, sealed by the
    codec; failure messages and stack traces go into the sealed part as well."""
    return dataclasses.replace(
        DataConverter.default,
        payload_codec=codec_from_settings(settings),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


async def connect_temporal(settings, **kwargs) -> Client:
    """A Temporal client for PULSE, with the encrypting converter."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        tls=settings.temporal_tls,
        data_converter=data_converter(settings),
        **kwargs,
    )


# --- the codec-server protocol (JSON payloads, as Temporal Web and the CLI send) ----


def payloads_from_json(items: Iterable[Mapping]) -> list[Payload]:
    return [
        Payload(
            metadata={k: base64.b64decode(v) for k, v in (item.get("metadata") or {}).items()},
            data=base64.b64decode(item.get("data") or ""),
        )
        for item in items
    ]


def payloads_to_json(payloads: Iterable[Payload]) -> list[dict]:
    return [
        {
            "metadata": {k: base64.b64encode(v).decode() for k, v in p.metadata.items()},
            "data": base64.b64encode(p.data).decode(),
        }
        for p in payloads
    ]
