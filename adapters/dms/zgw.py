"""The ZGW Documenten API as DMS (VNG standard; e.g. Open Zaak).

- Authentication: a ZGW JWT, HS256-signed with the client's secret, carrying
  ``client_id`` (and ``iss``), ``iat``, ``user_id`` and ``user_representation``.
- Small documents: one POST of an EnkelvoudigInformatieObject with base64 ``inhoud``.
- Large documents (over ``zgw_chunk_bytes``): POST with ``bestandsomvang`` and no
  ``inhoud``; the API answers with the object locked and its ``bestandsdelen``;
  each part is PUT (multipart: ``inhoud`` + ``lock``); then ``/unlock``.
- Idempotent: before creating, look for a document with our ``identificatie``
  (reference + file name); a retry after a lost answer finds it.
- Destroy: DELETE of the object (404 counts as done).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import date

import httpx

from adapters.dms import DmsDocument, DmsRefused, DmsUnavailable, RecordMeta, StoredDocument

FORMATS = {"message/rfc822": "message/rfc822"}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def zgw_jwt(client_id: str, secret: str, user_id: str = "pulse", now: int | None = None) -> str:
    """A ZGW API token (HS256). Small enough to write out rather than add a library."""
    header = {"alg": "HS256", "typ": "JWT"}
    claims = {
        "iss": client_id,
        "iat": int(now if now is not None else time.time()),
        "client_id": client_id,
        "user_id": user_id,
        "user_representation": "PULSE",
    }
    signing_input = ".".join(
        _b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
    )
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64url(signature)}"


def identificatie(meta: RecordMeta, doc: DmsDocument) -> str:
    """Unique per record and document (max 40 chars in the API): reference + digest."""
    digest = hashlib.sha256(f"{meta.reference}/{doc.name}".encode()).hexdigest()[:16]
    return f"{meta.reference}-{digest}"[:40]


class ZgwDms:
    backend = "zgw"

    def __init__(
        self,
        base_url: str,
        client_id: str,
        secret: str,
        bronorganisatie: str,
        informatieobjecttype: str,
        chunk_bytes: int = 4 * 1024 * 1024,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id, self._secret = client_id, secret
        self.bronorganisatie = bronorganisatie
        self.informatieobjecttype = informatieobjecttype
        self.chunk_bytes = chunk_bytes
        self._http = httpx.AsyncClient(timeout=30, transport=transport)

    @classmethod
    def from_settings(cls, settings) -> ZgwDms:
        return cls(
            settings.zgw_documenten_url,
            settings.zgw_client_id,
            settings.zgw_secret.get_secret_value(),
            settings.zgw_bronorganisatie,
            settings.zgw_informatieobjecttype,
            settings.zgw_chunk_bytes,
        )

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {zgw_jwt(self.client_id, self._secret)}",
            "Accept-Crs": "EPSG:4326",
            "Content-Crs": "EPSG:4326",
        }

    async def _call(self, method: str, url: str, **kw) -> httpx.Response:
        try:
            response = await self._http.request(method, url, headers=self._headers(), **kw)
        except httpx.HTTPError as exc:
            raise DmsUnavailable(f"Documenten API not reachable: {exc}") from exc
        if response.status_code >= 500:
            raise DmsUnavailable(f"Documenten API answered {response.status_code}")
        return response

    @staticmethod
    def _check(response: httpx.Response, *ok: int) -> dict:
        if response.status_code not in ok:
            detail = response.text[:300]
            raise DmsRefused(f"Documenten API refused: {response.status_code} {detail}")
        return response.json() if response.content else {}

    async def _existing(self, ident: str) -> dict | None:
        response = await self._call(
            "GET",
            f"{self.base_url}/enkelvoudiginformatieobjecten",
            params={"bronorganisatie": self.bronorganisatie, "identificatie": ident},
        )
        body = self._check(response, 200)
        results = body.get("results", body if isinstance(body, list) else [])
        return results[0] if results else None

    def _object(self, meta: RecordMeta, doc: DmsDocument, ident: str) -> dict:
        return {
            "identificatie": ident,
            "bronorganisatie": self.bronorganisatie,
            "creatiedatum": (meta.closed_on or date.today()).isoformat(),
            "titel": (doc.title or doc.name)[:200],
            "auteur": meta.author[:200],
            "taal": "dut",
            "formaat": doc.content_type,
            "bestandsnaam": doc.name[:255],
            "informatieobjecttype": self.informatieobjecttype,
            "vertrouwelijkheidaanduiding": meta.confidentiality,
            "beschrijving": f"{meta.product_code} {meta.channel} {meta.reference}"[:1000],
        }

    async def store(self, meta: RecordMeta, doc: DmsDocument) -> StoredDocument:
        ident = identificatie(meta, doc)
        digest = hashlib.sha256(doc.data).hexdigest()
        found = await self._existing(ident)
        if found is not None and not found.get("locked"):
            return StoredDocument(found["url"], doc.name, doc.kind, digest, len(doc.data))
        if found is not None:  # a chunked upload that was interrupted: start it again
            await self.destroy(found["url"])
        body = self._object(meta, doc, ident)
        if len(doc.data) <= self.chunk_bytes:
            body["inhoud"] = base64.b64encode(doc.data).decode()
            url = f"{self.base_url}/enkelvoudiginformatieobjecten"
            created = self._check(await self._call("POST", url, json=body), 201)
            return StoredDocument(created["url"], doc.name, doc.kind, digest, len(doc.data))
        return await self._store_in_parts(body, doc, digest)

    async def _store_in_parts(self, body: dict, doc: DmsDocument, digest: str) -> StoredDocument:
        body |= {"inhoud": None, "bestandsomvang": len(doc.data)}
        created = self._check(
            await self._call("POST", f"{self.base_url}/enkelvoudiginformatieobjecten", json=body),
            201,
        )
        lock = created["lock"]
        offset = 0
        for part in sorted(created["bestandsdelen"], key=lambda p: p["volgnummer"]):
            chunk = doc.data[offset : offset + part["omvang"]]
            offset += part["omvang"]
            self._check(
                await self._call(
                    "PUT",
                    part["url"],
                    data={"lock": lock},
                    files={"inhoud": (doc.name, chunk, "application/octet-stream")},
                ),
                200,
            )
        self._check(await self._call("POST", f"{created['url']}/unlock", json={"lock": lock}), 204)
        parts = len(created["bestandsdelen"])
        return StoredDocument(
            created["url"], doc.name, doc.kind, digest, len(doc.data), {"parts": parts}
        )

    async def fetch(self, dms_id: str) -> bytes:
        response = await self._call("GET", f"{dms_id}/download")
        if response.status_code != 200:
            raise DmsRefused(f"download refused: {response.status_code}")
        return response.content

    async def destroy(self, dms_id: str) -> None:
        response = await self._call("DELETE", dms_id)
        if response.status_code not in (204, 404):
            raise DmsRefused(f"delete refused: {response.status_code} {response.text[:300]}")

    async def close(self) -> None:
        await self._http.aclose()
