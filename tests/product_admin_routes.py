"""The product and phone-line admin routes (api/routes/admin/products.py) for the
route walk in tests/test_access_routes.py (merged into tests/work_admin_routes.py):
admins only, with a valid body for each change. Edits of product 1 (BIG) keep its
seeded values, so the routes walked after them see the same demo data."""

from __future__ import annotations

from services.access import ADMINISTER

A = {"roles": ADMINISTER}

PRODUCT_ADMIN_ROUTES: dict[tuple[str, str], dict] = {
    ("GET", "/admin/products/new"): A,
    ("POST", "/admin/products"): A,
    ("GET", "/admin/products/{product_id}"): A,
    ("POST", "/admin/products/{product_id}"): A,
    ("GET", "/admin/products/{product_id}/phone-line"): A,
    ("POST", "/admin/products/{product_id}/phone-line"): A,
    ("POST", "/api/admin/products"): A,
    ("GET", "/api/admin/products/{product_id}"): A,
    ("PUT", "/api/admin/products/{product_id}"): A,
    ("GET", "/api/admin/products/{product_id}/phone-line"): A,
    ("PUT", "/api/admin/products/{product_id}/phone-line"): A,
}

BIG = {
    "code": "BIG",
    "name": "BIG-register",
    "mailbox": "big",
    "reply_from": "big@pulse.test",
    "register_url_template": "https://register.pulse.test/big/{identifier}",
    "active": "true",
}
BIG_LINE = {"inbound_number": "+31703407911", "queue": "big-register"}
NEW = {"name": "Route", "reply_from": "route@pulse.test"}

PRODUCT_ADMIN_BODIES: dict[tuple[str, str], dict] = {
    ("POST", "/admin/products"): {"data": {**NEW, "code": "WALKFORM", "mailbox": "walk-form"}},
    ("POST", "/admin/products/{product_id}"): {"data": BIG},
    ("POST", "/admin/products/{product_id}/phone-line"): {
        "data": {**BIG_LINE, "callback_enabled": "true"}
    },
    ("POST", "/api/admin/products"): {"json": {**NEW, "code": "WALKAPI", "mailbox": "walk-api"}},
    ("PUT", "/api/admin/products/{product_id}"): {"json": {**BIG, "active": True}},
    ("PUT", "/api/admin/products/{product_id}/phone-line"): {"json": BIG_LINE},
}
