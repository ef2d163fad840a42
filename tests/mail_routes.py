"""The mail checks' and junk view's routes for the route walk in
tests/test_access_routes.py: who may use each (the keyword arguments of its ``Rule``)."""

from __future__ import annotations

from services.access import ASSIGN_CONTACTS, WORK_CONTACTS

H = "/contacts/{reference}"

MAIL_ROUTES: dict[tuple[str, str], dict] = {
    ("POST", H + "/join"): {"roles": WORK_CONTACTS, "scoped": True},
    ("POST", H + "/reply-address"): {"roles": WORK_CONTACTS, "scoped": True},
    ("GET", "/trafficer/junk"): {"roles": ASSIGN_CONTACTS},
    # no junk row in the walk's data: an allowed user gets 404, so only denials are walked
    ("POST", "/trafficer/junk/{junk_id}/release"): {"roles": ASSIGN_CONTACTS, "exercise": False},
    ("POST", "/trafficer/junk/{junk_id}/delete"): {"roles": ASSIGN_CONTACTS, "exercise": False},
}

MAIL_PATH_IDS = {"junk_id": 1}
