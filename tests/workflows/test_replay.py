"""Replay the stored histories (tests/workflows/histories) against today's workflow
code: a change that would break a running workflow -- another activity, timer or
child in another order, a decision taken differently -- fails here before it fails
in production on a contact that is still open. See README.md for re-recording."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from adapters.temporal.codec import ENCODING, KEY_ID_FIELD
from config.settings import load_settings
from runtime.worker import WORKFLOWS
from tests.conftest import pulse_data_converter

with workflow.unsafe.imports_passed_through():
    from contracts.records import ArchiveInput, ArchiveResult, RecordRef

HISTORIES = Path(__file__).resolve().parent / "histories"
FILES = sorted(HISTORIES.glob("*.json"))
ENCRYPTED = base64.b64encode(ENCODING).decode()  # metadata values are base64 in JSON


def load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text())


def workflow_type(path: Path) -> str:
    first = json.loads(path.read_text())["events"][0]
    return first["workflowExecutionStartedEventAttributes"]["workflowType"]["name"]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
async def test_history_replays_on_todays_workflows(path):
    replayer = Replayer(workflows=WORKFLOWS, data_converter=pulse_data_converter())
    await replayer.replay_workflow(load(path))


def test_every_workflow_has_a_stored_history():
    recorded = {workflow_type(path) for path in FILES}
    assert {wf.__name__ for wf in WORKFLOWS} <= recorded


def test_every_update_and_signal_is_in_a_stored_history():
    """A handler no history exercises is a handler whose replay nobody checks."""
    seen: dict[str, set[str]] = {}
    for path in FILES:
        names = seen.setdefault(workflow_type(path), set())
        for event in json.loads(path.read_text())["events"]:
            accepted = event.get("workflowExecutionUpdateAcceptedEventAttributes")
            if accepted:
                names.add(accepted["acceptedRequest"]["input"]["name"])
            signaled = event.get("workflowExecutionSignaledEventAttributes")
            if signaled:
                names.add(signaled["signalName"])
    for wf in WORKFLOWS:
        defn = workflow._Definition.must_from_class(wf)
        handlers = set(defn.updates) | set(defn.signals)
        missing = handlers - seen.get(defn.name, set())
        assert not missing, f"{defn.name}: no stored history has {sorted(missing)}"


def test_histories_are_sealed_with_a_key_the_tests_hold():
    """What replay decodes is what production stores: no payload in the clear, and
    sealed with a key of the test settings' keyring (PULSE's dev key)."""
    keyring = load_settings(environment="test").codec_keys
    for path in FILES:
        payloads = list(_payloads(json.loads(path.read_text())))
        assert payloads, path.name
        assert {p["metadata"]["encoding"] for p in payloads} == {ENCRYPTED}, path.name
        key_ids = {base64.b64decode(p["metadata"][KEY_ID_FIELD]).decode() for p in payloads}
        assert key_ids <= set(keyring), f"{path.name}: sealed with {key_ids}, not in the keyring"


# Marker details the SDK writes for itself, in the clear: a patch's name, and a local
# activity's bookkeeping (sequence, attempt, type, times). Its result is sealed.
SDK_MARKER_DETAILS = {"patch-data", "data"}


def _payloads(node, in_marker: bool = False):
    """Every payload of a history, but the SDK's own marker bookkeeping."""
    if isinstance(node, dict):
        for key, value in node.items():
            if in_marker and key in SDK_MARKER_DETAILS:
                continue
            if key == "payloads" and isinstance(value, list):
                yield from value
            else:
                marker = in_marker or key == "markerRecordedEventAttributes"
                yield from _payloads(value, marker)
    elif isinstance(node, list):
        for item in node:
            yield from _payloads(item, in_marker)


@workflow.defn(name="ArchiveContactWorkflow", sandboxed=False)
class ArchiveWithoutPendingMark:
    """The archive workflow with its first step dropped: replay must refuse it."""

    @workflow.run
    async def run(self, inp: ArchiveInput) -> ArchiveResult:
        return await workflow.execute_activity(
            "archive_contact",
            RecordRef(inp.contact_id),
            result_type=ArchiveResult,
            start_to_close_timeout=timedelta(minutes=10),
        )


async def test_replay_catches_a_changed_workflow():
    replayer = Replayer(
        workflows=[ArchiveWithoutPendingMark], data_converter=pulse_data_converter()
    )
    result = await replayer.replay_workflow(
        load(HISTORIES / "archive-WFT-ARCHIVE.json"), raise_on_replay_failure=False
    )
    assert result.replay_failure is not None
