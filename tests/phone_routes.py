"""The phone routes for the route walk in tests/test_access_routes.py: who may
use each (the keyword arguments of its ``Rule``) and a valid body."""

from __future__ import annotations

from db.models.contacts import Role
from services.access import READ_CONTACTS, WORK_CONTACTS

SUPERVISORS = frozenset({Role.trafficer, Role.manager})
P = "/api/phone/calls/{reference}"

PHONE_ROUTES: dict[tuple[str, str], dict] = {
    ("GET", "/api/phone/state"): {"roles": READ_CONTACTS},
    ("POST", "/api/phone/sign-in"): {"roles": WORK_CONTACTS},
    ("POST", "/api/phone/pause"): {"roles": WORK_CONTACTS},
    ("POST", "/api/phone/sign-out"): {"roles": WORK_CONTACTS},
    ("GET", "/api/phone/wallboard"): {"roles": SUPERVISORS},
    ("GET", "/phone/wallboard"): {"roles": SUPERVISORS},
    ("GET", "/phone"): {"roles": READ_CONTACTS},
    ("GET", "/phone/events"): {"roles": READ_CONTACTS, "exercise": False},
    ("GET", P): {"roles": READ_CONTACTS, "scoped": True},
    ("POST", P + "/wrap-up"): {"roles": WORK_CONTACTS, "scoped": True},
    ("POST", P + "/call-back"): {"roles": WORK_CONTACTS, "scoped": True},
    ("GET", "/dev/phone"): {"roles": READ_CONTACTS, "dev": True},
    ("POST", "/dev/phone/call"): {"roles": READ_CONTACTS, "dev": True},
    ("POST", "/dev/phone/answer"): {"roles": READ_CONTACTS, "dev": True},
    ("POST", "/dev/phone/hangup"): {"roles": READ_CONTACTS, "dev": True},
}


def phone_body(method: str, path: str, sample) -> dict:
    """A valid body for a state-changing phone route (so the access check answers)."""
    if path.endswith("/wrap-up"):
        return {"json": {"reason_id": sample.reason_id}}
    if path in ("/api/phone/sign-in", "/api/phone/pause"):
        return {"json": {}}
    if path == "/dev/phone/call":
        return {"data": {"queue": "uzi-register", "number": "0612345678"}}
    if path.startswith("/dev/phone/"):
        return {"data": {"linkedid": "1.1"}}
    return {}
