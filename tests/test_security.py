"""Units: password hashing, TOTP, session tokens and CSRF comparison."""

from __future__ import annotations

import time

import pyotp

from services import security


def test_password_hash_round_trip():
    hashed = security.hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert security.verify_password(hashed, "correct horse battery")
    assert not security.verify_password(hashed, "wrong")


def test_verify_without_hash_is_false_but_still_works():
    # The unknown-user path must not raise and must never succeed.
    assert not security.verify_password(None, "anything")
    assert not security.verify_password("not-a-hash", "anything")


def test_totp_accepts_current_and_adjacent_codes_only():
    secret = security.new_totp_secret()
    totp = pyotp.TOTP(secret)
    now = time.time()
    assert security.verify_totp(secret, totp.at(now))
    assert security.verify_totp(secret, totp.at(now - 30))
    assert not security.verify_totp(secret, totp.at(now - 120))
    assert security.verify_totp(secret, " ".join([totp.at(now)[:3], totp.at(now)[3:]]))
    assert not security.verify_totp(secret, "abcdef")
    assert not security.verify_totp(None, totp.at(now))


def test_session_tokens_are_random_and_hashed():
    a, b = security.new_session_token(), security.new_session_token()
    assert a != b and len(a) >= 40
    assert security.hash_session_token(a) == security.hash_session_token(a)
    assert len(security.hash_session_token(a)) == 64
    assert security.hash_session_token(a) != a


def test_csrf_compare():
    token = security.new_csrf_token()
    assert security.csrf_tokens_match(token, token)
    assert not security.csrf_tokens_match(token, token + "x")
    assert not security.csrf_tokens_match(token, None)
    assert not security.csrf_tokens_match(None, None)
    assert not security.csrf_tokens_match("", "")
