"""Password hashing, TOTP, session tokens and CSRF tokens (BIO: MFA, no secrets at rest).

Passwords are hashed with argon2id; session cookies carry a random token and the
database keeps only its SHA-256, so a database leak does not hand out sessions.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()

# Verified against when the username does not exist, so a failed login for an
# unknown user costs the same time as one for a known user (no username oracle).
_DUMMY_HASH = _hasher.hash("pulse-dummy-password-for-timing")

TOTP_ISSUER = "PULSE"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; spends the same effort when there is no hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_now(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def verify_totp(secret: str | None, code: str) -> bool:
    """Accept the current code and one step either side (clock drift of phones)."""
    if not secret:
        return False
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return False
    return pyotp.TOTP(secret).verify(code, valid_window=1)


def totp_provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def hash_session_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_tokens_match(expected: str | None, given: str | None) -> bool:
    """Constant-time compare; an absent token on either side never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())
