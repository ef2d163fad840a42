"""A small OIDC provider fake on loopback HTTP: discovery, authorize (logs in the
configured person at once), token (client secret + PKCE S256), JWKS, and an
RS256-signed id_token carrying the nonce, amr/acr and PULSE's role claims."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlencode

import uvicorn
from fastapi import FastAPI, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse
from joserfc import jwt
from joserfc.jwk import RSAKey


@dataclass
class FakeOidcProvider:
    client_id: str = "pulse"
    client_secret: str = "oidc-test-secret"
    person: dict = field(default_factory=dict)  # claims of whoever logs in next
    wrong_nonce: bool = False
    base_url: str = ""
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}))
    codes: dict[str, dict] = field(default_factory=dict)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/.well-known/openid-configuration")
        async def discovery():
            return {
                "issuer": self.base_url,
                "authorization_endpoint": f"{self.base_url}/authorize",
                "token_endpoint": f"{self.base_url}/token",
                "jwks_uri": f"{self.base_url}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
            }

        @app.get("/jwks")
        async def jwks():
            return {"keys": [self.key.as_dict(private=False)]}

        @app.get("/authorize")
        async def authorize(request: Request):
            q = request.query_params
            if q.get("client_id") != self.client_id or q.get("response_type") != "code":
                return JSONResponse({"error": "invalid_request"}, status_code=400)
            code = uuid.uuid4().hex
            self.codes[code] = {
                "nonce": q.get("nonce"),
                "challenge": q.get("code_challenge"),
                "redirect_uri": q.get("redirect_uri"),
            }
            target = f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}"
            return RedirectResponse(target, status_code=302)

        @app.post("/token")
        async def token(
            request: Request,
            grant_type: str = Form(),
            code: str = Form(),
            redirect_uri: str = Form(),
            code_verifier: str = Form(),
        ):
            auth = request.headers.get("authorization", "")
            expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
            if auth != f"Basic {expected}":
                return JSONResponse({"error": "invalid_client"}, status_code=401)
            grant = self.codes.pop(code, None)
            digest = hashlib.sha256(code_verifier.encode()).digest()
            challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if grant is None or grant["redirect_uri"] != redirect_uri:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            if challenge != grant["challenge"]:
                return JSONResponse({"error": "invalid_grant", "pkce": "no"}, status_code=400)
            now = int(time.time())
            claims = {
                "iss": self.base_url,
                "aud": self.client_id,
                "iat": now,
                "exp": now + 300,
                "nonce": "not-yours" if self.wrong_nonce else grant["nonce"],
                **self.person,
            }
            id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.key)
            return {"access_token": uuid.uuid4().hex, "token_type": "Bearer", "id_token": id_token}

        return app


@asynccontextmanager
async def running_provider(port: int, **kwargs):
    fake = FakeOidcProvider(**kwargs)
    fake.base_url = f"http://127.0.0.1:{port}"
    server = uvicorn.Server(
        uvicorn.Config(fake.app(), host="127.0.0.1", port=port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started:
            break
        await asyncio.sleep(0.02)
    try:
        yield fake
    finally:
        server.should_exit = True
        await task
