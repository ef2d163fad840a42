"""The satisfaction survey's routes (api/routes/survey/) for the route walk in
tests/test_access_routes.py. The survey pages need no login (the signed link is the
key; tests/test_survey.py answers real links), so the walk does not exercise them."""

from __future__ import annotations

from services.access import ADMINISTER

BY_LINK = {"roles": None, "exercise": False}

SURVEY_ROUTES: dict[tuple[str, str], dict] = {
    ("GET", "/enquete/{token}"): BY_LINK,
    ("POST", "/enquete/{token}"): BY_LINK,
    ("GET", "/survey/{token}"): BY_LINK,
    ("POST", "/survey/{token}"): BY_LINK,
    ("GET", "/admin/survey"): {"roles": ADMINISTER},
    ("POST", "/admin/survey/{product_id}"): {"roles": ADMINISTER},
}
