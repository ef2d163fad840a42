""" "Next task": claim the most urgent open task of a person's lists through its
contact's workflow, correct across any number of API processes.

A claim that lands late is impossible rather than repaired. Each claim Update
carries a deadline (``ClaimRequest.deadline``) and the workflow's validator refuses
a claim it sees after it. A claim is accepted only in a workflow task that started
before the deadline, and Temporal records that acceptance within a workflow task
timeout of the task's start. So once deadline + that timeout (+ clock skew) has
passed, the claim's fate is sealed: "next task" waits that long for a claim that
does not answer, asks its fate once more, and only then tries the next task. No
claim is ever given back afterwards, so a claim the person makes after a "try again"
is never undone.

A double click: the page sends one request token per rendered page, the Update id
comes from it, and Temporal runs one Update id once per workflow -- two requests at
once send one claim; a request whose token already claimed a contact the person
still holds answers that contact. Without a token every request is a click of its
own; two at once still end on one contact, as a workflow lets its holder claim again.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from datetime import timedelta

from sqlalchemy import tuple_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import (
    Client,
    WorkflowUpdateFailedError,
    WorkflowUpdateHandle,
    WorkflowUpdateRPCTimeoutOrCancelledError,
    WorkflowUpdateStage,
)
from temporalio.service import RPCError, RPCStatusCode

from contracts.contact import ClaimRequest, DecisionResult, contact_workflow_id
from db.models.contacts import AuditEvent, Task, TaskStatus, utcnow
from services.access import Viewer
from services.contacts.opening import WORKFLOW_TASK_TIMEOUT
from services.decisions import NOT_ACTIVE, DecisionRefused, audit_decision
from services.decisions import refusal_of as refusal
from services.work.access import line_pairs, lines_by_product
from workflows.contact.workflow import ContactWorkflow

log = logging.getLogger(__name__)

CANDIDATES = 10  # open tasks tried per request, most urgent first
CLAIM_SECONDS = 5.0  # a claim's deadline: a served workflow answers in milliseconds
CLOCK_SKEW_SECONDS = 1.0  # between this host and the Temporal server
SETTLE_SECONDS = WORKFLOW_TASK_TIMEOUT.total_seconds() + CLOCK_SKEW_SECONDS
CONFIRM_SECONDS = 2.0  # asking a sealed claim's fate once more
LANDED_SECONDS = 20.0  # an accepted claim's projection write, waited for at most
BUDGET_SECONDS = 30.0  # no new claim after this: "try again" rather than a long wait
TOKEN_MEMORY = timedelta(minutes=10)  # how long a request token answers its contact
BUSY = "The task lists did not answer in time; nothing was claimed. Try again."


class NextTaskBusy(Exception):
    """Every claim tried went unanswered: nothing was claimed (HTTP 503)."""


class ClaimUnanswered(Exception):
    """The claim's workflow did not answer before its deadline: it never lands."""


def workflow_clock() -> float:
    """Now in epoch seconds as workflows see it (``workflow.now()``): the wall clock
    of a real Temporal server (tests on the time-skipping server shift it)."""
    return time.time()


def urgency_order():
    """Breached first, then priority, then the nearest due date, then the oldest."""
    return (
        (Task.sla_state == "breached").desc(),
        Task.priority.desc(),
        Task.due_at.asc().nulls_last(),
        Task.created_at,
        Task.id,
    )


async def claim_next(
    session: AsyncSession,
    client: Client,
    viewer: Viewer,
    origin: str | None,
    token: str | None = None,
) -> str | None:
    """The reference the viewer now holds as their next task; None when no task of
    their lists is open. NextTaskBusy when claims went unanswered and none landed."""
    if token:
        earlier = await _claimed_with(session, viewer, token)
        if earlier is not None:
            return earlier
    lines = await lines_by_product(session, viewer)
    update_id = f"next-task-{viewer.id}-{token or uuid.uuid4().hex}"
    detail = {"via": "next", **({"token": token} if token else {})}
    started, unanswered = time.monotonic(), False
    for reference, product_id in await _open_candidates(session, line_pairs(lines)):
        if unanswered and time.monotonic() - started > BUDGET_SECONDS:
            break
        claim = ClaimRequest(viewer.id, lines.get(product_id, []), workflow_clock() + CLAIM_SECONDS)
        outcome = await _try(session, client, viewer, origin, reference, claim, update_id, detail)
        if outcome == "ok":
            return reference
        unanswered = unanswered or outcome == "unanswered"
    if unanswered:
        raise NextTaskBusy(BUSY)
    return None


