"""Temporal Web reads the codec's refusals: a 401 or 403 from /codec carries the CORS
headers for Temporal Web's origin (and only for that origin), so Temporal Web can say
why instead of "Codec Server could not connect"."""

from __future__ import annotations

from tests.api_support import client_for, login, running_app, seeded


async def test_codec_refusals_carry_cors_for_temporal_web(db, settings):
    await seeded(db)
    ui = settings.temporal_web_url.rstrip("/")
    async with running_app(settings, db) as app:
        async with client_for(app) as anonymous:
            r = await anonymous.post("/codec/decode", json={"payloads": []}, headers={"Origin": ui})
            assert r.status_code == 401
            assert r.headers["access-control-allow-origin"] == ui
            assert r.headers["access-control-allow-credentials"] == "true"
            assert "Include cross-origin credentials" in r.json()["detail"]
            foreign = await anonymous.post(
                "/codec/decode", json={"payloads": []}, headers={"Origin": "http://evil.test"}
            )
            assert foreign.status_code == 401
            assert "access-control-allow-origin" not in foreign.headers
        async with client_for(app) as agent:
            await login(agent, db, "agent")
            r = await agent.post("/codec/decode", json={"payloads": []}, headers={"Origin": ui})
            assert r.status_code == 403
            assert r.headers["access-control-allow-origin"] == ui
