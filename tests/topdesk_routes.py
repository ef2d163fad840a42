"""TOPdesk's routes (api/routes/topdesk/) for the route walk in
tests/test_access_routes.py. The webhook needs no login (it checks its own token;
tests/test_topdesk.py posts to it for real), so the walk does not exercise it."""

from __future__ import annotations

from services.access import ADMINISTER, WORK_CONTACTS

H = "/contacts/{reference}"

TOPDESK_ROUTES: dict[tuple[str, str], dict] = {
    ("GET", H + "/topdesk/new"): {"roles": WORK_CONTACTS, "scoped": True},
    ("POST", H + "/topdesk"): {"roles": WORK_CONTACTS, "scoped": True},
    ("POST", "/topdesk/webhook"): {"roles": None, "exercise": False},
    ("GET", "/admin/topdesk"): {"roles": ADMINISTER},
    ("POST", "/admin/topdesk/products/{product_id}"): {"roles": ADMINISTER},
    ("POST", "/admin/topdesk/retry"): {"roles": ADMINISTER},
}
