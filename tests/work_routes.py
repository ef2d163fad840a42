"""The line work's routes for the route walk in tests/test_access_routes.py: who may
use each (the keyword arguments of its ``Rule``) and a valid body."""

from __future__ import annotations

from services.access import ASSIGN_CONTACTS, READ_CONTACTS, SUPERVISORS, WORK_CONTACTS

C = "/api/contacts/{reference}"
H = "/contacts/{reference}"

WORK_ROUTES: dict[tuple[str, str], dict] = {
    ("GET", "/api/work/tasks"): {"roles": READ_CONTACTS},
    ("GET", "/work"): {"roles": READ_CONTACTS},
    ("GET", "/work/rows"): {"roles": READ_CONTACTS},
    ("GET", "/trafficer/rows"): {"roles": SUPERVISORS},
    ("POST", "/api/work/next"): {"roles": WORK_CONTACTS},
    ("POST", "/work/next"): {"roles": WORK_CONTACTS},
    ("POST", C + "/escalate"): {"roles": WORK_CONTACTS, "scoped": True},
    ("POST", C + "/answer"): {"roles": WORK_CONTACTS, "scoped": True},
    ("POST", C + "/complaint"): {"roles": WORK_CONTACTS, "scoped": True},
    ("POST", C + "/complaint/extend"): {"roles": WORK_CONTACTS, "scoped": True},
    ("POST", H + "/escalate"): {"roles": WORK_CONTACTS, "scoped": True},
    ("POST", H + "/answer"): {"roles": WORK_CONTACTS, "scoped": True},
    ("POST", H + "/complaint"): {"roles": WORK_CONTACTS, "scoped": True},
    ("POST", H + "/complaint/extend"): {"roles": WORK_CONTACTS, "scoped": True},
    ("POST", C + "/presence"): {"roles": READ_CONTACTS, "scoped": True},
    ("DELETE", C + "/presence"): {"roles": READ_CONTACTS, "scoped": True},
    ("GET", C + "/templates"): {"roles": WORK_CONTACTS, "scoped": True},
    ("GET", C + "/templates/fill"): {"roles": WORK_CONTACTS, "scoped": True},
    ("GET", "/api/work/signature"): {"roles": WORK_CONTACTS},
    ("PUT", "/api/work/signature"): {"roles": WORK_CONTACTS},
    ("GET", "/api/trafficer/overview"): {"roles": SUPERVISORS},
    ("GET", "/trafficer"): {"roles": SUPERVISORS},
    ("POST", "/api/trafficer/assign"): {"roles": ASSIGN_CONTACTS},
    ("POST", "/trafficer/assign"): {"roles": ASSIGN_CONTACTS},
    ("POST", "/trafficer/priority"): {"roles": ASSIGN_CONTACTS},
    ("POST", C + "/priority"): {"roles": ASSIGN_CONTACTS, "scoped": True},
    # a callback request for the sample's (UZI) product: 404 for those not accredited
    ("POST", "/api/work/callbacks"): {"roles": WORK_CONTACTS, "scoped": True},
    ("POST", "/work/callbacks"): {"roles": WORK_CONTACTS, "scoped": True},
}


def work_body(method: str, path: str, sample, assignee_id: int) -> dict:
    """A valid body for a state-changing work route (so the access check answers)."""
    if method != "POST":
        return {}
    api = path.startswith("/api/")
    bodies = {
        "/escalate": {"to_line": 2, "question": "Klopt dit diploma?"},
        "/answer": {"answer": "Ja, het klopt."},
        "/complaint": {"note": "Klant is ontevreden."},
        "/priority": {"priority": 3},
    }
    for suffix, body in bodies.items():
        if path.endswith(suffix) and path.startswith(("/api/contacts", "/contacts")):
            return {"json": body} if api else {"data": body}
    if path == "/api/trafficer/assign":
        return {"json": {"references": [sample.reference], "user_id": assignee_id}}
    if path == "/trafficer/assign":
        return {"data": {"references": [sample.reference], "user_id": str(assignee_id)}}
    if path.endswith("/work/callbacks"):
        # The access check answers first; a number that is none then gives 422, so the
        # walk starts no workflow that no worker serves (test_api_work registers one).
        body = {"product_id": sample.product_id, "phone": "geen nummer", "note": "na 14 uur"}
        return {"json": body} if api else {"data": body}
    if path == "/trafficer/priority":
        return {"data": {"reference": sample.reference, "priority": "2"}}
    return {}
