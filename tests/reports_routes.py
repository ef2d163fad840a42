"""The reports area's routes and who may use them (tests/test_access_routes.py)."""

from contracts.roles import Role

READERS = frozenset({Role.trafficer, Role.manager})
ADMINS = frozenset({Role.admin})

REPORTS_ROUTES: dict[tuple[str, str], dict] = {
    ("GET", "/api/reports"): {"roles": READERS},
    ("GET", "/reports"): {"roles": READERS},
    ("GET", "/reports/export.csv"): {"roles": READERS},
    ("GET", "/reports/export.xlsx"): {"roles": READERS},
    ("GET", "/reports/settings"): {"roles": ADMINS},
    ("POST", "/reports/settings"): {"roles": ADMINS},
}
