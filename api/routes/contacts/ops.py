"""Transitional, to be deleted: the names api/routes/work/tasks.py,
api/routes/admin/users.py and api/routes/records/audit.py still import from here.
Their home is services/decisions.py and services/contacts/decisions.py; once those
three import from there, this module goes (it has no router and no rule of its own).
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from temporalio.client import Client

from contracts.contact import DecisionResult, contact_workflow_id
from services.contacts.decisions import audit_contact_decision as audit_decision
from services.contacts.decisions import decide_on_contact
from services.decisions import DecisionRefused, EngineBusy, send_update
from workflows.contact.workflow import ContactWorkflow

__all__ = ["DecisionRefused", "audit_decision", "decide", "send_decision"]


async def send_decision(client: Client, reference: str, update: str, arg: Any) -> DecisionResult:
    """The old call by Update name; a silent engine stays an HTTP 503 for its callers."""
    try:
        method = getattr(ContactWorkflow, update)
        return await send_update(client, contact_workflow_id(reference), method, arg)
    except EngineBusy as exc:
        raise HTTPException(503, "The workflow engine did not answer; try again.") from exc


async def decide(
    session, client: Client, viewer, reference: str, update: str, arg: Any, origin, detail=None
) -> DecisionResult:
    """The old call by Update name (api/routes/work/tasks.py)."""
    method = getattr(ContactWorkflow, update)
    return await decide_on_contact(session, client, viewer, reference, method, arg, origin, detail)
