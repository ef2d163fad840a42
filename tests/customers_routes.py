"""The customer and knowledge-base routes for the route walk in tests/test_access_routes.py:
who may use each (the keyword arguments of its ``Rule``), path ids and a valid body.

Customers are known on a need-to-know basis: a viewer opens a customer only when it has
a contact in one of their products (the walk links the UZI contact to customer 1, so the
customer routes are scoped like that contact), or when they registered it; a customer
with no contact in the viewer's products is not found (test_access_routes walks customer
2, who has none). Knowledge-base
articles are per product but admins see all of them, which the walk's single
"sees UZI" rule cannot express: those routes are not exercised here but in
tests/test_knowledge.py.
"""

from __future__ import annotations

from services.access import ADMINISTER, ALL_ROLES, READ_CONTACTS, WORK_CONTACTS

KB_READ = READ_CONTACTS | ADMINISTER
KB_WRITE = WORK_CONTACTS | ADMINISTER
CU = "/customers/{customer_id}"

CUSTOMERS_ROUTES: dict[tuple[str, str], dict] = {
    ("GET", "/customers/new"): {"roles": WORK_CONTACTS},
    ("POST", "/customers"): {"roles": WORK_CONTACTS},
    ("GET", CU): {"scoped": True, "roles": READ_CONTACTS},
    ("GET", CU + "/register/{product_code}"): {"roles": READ_CONTACTS, "scoped": True},
    ("GET", CU + "/duplicates"): {"scoped": True, "roles": WORK_CONTACTS},
    ("POST", CU + "/edit"): {"scoped": True, "roles": WORK_CONTACTS},
    ("POST", CU + "/emails"): {"scoped": True, "roles": WORK_CONTACTS},
    ("POST", CU + "/emails/{email_id}/delete"): {
        "scoped": True,
        "roles": WORK_CONTACTS,
        "exercise": False,
    },
    ("POST", CU + "/phones"): {"scoped": True, "roles": WORK_CONTACTS},
    ("POST", CU + "/phones/{phone_id}/delete"): {
        "scoped": True,
        "roles": WORK_CONTACTS,
        "exercise": False,
    },
    ("POST", CU + "/identifiers"): {"scoped": True, "roles": WORK_CONTACTS},
    ("POST", CU + "/identifiers/{identifier_id}/delete"): {
        "scoped": True,
        "roles": WORK_CONTACTS,
        "exercise": False,
    },
    ("POST", CU + "/identifiers/verify"): {"scoped": True, "roles": WORK_CONTACTS},
    ("POST", CU + "/identifiers/{identifier_id}/reveal"): {"scoped": True, "roles": WORK_CONTACTS},
    ("POST", "/api" + CU + "/identifiers/verify"): {"scoped": True, "roles": WORK_CONTACTS},
    ("POST", "/api" + CU + "/identifiers/{identifier_id}/reveal"): {
        "scoped": True,
        "roles": WORK_CONTACTS,
    },
    ("POST", CU + "/merge"): {"scoped": True, "roles": WORK_CONTACTS},
    ("POST", CU + "/merges/{merge_id}/undo"): {
        "scoped": True,
        "roles": WORK_CONTACTS,
        "exercise": False,
    },
    ("POST", "/contacts/{reference}/customer"): {"roles": WORK_CONTACTS, "scoped": True},
    ("GET", "/api/customers/match"): {"roles": READ_CONTACTS},
    ("GET", "/api/customers/{customer_id}"): {"scoped": True, "roles": READ_CONTACTS},
    ("POST", "/api/customers"): {"roles": WORK_CONTACTS},
    ("POST", "/api/contacts/{reference}/customer"): {"roles": WORK_CONTACTS, "scoped": True},
    ("GET", "/search"): {"roles": ALL_ROLES},
    ("GET", "/api/search"): {"roles": ALL_ROLES},
    ("GET", "/kb"): {"roles": KB_READ},
    ("GET", "/kb/new"): {"roles": KB_WRITE},
    ("POST", "/kb"): {"roles": KB_WRITE},
    ("GET", "/kb/tasks"): {"roles": KB_READ},
    ("POST", "/kb/tasks/{flag_id}/done"): {"roles": KB_READ, "exercise": False},
    ("POST", "/kb/flags"): {"roles": WORK_CONTACTS},
    ("GET", "/kb/public/{article_id}"): {"roles": None},
    ("GET", "/kb/{article_id}"): {"roles": KB_READ, "exercise": False},
    ("GET", "/kb/{article_id}/edit"): {"roles": KB_WRITE, "exercise": False},
    ("POST", "/kb/{article_id}"): {"roles": KB_WRITE},
    ("POST", "/kb/{article_id}/flag"): {"roles": WORK_CONTACTS},
    ("GET", "/contacts/{reference}/kb"): {"roles": READ_CONTACTS, "scoped": True},
    ("POST", "/api/kb/preview"): {"roles": KB_WRITE},
    ("GET", "/api/kb/articles/{article_id}"): {"roles": KB_READ, "exercise": False},
    ("POST", "/api/kb/articles/{article_id}/used"): {"roles": WORK_CONTACTS, "exercise": False},
    ("GET", "/api/contacts/{reference}/kb"): {"roles": READ_CONTACTS, "scoped": True},
    ("GET", "/admin/reasons"): {"roles": ADMINISTER},
    ("POST", "/admin/reasons"): {"roles": ADMINISTER},
    ("POST", "/admin/reasons/{reason_id}"): {"roles": ADMINISTER},
    ("GET", "/api/admin/reasons"): {"roles": ADMINISTER},
    ("POST", "/api/admin/reasons"): {"roles": ADMINISTER},
    ("PUT", "/api/admin/reasons/{reason_id}"): {"roles": ADMINISTER},
}

# Ids in the seeded demo data (devstack.demo.customers; tables restart at 1): customer 1
# is Jan Jansen; article 4 is the first UZI article, a public one.
CUSTOMERS_PATH_IDS = {
    "customer_id": 1,
    "product_code": "UZI",
    "email_id": 1,
    "phone_id": 1,
    "identifier_id": 1,
    "merge_id": 1,
    "article_id": 4,
    "flag_id": 1,
    "reason_id": 1,
}


def customers_body(method: str, path: str, sample) -> dict:
    """A valid body where the access check comes after reading the body."""
    if path == "/contacts/{reference}/customer":
        return {"data": {"customer_id": 1}}
    if path == "/api/contacts/{reference}/customer":
        return {"json": {"customer_id": 1}}
    if path.endswith("/identifiers/verify"):
        body = {"kind": "bsn", "value": "111222333"}
        return {"json": body} if path.startswith("/api/") else {"data": body}
    if path.endswith("/reveal"):
        body = {"reason": "route walk: checking access"}
        return {"json": body} if path.startswith("/api/") else {"data": body}
    return {}
