"""People's decisions reach a workflow as a Temporal Update: the one way to send
one, to turn a refusal into words for the person, and to audit the outcome.

The API decides only *who may ask* (role, accreditation, valid input); whether the
work can be claimed, replied to or closed is the workflow's decision. Its
validator's refusal comes back as ``DecisionRefused`` with a stable ``code`` (the
ApplicationError ``type``, e.g. "AlreadyClaimed"): clients translate by the code,
the message stays English. An engine that does not answer in time is
``EngineBusy``: nothing was decided, and the person is told to try again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from services import audit
from services.access import Viewer

log = logging.getLogger(__name__)

R = TypeVar("R")

# How long a person waits for the workflow's answer before hearing "try again".
UPDATE_TIMEOUT = timedelta(seconds=20)
NOT_ACTIVE = "This contact is no longer active in the workflow."


class DecisionRefused(Exception):
    """The workflow said no; the message is for the person (HTTP 409)."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class EngineBusy(Exception):
    """The workflow engine did not answer: the decision was not taken (HTTP 503)."""


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
) -> Any:
    """Execute ``update`` (a workflow's Update method) on one workflow.

    A refusal raises DecisionRefused; a workflow that is gone raises it with
    ``not_found`` (message, code); an engine that does not answer raises EngineBusy."""
    handle = client.get_workflow_handle(workflow_id)
    try:
        return await handle.execute_update(update, arg, id=update_id, rpc_timeout=UPDATE_TIMEOUT)
    except WorkflowUpdateFailedError as exc:
        raise refusal_of(exc) from exc
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise DecisionRefused(*not_found) from exc
        log.warning("Temporal did not take %s on %s: %s", update, workflow_id, exc)
        raise EngineBusy(str(exc)) from exc


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
    await audit_decision(session, viewer, action, object_type, object_id, "ok", origin, detail)
    return result
