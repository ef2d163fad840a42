"""The records workflows against stub activities: a closed contact's archive that
outlasts a DMS outage, and the destruction list from collection to certificate."""

from __future__ import annotations

from contracts.records import (
    ArchiveResult,
    CertificateInput,
    CollectInput,
    DecideResult,
    DecisionRecord,
    DestroyInput,
    DestructionResult,
    DestructionState,
    RecordRef,
)
from tests.workflows.scenarios import run_named
from tests.workflows.stubs import Stubs


async def test_archive_retries_the_dms_and_keeps_the_pending_record(skipping_env):
    out = await run_named(skipping_env, "archive")
    wf = "archive-WFT-ARCHIVE"
    assert [c.name for c in out.stubs.of(wf)] == [
        "mark_archiving_pending",
        "archive_contact",  # the DMS is down
        "archive_contact",
    ]
    assert out.stubs.args(wf, "archive_contact") == [RecordRef(201), RecordRef(201)]
    # the upload names no record of its own: the one marked pending is the record
    assert out.results[wf] == ArchiveResult(
        record_id=Stubs.RECORD_OFFSET + 201, status="archived", documents=2
    )


async def test_destruction_list_decided_item_by_item(skipping_env):
    out = await run_named(skipping_env, "destruction_list")
    wf = "destruction-WFT-LIST"
    steps = out.steps

    assert steps["state_collected"] == DestructionState(list_id=77, pending=[11, 12, 13])
    assert steps["approve"] == DecideResult(pending=2)
    assert steps["approve_again"] == "NotPending"
    assert steps["withhold_without_reason"] == "ReasonRequired"
    assert steps["withhold"] == DecideResult(pending=1)
    assert steps["not_on_list"] == "NotPending"
    assert steps["approve_last"] == DecideResult(pending=0)

    assert [c.name for c in out.stubs.of(wf)] == [
        "collect_destruction_list",
        "record_destruction_decision",
        "record_destruction_decision",
        "record_destruction_decision",
        "destroy_record",
        "destroy_record",
        "issue_destruction_certificate",
    ]
    assert out.stubs.args(wf, "collect_destruction_list") == [CollectInput(wf, "2026-11-30")]
    assert out.stubs.args(wf, "record_destruction_decision") == [
        DecisionRecord(77, 90, 11, True),
        DecisionRecord(77, 90, 12, False, "objection pending"),
        DecisionRecord(77, 90, 13, True),
    ]
    # only approved items are destroyed; one under legal hold in the DMS survives
    assert out.stubs.args(wf, "destroy_record") == [DestroyInput(77, 11), DestroyInput(77, 13)]
    assert out.stubs.args(wf, "issue_destruction_certificate") == [
        CertificateInput(77, destroyed=[11], not_destroyed=[13, 12])
    ]
    assert out.results[wf] == DestructionResult(
        list_id=77, destroyed=1, withheld=2, certificate_id=Stubs.CERTIFICATE_ID
    )
    assert steps["state_done"] == DestructionState(
        list_id=77, approved=[11, 13], withheld=[12], done=True
    )


async def test_empty_destruction_list_ends_without_certificate(skipping_env):
    out = await run_named(skipping_env, "empty_destruction_list")
    wf = "destruction-WFT-EMPTY"
    assert [c.name for c in out.stubs.of(wf)] == ["collect_destruction_list"]
    assert out.results[wf] == DestructionResult(list_id=77)
    assert out.steps["state_done"] == DestructionState(list_id=77, done=True)