async def _try(session, client, viewer, origin, reference, claim, update_id, detail) -> str:
    """One candidate, audited: "ok" (the viewer holds it now), "refused" or
    "unanswered" (it never lands)."""
    try:
        await claim_before_deadline(client, reference, claim, update_id)
        outcome, said = "ok", detail
    except DecisionRefused as exc:  # taken a moment ago, or moved to another line
        outcome, said = "refused", {**detail, "reason": str(exc)[:500], "code": exc.code}
    except ClaimUnanswered:
        outcome, said = "unanswered", {**detail, "update_id": update_id}
    await audit_decision(
        session, viewer, "contact.claim", "contact", reference, outcome, origin, said
    )
    return outcome


async def claim_before_deadline(
    client: Client, reference: str, claim: ClaimRequest, update_id: str
) -> DecisionResult | None:
    """Send the claim and wait until its fate is sealed. Returns when it landed (the
    result, or None when its projection write is still under way); raises
    DecisionRefused when refused, ClaimUnanswered when it never lands."""
    handle = client.get_workflow_handle(contact_workflow_id(reference))
    sealed = claim.deadline + SETTLE_SECONDS
    try:
        accepted = await _accepted(handle, claim, update_id, sealed - workflow_clock())
    except ClaimUnanswered:
        await asyncio.sleep(max(0.0, sealed - workflow_clock()))
        # Sealed now; ask again under the same id, in case the answer was on its way.
        accepted = await _accepted(handle, claim, update_id, CONFIRM_SECONDS)
    return await _landed(accepted)


async def _accepted(handle, claim: ClaimRequest, update_id: str, wait: float):
    """The claim's Update once the workflow accepted or refused it (its validator's
    refusal is the handle's outcome)."""
    try:
        return await asyncio.wait_for(
            handle.start_update(
                ContactWorkflow.claim,
                claim,
                id=update_id,
                wait_for_stage=WorkflowUpdateStage.ACCEPTED,
            ),
            max(wait, 0.1),
        )
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as exc:
        # wait_for cancels the call; the client reports that as its own error
        raise ClaimUnanswered(handle.id) from exc
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise DecisionRefused(NOT_ACTIVE, "ContactNotActive") from exc
        log.warning("Temporal did not take the claim on %s: %s", handle.id, exc)
        raise ClaimUnanswered(handle.id) from exc


async def _landed(accepted: WorkflowUpdateHandle) -> DecisionResult | None:
    """The claim's result. A refusal (by the validator, or by the handler's re-check,
    which runs before its first await) is known at once; an accepted claim is the
    viewer's, whether or not its projection write is done."""
    try:
        return await asyncio.wait_for(accepted.result(), LANDED_SECONDS)
    except WorkflowUpdateFailedError as exc:
        raise refusal(exc) from exc
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError, RPCError):
        log.warning("claim %s landed; its projection is still being written", accepted.id)
        return None


async def _open_candidates(
    session: AsyncSession, pairs: list[tuple[int, int]]
) -> list[tuple[str, int]]:
    """(reference, product id) of the most urgent open tasks of these lists."""
    if not pairs:
        return []
    rows = await session.exec(
        select(Task.reference, Task.product_id)
        .where(
            tuple_(Task.product_id, Task.line).in_(pairs),
            Task.status == TaskStatus.open.value,
        )
        .order_by(*urgency_order())
        .limit(CANDIDATES)
    )
    return [(reference, product_id) for reference, product_id in rows.all()]


async def _claimed_with(session: AsyncSession, viewer: Viewer, token: str) -> str | None:
    """The contact an earlier request with this token claimed, while the viewer still
    holds it (a double click whose first request already finished)."""
    return await session.scalar(
        select(AuditEvent.object_id)
        .join(Task, Task.reference == AuditEvent.object_id)
        .where(
            AuditEvent.actor_id == viewer.id,
            AuditEvent.action == "contact.claim",
            AuditEvent.result == "ok",
            AuditEvent.at >= utcnow() - TOKEN_MEMORY,
            AuditEvent.detail["token"].astext == token,
            Task.assignee_id == viewer.id,
            Task.status == TaskStatus.claimed.value,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
