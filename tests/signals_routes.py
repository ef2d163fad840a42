"""The customer signals' routes (api/routes/signals/) for the route walk in
tests/test_access_routes.py. The list and a signal's pages are for supervisors
(managers, trafficers); raising one from a contact for whoever reads the contact.
Routes about one signal or needing a body are not exercised by the walk
(tests/test_signals_routes.py uses them for real)."""

from __future__ import annotations

from services.access import READ_CONTACTS, SUPERVISORS

BY_SIGNAL = {"roles": SUPERVISORS, "exercise": False}
SIGNALS_PATH_IDS = {"signal_id": 1}

SIGNALS_ROUTES: dict[tuple[str, str], dict] = {
    ("POST", "/api/contacts/{reference}/signals"): {
        "roles": READ_CONTACTS,
        "scoped": True,
        "exercise": False,
    },
    ("POST", "/contacts/{reference}/signal"): {
        "roles": READ_CONTACTS,
        "scoped": True,
        "exercise": False,
    },
    ("GET", "/api/signals"): {"roles": SUPERVISORS},
    ("GET", "/signals"): {"roles": SUPERVISORS},
    ("GET", "/api/signals/{signal_id}"): BY_SIGNAL,
    ("GET", "/signals/{signal_id}"): BY_SIGNAL,
    ("POST", "/signals/{signal_id}/status"): BY_SIGNAL,
    ("POST", "/signals/{signal_id}/notes"): BY_SIGNAL,
    ("POST", "/signals/{signal_id}/forward"): BY_SIGNAL,
}
