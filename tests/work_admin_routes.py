"""The work setup screens' routes (api/routes/admin/work/) for the route walk in
tests/test_access_routes.py: admins only; path ids in the seeded demo data and a
valid body for each change.

Deletions are not exercised as the admin (the walk would delete what a later
route of the walk edits); tests/test_work_admin.py deletes for real.
"""

from __future__ import annotations

from services.access import ADMINISTER
from tests.product_admin_routes import PRODUCT_ADMIN_BODIES, PRODUCT_ADMIN_ROUTES

A = {"roles": ADMINISTER}
KEEP = {"roles": ADMINISTER, "exercise": False}

WORK_ADMIN_ROUTES: dict[tuple[str, str], dict] = {
    ("GET", "/admin/work"): A,
    ("GET", "/admin/work/sla"): A,
    ("POST", "/admin/work/sla"): A,
    ("POST", "/admin/work/sla/{policy_id}"): A,
    ("POST", "/admin/work/sla/{policy_id}/delete"): KEEP,
    ("GET", "/api/admin/work/sla"): A,
    ("POST", "/api/admin/work/sla"): A,
    ("PUT", "/api/admin/work/sla/{policy_id}"): A,
    ("DELETE", "/api/admin/work/sla/{policy_id}"): KEEP,
    ("GET", "/admin/work/calendar"): A,
    ("POST", "/admin/work/calendar"): A,
    ("POST", "/admin/work/closing-days"): A,
    ("POST", "/admin/work/closing-days/{day}/delete"): KEEP,
    ("GET", "/api/admin/work/calendar"): A,
    ("PUT", "/api/admin/work/calendar"): A,
    ("POST", "/api/admin/work/closing-days"): A,
    ("DELETE", "/api/admin/work/closing-days/{day}"): KEEP,
    ("GET", "/admin/work/products"): A,
    ("POST", "/admin/work/products/{product_id}"): A,
    ("GET", "/api/admin/work/products"): A,
    ("PUT", "/api/admin/work/products/{product_id}"): A,
    ("GET", "/admin/work/queues"): A,
    ("POST", "/admin/work/queues/{product_id}"): A,
    ("PUT", "/api/admin/work/products/{product_id}/auto-assign/{line}"): A,
    ("GET", "/admin/work/templates"): A,
    ("POST", "/admin/work/templates"): A,
    ("GET", "/admin/work/templates/{template_id}"): A,
    ("POST", "/admin/work/templates/{template_id}"): A,
    ("GET", "/api/admin/work/templates"): A,
    ("POST", "/api/admin/work/templates"): A,
    ("PUT", "/api/admin/work/templates/{template_id}"): A,
    **PRODUCT_ADMIN_ROUTES,
}

# Seeded demo data (devstack.demo.work; tables restart at 1): policy 1 is product 1's
# default for line 1, template 1 one of product 1's templates.
WORK_ADMIN_PATH_IDS = {
    "policy_id": 1,
    "template_id": 1,
    "product_id": 1,
    "line": 1,
    "day": "2099-01-05",
}

CALENDAR = {"tz": "Europe/Amsterdam", "open_time": "08:30", "close_time": "17:00"}
SETTINGS = {"raise_priority_on_breach": 1, "waiting_reminder_days": 5, "waiting_close_days": 10}
TEMPLATE = {"product_id": 1, "language": "nl", "title": "Route", "body": "Beste {customer_name}"}

BODIES: dict[tuple[str, str], dict] = {
    ("POST", "/admin/work/sla"): {
        "data": {"product_id": 1, "channel": "letter", "line": 1, "first_response": "8:00"}
    },
    ("POST", "/admin/work/sla/{policy_id}"): {
        "data": {"channel": "", "line": 1, "first_response": "16:00", "resolution": "40:00"}
    },
    ("POST", "/api/admin/work/sla"): {
        "json": {"product_id": 1, "channel": "phone", "line": 2, "resolution_minutes": 60}
    },
    ("PUT", "/api/admin/work/sla/{policy_id}"): {
        "json": {"product_id": 1, "channel": "", "line": 1, "first_response_minutes": 960}
    },
    ("POST", "/admin/work/calendar"): {"data": {**CALENDAR, "workdays": ["0", "1", "2"]}},
    ("PUT", "/api/admin/work/calendar"): {"json": {**CALENDAR, "workdays": [0, 1, 2, 3, 4]}},
    ("POST", "/admin/work/closing-days"): {"data": {"day": "2099-01-01", "label": "walk"}},
    ("POST", "/api/admin/work/closing-days"): {"json": {"day": "2099-01-02", "label": "walk"}},
    ("POST", "/admin/work/products/{product_id}"): {"data": {**SETTINGS, "warn_percent": 75}},
    ("PUT", "/api/admin/work/products/{product_id}"): {
        "json": {**SETTINGS, "warn_share": 0.7, "direct_reply_lines": [1, 2]}
    },
    ("POST", "/admin/work/queues/{product_id}"): {"data": {"mode_1": "least_loaded"}},
    ("PUT", "/api/admin/work/products/{product_id}/auto-assign/{line}"): {"json": {"mode": "off"}},
    ("POST", "/admin/work/templates"): {"data": {**TEMPLATE, "code": "walk_form"}},
    ("POST", "/admin/work/templates/{template_id}"): {"data": {"title": "T", "body": "Tekst"}},
    ("POST", "/api/admin/work/templates"): {"json": {**TEMPLATE, "code": "walk_api"}},
    ("PUT", "/api/admin/work/templates/{template_id}"): {"json": {**TEMPLATE, "code": "walk_put"}},
    **PRODUCT_ADMIN_BODIES,
}


def work_admin_body(method: str, path: str) -> dict:
    return BODIES.get((method, path), {})
