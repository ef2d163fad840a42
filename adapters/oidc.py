"""OIDC single sign-on: authorization code flow with PKCE, next to local accounts.

Authlib builds the authorization request (state, nonce, S256 code challenge);
joserfc (the JOSE library of Authlib's author, which Authlib itself now uses)
verifies the id_token against the provider's JWKS: signature, issuer, audience,
expiry and our nonce. MFA is enforced here: the token must say a second factor
was used (``amr``) or carry an accepted assurance level (``acr``); a local
account's TOTP step is skipped only for such a login.

Roles and accreditations come from claims when the provider sends them
(``oidc_role_claim``, ``oidc_products_claim``); otherwise PULSE's own user record
(matched by ``sub``, or linked once by username) decides.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from contracts.roles import Role

FLOW_MAX_AGE = 600  # seconds between leaving for the provider and coming back


class OidcRefused(Exception):
    """The login cannot go on; ``reason`` is for the audit log, not the person."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class OidcIdentity:
    subject: str
    username: str
    full_name: str
    email: str | None
    role: Role | None  # None: the claims do not say; PULSE's user record decides
    product_codes: list[str] | None
    amr: list[str]
    acr: str | None


# --- the signed flow cookie (state, nonce, PKCE verifier) ----------------------------------


def _sign(secret: str, payload: bytes) -> str:
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def pack_flow(secret: str, flow: dict) -> str:
    body = base64.urlsafe_b64encode(json.dumps(flow).encode()).decode()
    return f"{body}.{_sign(secret, body.encode())}"


def unpack_flow(secret: str, cookie: str | None) -> dict:
    if not cookie or "." not in cookie:
        raise OidcRefused("no login in progress (flow cookie missing)")
    body, sig = cookie.rsplit(".", 1)
    if not hmac.compare_digest(sig, _sign(secret, body.encode())):
        raise OidcRefused("flow cookie signature wrong")
    flow = json.loads(base64.urlsafe_b64decode(body))
    if time.time() - flow["at"] > FLOW_MAX_AGE:
        raise OidcRefused("login took too long")
    return flow


# --- provider -------------------------------------------------------------------------------


class OidcProvider:
    def __init__(self, settings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self._transport = transport
        self._meta: dict | None = None

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=10, transport=self._transport)

    async def metadata(self) -> dict:
        if self._meta is None:
            url = self.settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration"
            async with self._client() as http:
                response = await http.get(url)
            response.raise_for_status()
            self._meta = response.json()
        return self._meta

    async def authorization_url(self, redirect_uri: str, next_path: str) -> tuple[str, dict]:
        meta = await self.metadata()
        flow = {
            "state": generate_token(32),
            "nonce": generate_token(32),
            "verifier": generate_token(64),
            "next": next_path,
            "at": int(time.time()),
        }
        url = prepare_grant_uri(
            meta["authorization_endpoint"],
            self.settings.oidc_client_id,
            "code",
            redirect_uri=redirect_uri,
            scope=self.settings.oidc_scopes,
            state=flow["state"],
            nonce=flow["nonce"],
            code_challenge=create_s256_code_challenge(flow["verifier"]),
            code_challenge_method="S256",
        )
        return url, flow

    async def identity(self, flow: dict, code: str, state: str, redirect_uri: str) -> OidcIdentity:
        if not hmac.compare_digest(state or "", flow["state"]):
            raise OidcRefused("state mismatch")
        meta = await self.metadata()
        async with self._client() as http:
            response = await http.post(
                meta["token_endpoint"],
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": redirect_uri,
                    "code_verifier": flow["verifier"],
                },
                auth=(
                    self.settings.oidc_client_id,
                    self.settings.oidc_client_secret.get_secret_value(),
                ),
            )
            if response.status_code != 200:
                raise OidcRefused(f"token endpoint answered {response.status_code}")
            id_token = response.json().get("id_token")
            jwks = (await http.get(meta["jwks_uri"])).json()
        if not id_token:
            raise OidcRefused("no id_token")
        claims = self._verified_claims(id_token, jwks, flow["nonce"], meta["issuer"])
        return self._identity(claims)

    def _verified_claims(self, id_token: str, jwks: dict, nonce: str, issuer: str) -> dict:
        try:
            token = jwt.decode(
                id_token, KeySet.import_key_set(jwks), algorithms=["RS256", "ES256", "PS256"]
            )
            jwt.JWTClaimsRegistry(
                leeway=60,
                iss={"essential": True, "value": issuer},
                aud={"essential": True, "value": self.settings.oidc_client_id},
                nonce={"essential": True, "value": nonce},
                sub={"essential": True},
                exp={"essential": True},
            ).validate(token.claims)
        except (JoseError, ValueError) as exc:
            raise OidcRefused(f"id_token invalid: {exc}") from exc
        return token.claims

    def _identity(self, claims: dict) -> OidcIdentity:
        amr = claims.get("amr") or []
        amr = [amr] if isinstance(amr, str) else list(amr)
        acr = claims.get("acr")
        mfa = set(amr) & set(self.settings.oidc_mfa_amr) or (
            acr is not None and acr in self.settings.oidc_mfa_acr
        )
        if not mfa:
            raise OidcRefused(f"no second factor in the token (amr={amr}, acr={acr})")
        role = None
        raw_roles = claims.get(self.settings.oidc_role_claim)
        if raw_roles:
            names = [raw_roles] if isinstance(raw_roles, str) else list(raw_roles)
            role = next((Role(n) for n in names if n in Role.__members__), None)
        products = claims.get(self.settings.oidc_products_claim)
        return OidcIdentity(
            subject=f"{claims['iss']}#{claims['sub']}"[:255],
            username=(claims.get("preferred_username") or claims["sub"])[:100],
            full_name=(claims.get("name") or claims.get("preferred_username") or "")[:200],
            email=claims.get("email"),
            role=role,
            product_codes=list(products) if isinstance(products, list) else None,
            amr=amr,
            acr=acr,
        )
