"""The public web form's routes (api/routes/public/) for the route walk in
tests/test_access_routes.py. The form and the JSON intake need no login (the intake
checks its source's token; tests/test_webform_intake.py); posts are not exercised
by the walk (tests/test_webform.py posts for real)."""

from __future__ import annotations

from services.access import ADMINISTER, ASSIGN_CONTACTS

PUBLIC = {"roles": None}
NOT_WALKED = {"roles": None, "exercise": False}  # needs a body or a submission key

WEBFORM_ROUTES: dict[tuple[str, str], dict] = {
    ("GET", "/formulier/{code}"): PUBLIC,
    ("POST", "/formulier/{code}"): NOT_WALKED,
    ("GET", "/formulier/{code}/ontvangen"): NOT_WALKED,
    ("GET", "/form/{code}"): PUBLIC,
    ("POST", "/form/{code}"): NOT_WALKED,
    ("GET", "/form/{code}/received"): NOT_WALKED,
    ("POST", "/api/public/intake"): NOT_WALKED,
    ("GET", "/admin/webform"): {"roles": ADMINISTER},
    ("POST", "/admin/webform/{product_id}"): {"roles": ADMINISTER},
    ("POST", "/admin/webform/{product_id}/sources"): {"roles": ADMINISTER},
    ("GET", "/webform/review"): {"roles": ASSIGN_CONTACTS},
    ("POST", "/webform/review/{submission_id}"): {"roles": ASSIGN_CONTACTS},
}

WEBFORM_PATH_IDS = {"code": "big", "submission_id": 1}
