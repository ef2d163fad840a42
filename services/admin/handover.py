"""Handing a user's claimed work back to the queues (when they are deactivated, or
on an admin's request): through the workflow's own "release" Update on behalf of
the holder, whom the workflow requires, with one audit row per contact."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from contracts.contact import ReleaseRequest, contact_workflow_id
from services import audit
from services.access import Viewer
from services.admin.users import claimed_contacts
from services.decisions import DecisionQueued, DecisionRefused, EngineBusy, send_update
from workflows.contact.workflow import ContactWorkflow

ENGINE_DOWN = "The workflow engine is not reachable."


@dataclass
class ReleaseOutcome:
    released: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # still held: refused, or no engine


async def _release_one(client: Client | None, reference: str, holder_id: int) -> None:
    if client is None:
        raise EngineBusy(ENGINE_DOWN)
    await send_update(
        client, contact_workflow_id(reference), ContactWorkflow.release, ReleaseRequest(holder_id)
    )


async def release_claimed(
    session: AsyncSession,
    engine: Callable[[], Awaitable[Client | None]],
    admin: Viewer,
    user_id: int,
    origin: str | None,
) -> ReleaseOutcome:
    """Release every contact ``user_id`` holds. ``engine`` gives the Temporal client
    (asked only when there is work to release), or None when the engine is down: then
    every release fails, and is audited as failed."""
    outcome = ReleaseOutcome()
    held = await claimed_contacts(session, user_id)
    if not held:
        return outcome
    client = await engine()
    for contact in held:
        detail = {"holder_id": user_id, "by": "user_admin"}
        try:
            await _release_one(client, contact.reference, user_id)
            result = "ok"
            outcome.released.append(contact.reference)
        except DecisionQueued:  # the engine has it and releases it when it runs again
            result = "queued"
            outcome.released.append(contact.reference)
        except (DecisionRefused, EngineBusy) as exc:
            result = "refused" if isinstance(exc, DecisionRefused) else "failed"
            detail["reason"] = str(exc)[:300]
            outcome.failed.append(contact.reference)
        await audit.record_for(
            session,
            admin,
            "contact.release",
            "contact",
            contact.reference,
            result=result,
            origin=origin,
            detail=detail,
        )
    return outcome
