"""Records and privacy: the audit log, archive records and legal hold, retention
classes, destruction lists, and AVG requests (JSON and the privacy officer's pages)."""

from fastapi import APIRouter

from api.routes.records import (
    archive,
    audit_log,
    destruction,
    privacy,
    privacy_pages,
    rectification_pages,
    retention,
)

api_router = APIRouter()
for _module in (
    audit_log,
    archive,
    retention,
    destruction,
    privacy,
    privacy_pages,
    rectification_pages,
):
    api_router.include_router(_module.router)
