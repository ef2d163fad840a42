"""Records workflows: a closed contact goes to the DMS; the daily destruction list.

ArchiveContactWorkflow (ID ``archive-<reference>``): started by the ContactWorkflow
when a contact closes (a child that outlives it). It marks the record "archiving
pending" and then retries the DMS upload for as long as it takes: a DMS outage
delays a record, never loses it.

DestructionListWorkflow: started daily by a Temporal Schedule. It collects the
records past their disposal date (not under legal hold) into a destruction list;
the records manager approves or withholds each item (an Update with a validator);
approved items are destroyed in the DMS and their personal data purged from
PULSE; a certificate of destruction records what, when and whose approval.
"""

import contextlib

from temporalio import workflow
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from contracts.activities import RecordsActivityApi
    from contracts.records import (
        ArchiveInput,
        ArchiveResult,
        CertificateInput,
        CertificateResult,
        CollectInput,
        CollectResult,
        DecideRequest,
        DecideResult,
        DecisionRecord,
        DestroyInput,
        DestroyResult,
        DestructionResult,
        DestructionRunInput,
        DestructionState,
        PendingResult,
        RecordRef,
        archive_workflow_id,
    )
    from workflows.options import DB_REMOTE_ACTIVITY, DMS_ACTIVITY


async def start_archive(contact_id: int, reference: str) -> None:
    """Called by the ContactWorkflow on closing: a child that survives its parent."""
    # WorkflowAlreadyStartedError: an archive of an earlier closing is still retrying;
    # it reads the contact when it uploads, so it takes this closing along.
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await workflow.start_child_workflow(
            ArchiveContactWorkflow.run,
            ArchiveInput(contact_id=contact_id, reference=reference),
            id=archive_workflow_id(reference),
            parent_close_policy=workflow.ParentClosePolicy.ABANDON,
        )


@workflow.defn
class ArchiveContactWorkflow:
    @workflow.run
    async def run(self, inp: ArchiveInput) -> ArchiveResult:
        pending: PendingResult = await workflow.execute_activity_method(
            RecordsActivityApi.mark_archiving_pending,
            RecordRef(inp.contact_id),
            **DB_REMOTE_ACTIVITY,
        )
        result: ArchiveResult = await workflow.execute_activity_method(
            RecordsActivityApi.archive_contact, RecordRef(inp.contact_id), **DMS_ACTIVITY
        )
        result.record_id = result.record_id or pending.record_id
        return result


@workflow.defn
class DestructionListWorkflow:
    def __init__(self) -> None:
        self._list_id: int | None = None
        self._pending: list[int] = []
        self._approved: list[int] = []
        self._withheld: list[int] = []
        self._done = False

    @workflow.run
    async def run(self, inp: DestructionRunInput) -> DestructionResult:
        as_of = inp.as_of or workflow.now().date().isoformat()
        collected: CollectResult = await workflow.execute_activity_method(
            RecordsActivityApi.collect_destruction_list,
            CollectInput(workflow_id=workflow.info().workflow_id, as_of=as_of),
            **DB_REMOTE_ACTIVITY,
        )
        self._list_id = collected.list_id
        self._pending = list(collected.record_ids)
        if not self._pending:
            self._done = True
            return DestructionResult(list_id=collected.list_id)
        await workflow.wait_condition(lambda: not self._pending)
        await workflow.wait_condition(workflow.all_handlers_finished)
        destroyed, not_destroyed = [], []
        for record_id in self._approved:
            outcome: DestroyResult = await workflow.execute_activity_method(
                RecordsActivityApi.destroy_record,
                DestroyInput(list_id=collected.list_id, record_id=record_id),
                **DMS_ACTIVITY,
            )
            (destroyed if outcome.destroyed else not_destroyed).append(record_id)
        certificate: CertificateResult = await workflow.execute_activity_method(
            RecordsActivityApi.issue_destruction_certificate,
            CertificateInput(collected.list_id, destroyed, not_destroyed + self._withheld),
            **DB_REMOTE_ACTIVITY,
        )
        self._done = True
        return DestructionResult(
            list_id=collected.list_id,
            destroyed=len(destroyed),
            withheld=len(self._withheld) + len(not_destroyed),
            certificate_id=certificate.certificate_id,
        )

    @workflow.update(name="decide")
    async def decide(self, req: DecideRequest) -> DecideResult:
        self._refuse(req)
        self._pending.remove(req.record_id)  # before any await: one decision wins
        (self._approved if req.approve else self._withheld).append(req.record_id)
        await workflow.execute_activity_method(
            RecordsActivityApi.record_destruction_decision,
            DecisionRecord(self._list_id or 0, req.user_id, req.record_id, req.approve, req.reason),
            **DB_REMOTE_ACTIVITY,
        )
        return DecideResult(pending=len(self._pending))

    @decide.validator
    def _validate_decide(self, req: DecideRequest) -> None:
        self._refuse(req)

    def _refuse(self, req: DecideRequest) -> None:
        if req.record_id not in self._pending:
            raise ApplicationError(
                "This item is not on the list or was already decided.", type="NotPending"
            )
        if not req.approve and not req.reason.strip():
            raise ApplicationError("Give a reason for withholding.", type="ReasonRequired")

    @workflow.query(name="state")
    def state(self) -> DestructionState:
        return DestructionState(
            list_id=self._list_id,
            pending=list(self._pending),
            approved=list(self._approved),
            withheld=list(self._withheld),
            done=self._done,
        )
