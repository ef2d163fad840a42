"""The demo logins and mail domain every demo seeder shares."""

DEMO_PASSWORD = "pulse-demo-2026"  # noqa: S105 - documented demo login, is_demo users only
DEMO_MAIL_DOMAIN = "pulse.test"
