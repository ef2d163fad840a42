"""Make sure the Temporal namespace knows PULSE's search attributes.

The dev server gets them on its command line; a cluster or the time-skipping
test server gets them here (idempotent: existing attributes are left alone).
"""

from __future__ import annotations

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from contracts.contact import SEARCH_ATTRIBUTES


async def _known(client: Client, namespace: str) -> set[str]:
    try:
        existing = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=namespace)
        )
    except RPCError as exc:
        if exc.status == RPCStatusCode.UNIMPLEMENTED:  # the time-skipping test server
            return set()
        raise
    return set(existing.custom_attributes) | set(existing.system_attributes)


async def ensure_search_attributes(client: Client, namespace: str) -> list[str]:
    """Register the missing ones; return the names added."""
    known = await _known(client, namespace)
    missing = [name for name in SEARCH_ATTRIBUTES if name not in known]
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(
                namespace=namespace,
                search_attributes={
                    name: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD for name in missing
                },
            )
        )
    return missing
