"""OIDC single sign-on against a local provider fake: MFA required (amr/acr), users
linked or created with roles and accreditations from claims, forged flows refused;
local accounts keep working next to it."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
from sqlalchemy import text
from sqlmodel import select

from db.models.contacts import Accreditation, Product, User
from tests.api_support import BASE_URL, client_for, login, running_app, seeded
from tests.conftest import free_port
from tests.oidc_fake import running_provider


def sso_settings(settings, provider):
    return dict(
        oidc_enabled=True,
        oidc_issuer=provider.base_url,
        oidc_client_id="pulse",
        oidc_client_secret=provider.client_secret,
        public_url=BASE_URL,
    )


async def sso_login(app_client: httpx.AsyncClient, tamper_state: bool = False):
    """Browser steps: PULSE -> provider (logs in at once) -> PULSE callback."""
    start = await app_client.get("/login/oidc", params={"next": "/api/auth/me"})
    assert start.status_code == 303, start.text
    async with httpx.AsyncClient() as browser:
        at_provider = await browser.get(start.headers["location"])
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["location"])
    query = back.query.replace("state=", "state=x") if tamper_state else back.query
    return await app_client.get(f"{back.path}?{query}")


async def test_sso_login_with_mfa_creates_user_from_claims(db, settings):
    await seeded(db)
    async with running_provider(free_port()) as idp:
        idp.person = {
            "sub": "u-1001",
            "preferred_username": "sso.agent",
            "name": "Sanne SSO",
            "email": "sanne@cibg.test",
            "amr": ["pwd", "otp"],
            "pulse_role": ["agent"],
            "pulse_products": ["BIG", "DONOR"],
        }
        from pydantic import SecretStr

        cfg = settings.model_copy(update=sso_settings(settings, idp))
        cfg.oidc_client_secret = SecretStr(idp.client_secret)
        async with running_app(cfg, db) as app, client_for(app) as browser:
            done = await sso_login(browser)
            assert done.status_code == 303 and done.headers["location"] == "/api/auth/me"
            me = await browser.get("/api/auth/me")
            assert me.status_code == 200 and me.json()["username"] == "sso.agent"
            assert (await browser.get("/api/tasks")).status_code == 200  # MFA passed
            page = await browser.get("/login", headers={"Accept": "text/html"})
            assert page.status_code in (200, 303)
        async with db() as s:
            user = (await s.exec(select(User).where(User.username == "sso.agent"))).one()
            assert user.role == "agent" and user.oidc_subject.endswith("#u-1001")
            codes = (
                await s.exec(
                    select(Product.code)
                    .join(Accreditation, Accreditation.product_id == Product.id)
                    .where(Accreditation.user_id == user.id)
                )
            ).all()
            assert sorted(codes) == ["BIG", "DONOR"]


async def test_sso_without_second_factor_is_refused(db, settings):
    await seeded(db)
    async with running_provider(free_port()) as idp:
        idp.person = {"sub": "u-1002", "preferred_username": "agent", "amr": ["pwd"]}
        from pydantic import SecretStr

        cfg = settings.model_copy(update=sso_settings(settings, idp))
        cfg.oidc_client_secret = SecretStr(idp.client_secret)
        async with running_app(cfg, db) as app, client_for(app) as browser:
            refused = await sso_login(browser)
            assert refused.status_code == 401
            assert (await browser.get("/api/auth/me")).status_code == 401
            # an accepted assurance level (acr) counts as MFA when configured
            cfg2 = cfg.model_copy(update={"oidc_mfa_acr": ["urn:cibg:loa:substantial"]})
        idp.person |= {"acr": "urn:cibg:loa:substantial"}
        async with running_app(cfg2, db) as app, client_for(app) as browser:
            ok = await sso_login(browser)
            assert ok.status_code == 303
            me = (await browser.get("/api/auth/me")).json()
            assert me["username"] == "agent" and me["role"] == "agent"  # linked, role kept
            # forged state, wrong nonce: refused
        async with running_app(cfg2, db) as app, client_for(app) as browser:
            assert (await sso_login(browser, tamper_state=True)).status_code == 401
        idp.wrong_nonce = True
        async with running_app(cfg2, db) as app, client_for(app) as browser:
            assert (await sso_login(browser)).status_code == 401
            # local accounts still work next to SSO
            await login(browser, db, "manager")
    async with db() as s:
        reasons = (
            (
                await s.execute(
                    text(
                        "SELECT detail->>'reason' FROM audit_events "
                        "WHERE action = 'login.oidc' AND result = 'denied' ORDER BY chain_seq"
                    )
                )
            )
            .scalars()
            .all()
        )
    assert "no second factor" in reasons[0]
    assert "state mismatch" in reasons[1] and "id_token invalid" in reasons[2]


async def test_sso_is_absent_when_off(db, settings):
    async with running_app(settings, db) as app, client_for(app) as browser:
        assert (await browser.get("/login/oidc")).status_code == 404
