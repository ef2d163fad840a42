"""The records and privacy routes for the route walk in tests/test_access_routes.py:
who may use each (the keyword arguments of its ``Rule``) and a valid body."""

from __future__ import annotations

from services.access import ADMINISTER, DECODE_PAYLOADS, MANAGE_RECORDS, READ_AUDIT, READ_CONTACTS

RECORDS_ROUTES: dict[tuple[str, str], dict] = {
    ("GET", "/api/records/audit"): {"roles": READ_AUDIT},
    ("GET", "/api/records/audit/export"): {"roles": READ_AUDIT},
    ("GET", "/api/records/audit/verify"): {"roles": READ_AUDIT},
    ("GET", "/records/audit"): {"roles": READ_AUDIT},
    ("POST", "/codec/decode"): {"roles": DECODE_PAYLOADS},
    ("POST", "/codec/encode"): {"roles": DECODE_PAYLOADS},
    ("OPTIONS", "/codec/decode"): {"roles": None},  # CORS preflight: no cookies sent
    ("OPTIONS", "/codec/encode"): {"roles": None},
    ("GET", "/api/records/contacts/{reference}"): {"roles": READ_CONTACTS, "scoped": True},
    ("POST", "/api/records/contacts/{reference}/legal-hold"): {"roles": MANAGE_RECORDS},
    ("GET", "/api/records/retention-classes"): {"roles": ADMINISTER | MANAGE_RECORDS},
    ("PUT", "/api/records/retention-classes"): {"roles": ADMINISTER | MANAGE_RECORDS},
    ("GET", "/api/records/destruction-lists"): {"roles": MANAGE_RECORDS},
    ("POST", "/api/records/destruction/decide"): {"roles": MANAGE_RECORDS},
    ("GET", "/api/records/certificates"): {"roles": MANAGE_RECORDS},
    ("GET", "/records/destruction"): {"roles": MANAGE_RECORDS},
    ("GET", "/records/retention"): {"roles": ADMINISTER | MANAGE_RECORDS},
    ("POST", "/records/retention"): {"roles": ADMINISTER | MANAGE_RECORDS},
    ("POST", "/records/destruction/decide"): {"roles": MANAGE_RECORDS},
    ("POST", "/records/destruction/run"): {"roles": MANAGE_RECORDS},
    ("GET", "/api/privacy/customers/{customer_id}/export"): {"roles": MANAGE_RECORDS},
    ("POST", "/api/privacy/customers/{customer_id}/erasure"): {"roles": MANAGE_RECORDS},
    ("GET", "/api/privacy/requests"): {"roles": MANAGE_RECORDS},
    ("GET", "/records/privacy"): {"roles": MANAGE_RECORDS},
    ("GET", "/records/privacy/customers/{customer_id}"): {"roles": MANAGE_RECORDS},
    ("POST", "/records/privacy/customers/{customer_id}/erasure"): {"roles": MANAGE_RECORDS},
    ("POST", "/records/privacy/customers/{customer_id}/rectification"): {"roles": MANAGE_RECORDS},
    # only denials walked: request 1 is whatever the walk registered first (an access
    # request, not a rectification); tests/test_records_rectification.py closes one
    ("POST", "/records/privacy/requests/{privacy_request_id}/letter"): {
        "roles": MANAGE_RECORDS,
        "exercise": False,
    },
    # SSO: public entry points (404 while oidc_enabled is off, as in the route walk)
    ("GET", "/login/oidc"): {"roles": None, "exercise": False},
    ("GET", "/login/oidc/callback"): {"roles": None, "exercise": False},
}

RECORDS_PATH_IDS = {"privacy_request_id": 1}


def records_body(method: str, path: str, sample) -> dict:
    """A valid body for a state-changing records route (so the access check answers)."""
    if path.startswith("/codec/") and method == "POST":
        return {"json": {"payloads": []}}
    if path.endswith("/legal-hold"):
        return {"json": {"hold": False}}
    if path == "/api/records/retention-classes":
        return {
            "json": {
                "product_id": sample.product_id,
                "channel": "email",
                "disposal": "destroy",
                "years": 5,
            }
        }
    if path == "/api/records/destruction/decide":
        return {"json": {"list_id": 1, "record_id": 1, "approve": True}}
    if path == "/records/retention":
        return {
            "data": {
                "product_id": str(sample.product_id),
                "channel": "email",
                "disposal": "destroy",
                "years": "5",
            }
        }
    if path == "/records/destruction/decide":
        return {"data": {"list_id": "1", "record_id": "1", "decision": "approve"}}
    if path.endswith("/letter"):
        return {"data": {"letter": "Geachte heer"}}
    return {}
