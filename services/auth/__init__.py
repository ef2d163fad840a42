"""Signing in: password and TOTP, single sign-on, server-side sessions."""
