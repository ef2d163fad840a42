"""Temporal payloads are sealed (AES-GCM, key id in the metadata): unreadable in the
server's history, decodable through the codec endpoint by ops only, and a key
rotation does not break a workflow that is already running."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass

import pytest
from google.protobuf.message import Message as ProtoMessage
from temporalio import workflow
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from adapters.temporal.codec import (
    ENCODING,
    KEY_ID_FIELD,
    UnknownKey,
    codec_from_settings,
    data_converter,
    payloads_to_json,
)
from config.settings import SettingsError, load_settings
from tests.api_support import client_for, login, running_app, seeded

SECRET = "Jan Jansen, BSN 111222333"


@dataclass
class Secretive:
    text: str


@workflow.defn(sandboxed=False)
class SecretWorkflow:
    def __init__(self) -> None:
        self._more: list[str] = []

    @workflow.run
    async def run(self, inp: Secretive) -> Secretive:
        await workflow.wait_condition(lambda: bool(self._more))
        return Secretive(inp.text + " / " + " ".join(self._more))

    @workflow.signal
    def more(self, inp: Secretive) -> None:
        self._more.append(inp.text)


def client_with(base: Client, settings) -> Client:
    return Client(
        base.service_client, namespace=base.namespace, data_converter=data_converter(settings)
    )


async def raw_history(client: Client, workflow_id: str) -> list[Payload]:
    """Every payload in the history as the server stores it (no decoding)."""
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    found: list[Payload] = []

    def walk(msg) -> None:
        if isinstance(msg, Payload):
            found.append(msg)
            return
        for field, value in msg.ListFields():
            if field.message_type is None:
                continue
            if isinstance(value, ProtoMessage):
                walk(value)
            else:  # repeated field or map
                for item in value.values() if hasattr(value, "values") else value:
                    walk(item)

    for event in history.events:
        walk(event)
    return found


async def run_secret_workflow(client: Client, workflow_id: str) -> None:
    async with Worker(
        client,
        task_queue=workflow_id,
        workflows=[SecretWorkflow],
        workflow_runner=UnsandboxedWorkflowRunner(),
    ):
        handle = await client.start_workflow(
            SecretWorkflow.run, Secretive(SECRET), id=workflow_id, task_queue=workflow_id
        )
        await handle.signal(SecretWorkflow.more, Secretive("erbij"))
        assert (await handle.result()).text == SECRET + " / erbij"


async def test_history_holds_only_sealed_payloads(temporal_env):
    workflow_id = f"secret-{uuid.uuid4()}"
    await run_secret_workflow(temporal_env.client, workflow_id)
    payloads = await raw_history(temporal_env.client, workflow_id)
    assert len(payloads) >= 3  # input, signal, result
    for p in payloads:
        assert p.metadata["encoding"] == ENCODING
        assert p.metadata[KEY_ID_FIELD] == b"dev-only-1"
        assert b"Jansen" not in p.data and b"111222333" not in p.data


async def test_codec_endpoint_decodes_for_ops_only(temporal_env, db, settings):
    workflow_id = f"secret-{uuid.uuid4()}"
    await run_secret_workflow(temporal_env.client, workflow_id)
    sealed = payloads_to_json(await raw_history(temporal_env.client, workflow_id))
    await seeded(db)
    async with running_app(settings, db) as app:
        async with client_for(app) as anonymous:
            r = await anonymous.post("/codec/decode", json={"payloads": sealed})
            assert r.status_code == 401
        async with client_for(app) as agent:
            csrf = await login(agent, db, "agent")
            r = await agent.post(
                "/codec/decode", json={"payloads": sealed}, headers={"X-CSRF-Token": csrf}
            )
            assert r.status_code == 403
        async with client_for(app) as ops:
            csrf = await login(ops, db, "ops")
            r = await ops.post("/codec/decode", json={"payloads": sealed})
            assert r.status_code == 403  # no CSRF token, not from Temporal Web's origin
            r = await ops.post(
                "/codec/decode", json={"payloads": sealed}, headers={"X-CSRF-Token": csrf}
            )
            assert r.status_code == 200, r.text
            texts = [base64.b64decode(p["data"]) for p in r.json()["payloads"]]
            assert any(SECRET.encode() in t for t in texts)
            plain = r.json()["payloads"][0]
            assert base64.b64decode(plain["metadata"]["encoding"]) == b"json/plain"

            # Temporal Web: from its origin, with the session cookie, CORS answered.
            ui = settings.temporal_web_url.rstrip("/")
            pre = await ops.options(
                "/codec/decode",
                headers={"Origin": ui, "Access-Control-Request-Method": "POST"},
            )
            assert pre.status_code == 204
            assert pre.headers["access-control-allow-origin"] == ui
            assert pre.headers["access-control-allow-credentials"] == "true"
            r = await ops.post(
                "/codec/decode",
                json={"payloads": sealed},
                headers={"Origin": ui, "X-Namespace": "default"},
            )
            assert r.status_code == 200 and r.headers["access-control-allow-origin"] == ui
            evil = await ops.options("/codec/decode", headers={"Origin": "http://evil.test"})
            assert "access-control-allow-origin" not in evil.headers

            # round trip through /codec/encode
            r = await ops.post(
                "/codec/encode", json={"payloads": [plain]}, headers={"X-CSRF-Token": csrf}
            )
            resealed = r.json()["payloads"][0]
            assert base64.b64decode(resealed["metadata"]["encoding"]) == ENCODING
    # who decoded is in the audit log
    from sqlalchemy import text

    async with db() as s:
        actors = (
            (await s.execute(text("SELECT actor FROM audit_events WHERE action = 'codec.decode'")))
            .scalars()
            .all()
        )
    assert set(actors) == {"ops"}


async def test_key_rotation_keeps_a_running_workflow_going(temporal_env):
    old_key = base64.b64encode(b"k" * 32).decode()
    new_key = base64.b64encode(b"n" * 32).decode()
    before = load_settings(environment="test", codec_keys={"k1": old_key}, codec_current_key="k1")
    after = load_settings(
        environment="test", codec_keys={"k1": old_key, "k2": new_key}, codec_current_key="k2"
    )
    workflow_id = f"rotate-{uuid.uuid4()}"
    old_client = client_with(temporal_env.client, before)
    # No sticky cache: the time-skipping server does not hand a stopped worker's
    # sticky tasks back to the normal queue (a real server does after 5 s).
    async with Worker(
        old_client,
        task_queue=workflow_id,
        workflows=[SecretWorkflow],
        workflow_runner=UnsandboxedWorkflowRunner(),
        max_cached_workflows=0,
    ):
        handle = await old_client.start_workflow(
            SecretWorkflow.run, Secretive(SECRET), id=workflow_id, task_queue=workflow_id
        )
        await handle.describe()
    # The keys rotate; the worker restarts with the new keyring while the workflow waits.
    new_client = client_with(temporal_env.client, after)
    async with Worker(
        new_client,
        task_queue=workflow_id,
        workflows=[SecretWorkflow],
        workflow_runner=UnsandboxedWorkflowRunner(),
    ):
        handle = new_client.get_workflow_handle(workflow_id, result_type=Secretive)
        await handle.signal(SecretWorkflow.more, Secretive("na rotatie"))
        assert (await handle.result()).text == SECRET + " / na rotatie"
    key_ids = {p.metadata[KEY_ID_FIELD] for p in await raw_history(new_client, workflow_id)}
    assert key_ids == {b"k1", b"k2"}
    # Without the old key the old part is unreadable: the keyring is what keeps it going.
    only_new = load_settings(environment="test", codec_keys={"k2": new_key}, codec_current_key="k2")
    history = await raw_history(new_client, workflow_id)
    old_part = [p for p in history if p.metadata[KEY_ID_FIELD] == b"k1"]
    with pytest.raises(UnknownKey):
        await codec_from_settings(only_new).decode(old_part)


def test_production_refuses_the_dev_key():

    with pytest.raises(SettingsError, match="codec_keys"):
        load_settings(environment="production", secret_key="x" * 40)
    with pytest.raises(SettingsError, match="codec_current_key"):
        load_settings(codec_current_key="missing")
    with pytest.raises(SettingsError, match="16, 24 or 32"):
        load_settings(codec_keys={"dev-only-1": base64.b64encode(b"short").decode()})
