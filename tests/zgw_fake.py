"""A small local fake of the ZGW Documenten API (v1.x), on loopback HTTP.

Built from the published OpenAPI shapes of the resources PULSE uses:
``enkelvoudiginformatieobjecten`` (list by bronorganisatie + identificatie, create
with base64 ``inhoud`` or with ``bestandsomvang`` for bestandsdelen, download,
unlock, delete) and ``bestandsdelen`` (PUT multipart ``inhoud`` + ``lock``). It
checks the ZGW JWT (HS256, client_id) and the required fields, and can be switched
"down" (503) to test outages.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import uvicorn
from fastapi import FastAPI, Form, Request, UploadFile
from fastapi.responses import JSONResponse, Response

PREFIX = "/documenten/api/v1"
REQUIRED = (
    "bronorganisatie",
    "creatiedatum",
    "titel",
    "auteur",
    "taal",
    "informatieobjecttype",
)
VERTROUWELIJKHEID = {
    "openbaar",
    "beperkt_openbaar",
    "intern",
    "zaakvertrouwelijk",
    "vertrouwelijk",
    "confidentieel",
    "geheim",
    "zeer_geheim",
}


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


@dataclass
class FakeDocumentenApi:
    client_id: str = "pulse"
    secret: str = "fake-zgw-secret"
    part_size: int = 1000
    down: bool = False
    objects: dict[str, dict] = field(default_factory=dict)
    content: dict[str, bytes] = field(default_factory=dict)
    parts: dict[str, dict] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    base_url: str = ""

    def token_ok(self, header: str | None) -> bool:
        if not header or not header.startswith("Bearer "):
            return False
        try:
            head, claims, sig = header.removeprefix("Bearer ").split(".")
            expected = hmac.new(
                self.secret.encode(), f"{head}.{claims}".encode(), hashlib.sha256
            ).digest()
            if not hmac.compare_digest(expected, _unb64(sig)):
                return False
            return (
                json.loads(_unb64(head))["alg"] == "HS256"
                and json.loads(_unb64(claims))["client_id"] == self.client_id
            )
        except (ValueError, KeyError):
            return False

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.middleware("http")
        async def gate(request: Request, call_next):
            self.calls.append(f"{request.method} {request.url.path}")
            if self.down:
                return JSONResponse({"detail": "onderhoud"}, status_code=503)
            if not self.token_ok(request.headers.get("authorization")):
                return JSONResponse({"code": "not_authenticated"}, status_code=403)
            return await call_next(request)

        @app.get(f"{PREFIX}/enkelvoudiginformatieobjecten")
        async def list_objects(bronorganisatie: str = "", identificatie: str = ""):
            found = [
                o
                for o in self.objects.values()
                if (not bronorganisatie or o["bronorganisatie"] == bronorganisatie)
                and (not identificatie or o["identificatie"] == identificatie)
            ]
            return {"count": len(found), "next": None, "previous": None, "results": found}

        @app.post(f"{PREFIX}/enkelvoudiginformatieobjecten", status_code=201)
        async def create(request: Request):
            body = await request.json()
            missing = [f for f in REQUIRED if not body.get(f)]
            if missing:
                return JSONResponse(
                    {"invalidParams": [{"name": f, "code": "required"} for f in missing]},
                    status_code=400,
                )
            if body.get("taal") != "dut" and len(body.get("taal", "")) != 3:
                return JSONResponse({"invalidParams": [{"name": "taal"}]}, status_code=400)
            if body.get("vertrouwelijkheidaanduiding") not in VERTROUWELIJKHEID:
                return JSONResponse(
                    {"invalidParams": [{"name": "vertrouwelijkheidaanduiding"}]}, status_code=400
                )
            oid = str(uuid.uuid4())
            url = f"{self.base_url}{PREFIX}/enkelvoudiginformatieobjecten/{oid}"
            obj = {k: v for k, v in body.items() if k != "inhoud"}
            obj |= {"url": url, "versie": 1, "locked": False, "bestandsdelen": []}
            if body.get("inhoud"):
                data = base64.b64decode(body["inhoud"])
                self.content[oid] = data
                obj |= {"bestandsomvang": len(data), "inhoud": f"{url}/download"}
            else:
                size = int(body.get("bestandsomvang") or 0)
                lock = uuid.uuid4().hex
                obj |= {"locked": True, "bestandsomvang": size, "_lock": lock}
                for n, start in enumerate(range(0, size, self.part_size), start=1):
                    pid = str(uuid.uuid4())
                    part = {
                        "url": f"{self.base_url}{PREFIX}/bestandsdelen/{pid}",
                        "volgnummer": n,
                        "omvang": min(self.part_size, size - start),
                        "voltooid": False,
                    }
                    self.parts[pid] = part | {"_object": oid, "_data": b""}
                    obj["bestandsdelen"].append(part)
            self.objects[oid] = obj
            out = {k: v for k, v in obj.items() if not k.startswith("_")}
            if obj["locked"]:
                out["lock"] = obj["_lock"]
            return out

        @app.put(f"{PREFIX}/bestandsdelen/{{pid}}")
        async def upload_part(pid: str, inhoud: UploadFile, lock: str = Form()):
            part = self.parts.get(pid)
            if part is None:
                return JSONResponse({"detail": "niet gevonden"}, status_code=404)
            obj = self.objects[part["_object"]]
            if lock != obj.get("_lock"):
                return JSONResponse({"code": "incorrect-lock-id"}, status_code=400)
            data = await inhoud.read()
            if len(data) != part["omvang"]:
                return JSONResponse({"code": "file-size"}, status_code=400)
            part["_data"], part["voltooid"] = data, True
            for p in obj["bestandsdelen"]:
                if p["url"] == part["url"]:
                    p["voltooid"] = True
            return {k: v for k, v in part.items() if not k.startswith("_")}

        @app.post(f"{PREFIX}/enkelvoudiginformatieobjecten/{{oid}}/unlock", status_code=204)
        async def unlock(oid: str, request: Request):
            obj = self.objects.get(oid)
            body = await request.json()
            if obj is None or body.get("lock") != obj.get("_lock"):
                return JSONResponse({"code": "incorrect-lock-id"}, status_code=400)
            mine = sorted(
                (p for p in self.parts.values() if p["_object"] == oid),
                key=lambda p: p["volgnummer"],
            )
            if not all(p["voltooid"] for p in mine):
                return JSONResponse({"code": "incomplete-upload"}, status_code=400)
            self.content[oid] = b"".join(p["_data"] for p in mine)
            obj |= {"locked": False, "bestandsdelen": [], "inhoud": f"{obj['url']}/download"}
            obj.pop("_lock", None)
            return Response(status_code=204)

        @app.get(f"{PREFIX}/enkelvoudiginformatieobjecten/{{oid}}/download")
        async def download(oid: str):
            if oid not in self.content:
                return JSONResponse({"detail": "niet gevonden"}, status_code=404)
            return Response(self.content[oid], media_type="application/octet-stream")

        @app.delete(f"{PREFIX}/enkelvoudiginformatieobjecten/{{oid}}", status_code=204)
        async def destroy(oid: str):
            if self.objects.pop(oid, None) is None:
                return JSONResponse({"detail": "niet gevonden"}, status_code=404)
            self.content.pop(oid, None)
            return Response(status_code=204)

        return app


@asynccontextmanager
async def running_fake(port: int, **kwargs):
    fake = FakeDocumentenApi(**kwargs)
    fake.base_url = f"http://127.0.0.1:{port}"
    config = uvicorn.Config(fake.app(), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # up to 10 s
        if server.started:
            break
        await asyncio.sleep(0.02)
    try:
        yield fake
    finally:
        server.should_exit = True
        await task
