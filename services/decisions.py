"""People's decisions reach a workflow as a Temporal Update: the one way to send
one, to turn a refusal into words for the person, and to audit the outcome.

The API decides only *who may ask* (role, accreditation, valid input); whether the
work can be claimed, replied to or closed is the workflow's decision. Its
validator's refusal comes back as ``DecisionRefused`` with a stable ``code`` (the
ApplicationError ``type``, e.g. "AlreadyClaimed"): clients translate by the code,
the message stays English. An engine that does not answer in time is
``EngineBusy``: nothing was decided, and the person is told to try again.

Every Update has a deadline (``UPDATE_DEADLINE``). When it passes, the engine is
asked where the Update is: unknown to it (Temporal unreachable, or it never took
it) is ``EngineBusy`` -- "your action was not taken" (HTTP 503); admitted or
accepted but not finished (the worker is down or slow) is ``DecisionQueued`` --
"queued, it will be carried out, do not repeat it" (HTTP 202), because Temporal
hands an admitted Update to the workflow once a worker polls again. Update ids come
from the thing decided (a reply's draft, a page's request token), so a repeat is
the same Update and Temporal runs it once.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import UpdateWorkflowExecutionLifecycleStage as Stage
from temporalio.api.update.v1 import UpdateRef, WaitPolicy
from temporalio.api.workflowservice.v1 import PollWorkflowExecutionUpdateRequest
from temporalio.client import (
    Client,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from services import audit
from services.access import Viewer

log = logging.getLogger(__name__)

R = TypeVar("R")

# How long a person waits for the workflow's answer before hearing "busy" or "queued".
UPDATE_DEADLINE = timedelta(seconds=10)
STAGE_PROBE = timedelta(seconds=3)  # asking where an unanswered Update is
NOT_ACTIVE = "This contact is no longer active in the workflow."


class DecisionRefused(Exception):
    """The workflow said no; the message is for the person (HTTP 409)."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class EngineBusy(Exception):
    """The workflow engine did not answer: the decision was not taken (HTTP 503)."""


class DecisionQueued(Exception):
    """The engine has the decision but did not carry it out before the deadline: it
    will when the workflow runs again; repeating it changes nothing (HTTP 202)."""

    def __init__(self, update_id: str) -> None:
        super().__init__(f"update {update_id} is queued")
        self.update_id = update_id


def refusal_body(exc: DecisionRefused) -> dict[str, Any]:
    """The JSON body of a 409: the English ``detail`` and the stable ``code``."""
    return {"detail": str(exc), "code": exc.code}


def refusal_of(exc: WorkflowUpdateFailedError) -> DecisionRefused:
    cause = exc.cause
    code = cause.type if isinstance(cause, ApplicationError) else None
    return DecisionRefused(str(getattr(cause, "message", "") or cause or exc), code)


async def send_update(
    client: Client,
    workflow_id: str,
    update: Callable[..., Any],
    arg: Any,
    *,
    update_id: str | None = None,
    not_found: tuple[str, str] = (NOT_ACTIVE, "ContactNotActive"),
    deadline: timedelta | None = None,
) -> Any:
    """Execute ``update`` (a workflow's Update method) on one workflow, within
    ``deadline`` (UPDATE_DEADLINE).

    A refusal raises DecisionRefused; a workflow that is gone raises it with
    ``not_found`` (message, code); past the deadline, EngineBusy when the engine does
    not have the Update and DecisionQueued when it does."""
    handle = client.get_workflow_handle(workflow_id)
    update_id = update_id or uuid.uuid4().hex
    wait = deadline or UPDATE_DEADLINE
    try:
        return await asyncio.wait_for(
            handle.execute_update(update, arg, id=update_id, rpc_timeout=wait),
            wait.total_seconds(),
        )
    except WorkflowUpdateFailedError as exc:
        raise refusal_of(exc) from exc
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise DecisionRefused(*not_found) from exc
        log.warning("Temporal did not take %s on %s: %s", update, workflow_id, exc)
        cause: Exception = exc
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as exc:
        cause = exc
    if await update_stage(client, workflow_id, update_id) is None:
        raise EngineBusy(str(cause) or "no answer before the deadline") from cause
    try:  # it may have finished in the meantime: then its answer is the answer
        return await asyncio.wait_for(
            handle.get_update_handle(update_id).result(rpc_timeout=STAGE_PROBE),
            STAGE_PROBE.total_seconds(),
        )
    except WorkflowUpdateFailedError as exc:
        raise refusal_of(exc) from exc
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError, RPCError):
        raise DecisionQueued(update_id) from cause


async def update_stage(client: Client, workflow_id: str, update_id: str) -> int | None:
    """How far Temporal got with an Update (ADMITTED, ACCEPTED or COMPLETED), or None
    when it does not know it or cannot be asked."""
    request = PollWorkflowExecutionUpdateRequest(
        namespace=client.namespace,
        update_ref=UpdateRef(
            workflow_execution=WorkflowExecution(workflow_id=workflow_id), update_id=update_id
        ),
        identity=client.identity,
        wait_policy=WaitPolicy(
            lifecycle_stage=Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED
        ),
    )
    try:
        response = await client.workflow_service.poll_workflow_execution_update(
            request, timeout=STAGE_PROBE
        )
    except RPCError as exc:
        log.warning("could not ask Temporal about update %s on %s: %s", update_id, workflow_id, exc)
        return None
    return response.stage or None


async def audit_decision(
    session: AsyncSession,
    viewer: Viewer,
    action: str,
    object_type: str,
    object_id: Any,
    result: str,
    origin: str | None,
    detail: dict[str, Any] | None = None,
) -> None:
    """One audit line for a person's decision, whatever its outcome (committed)."""
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        result=result,
        origin=origin,
        detail=detail,
    )
    await session.commit()


async def decide_audited(
    session: AsyncSession,
    client: Client,
    viewer: Viewer,
    *,
    workflow_id: str,
    update: Callable[..., Any],
    arg: Any,
    action: str,
    object_type: str,
    object_id: Any,
    origin: str | None,
    detail: dict[str, Any] | None = None,
    update_id: str | None = None,
) -> Any:
    """Send one decision and audit its outcome: "ok", or "refused" with the reason."""
    try:
        result = await send_update(client, workflow_id, update, arg, update_id=update_id)
    except DecisionRefused as exc:
        refused = {**(detail or {}), "reason": str(exc)[:500], "code": exc.code}
        await audit_decision(
            session, viewer, action, object_type, object_id, "refused", origin, refused
        )
        raise
    except DecisionQueued:
        await audit_decision(
            session, viewer, action, object_type, object_id, "queued", origin, detail
        )
        raise
    except EngineBusy:
        await audit_decision(
            session, viewer, action, object_type, object_id, "busy", origin, detail
        )
        raise
    await audit_decision(session, viewer, action, object_type, object_id, "ok", origin, detail)
    return result
