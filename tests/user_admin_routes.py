"""The user administration routes for the route walk in tests/test_access_routes.py:
who may use each (the keyword arguments of its ``Rule``), path ids and a valid body.

Admins only. Changes to a user are not exercised by the walk (it would deactivate,
re-key or strip a demo user the walk is still logged in as); tests/test_user_admin.py
does them as an admin, and the walk still checks 401/403 and CSRF for every role.
"""

from __future__ import annotations

from services.access import ADMINISTER

U = "/api/admin/users/{user_id}"
P = "/admin/users/{user_id}"
ADMIN_ONLY = {"roles": ADMINISTER}
NOT_EXERCISED = {"roles": ADMINISTER, "exercise": False}

USER_ADMIN_ROUTES: dict[tuple[str, str], dict] = {
    ("POST", "/api/admin/users"): ADMIN_ONLY,
    ("GET", U): ADMIN_ONLY,
    ("PATCH", U): NOT_EXERCISED,
    ("POST", U + "/deactivate"): NOT_EXERCISED,
    ("POST", U + "/reactivate"): NOT_EXERCISED,
    ("POST", U + "/unlock"): ADMIN_ONLY,
    ("POST", U + "/totp"): NOT_EXERCISED,
    ("POST", U + "/password"): NOT_EXERCISED,
    ("GET", U + "/claimed"): ADMIN_ONLY,
    ("POST", U + "/release"): NOT_EXERCISED,
    ("GET", U + "/accreditations"): ADMIN_ONLY,
    ("PUT", U + "/accreditations"): NOT_EXERCISED,
    ("GET", "/admin/users/new"): ADMIN_ONLY,
    ("POST", "/admin/users/new"): ADMIN_ONLY,
    ("GET", P): ADMIN_ONLY,
    ("POST", P): NOT_EXERCISED,
    ("POST", P + "/unlock"): ADMIN_ONLY,
    ("POST", P + "/reactivate"): NOT_EXERCISED,
    ("POST", P + "/totp"): NOT_EXERCISED,
    ("POST", P + "/password"): NOT_EXERCISED,
    ("GET", P + "/deactivate"): ADMIN_ONLY,
    ("POST", P + "/deactivate"): NOT_EXERCISED,
    ("POST", P + "/release"): NOT_EXERCISED,
    ("GET", P + "/accreditations"): ADMIN_ONLY,
    ("POST", P + "/accreditations"): NOT_EXERCISED,
}

# User 1 is the first demo user ("agent"); only read or unlocked by the walk.
USER_ADMIN_PATH_IDS = {"user_id": 1}


def user_admin_body(method: str, path: str, sample) -> dict:
    """A valid body for creating a user (the walk's admin really creates one)."""
    if (method, path) == ("POST", "/api/admin/users"):
        return {"json": {"username": "walk.api", "full_name": "Walk Api", "role": "agent"}}
    if (method, path) == ("POST", "/admin/users/new"):
        return {
            "data": {
                "username": "walk.page",
                "full_name": "Walk Page",
                "role": "agent",
                "language": "nl",
            }
        }
    return {}
