"""The numbers a person may give on the public form: BIG, UZI or KvK. Never a BSN:
the form has no login, so nobody could check who typed it."""

from __future__ import annotations

from services.customers.identifiers import InvalidIdentifier, digits_only, normalize_identifier

KINDS = ("big", "uzi", "kvk")
BIG_WEIGHTS = (6, 3, 7, 9, 10, 5, 8, 4, 2)


def big_check(value: str) -> bool:
    """The BIG number's check digit: its first digit, computed from the other ten
    (the second is always 9) with the register's weights, modulo 11."""
    if len(value) != 11 or not value.isdigit() or value[1] != "9":
        return False
    total = 9 + sum(int(d) * w for d, w in zip(value[2:], BIG_WEIGHTS, strict=True))
    check = 11 - total % 11
    check = {11: 0, 10: 1}.get(check, check)
    return int(value[0]) == check


def validate_identifier(kind: str, raw: str) -> str:
    """The number in its canonical form; InvalidIdentifier with an error code
    (``kind``, ``length``, ``check``) as its message."""
    if kind not in KINDS:
        raise InvalidIdentifier("kind")
    try:
        value = normalize_identifier(kind, raw)
    except InvalidIdentifier:
        raise InvalidIdentifier("length") from None
    if kind == "big" and not big_check(value):
        raise InvalidIdentifier("check")
    return value


__all__ = ["KINDS", "InvalidIdentifier", "big_check", "digits_only", "validate_identifier"]
