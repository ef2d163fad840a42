"""Refusals every part of the contact shares: a closed contact takes no decision,
and most decisions belong to the agent holding the contact.

No ``from __future__ import annotations`` (see workflows/contact/workflow.py).
"""

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from contracts.contact import ContactStatus
    from workflows.contact.state import ContactData


def refuse_when_closed(data: ContactData) -> None:
    if data.status == ContactStatus.closed:
        raise ApplicationError("This contact is closed.", type="ContactClosed")


def require_holder(data: ContactData, user_id: int) -> None:
    refuse_when_closed(data)
    if data.assignee != user_id:
        raise ApplicationError(
            "Claim this contact first: only its holder may do this.", type="NotHolder"
        )
