"""Phone numbers in one form (E.164), so a caller's number finds its customer.

Dutch numbers arrive in many shapes: ``06 1234 5678``, ``+31 6 12345678``,
``0031612345678``, or from the trunk as ``31612345678``. Matching needs one form.
"""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "NL"


def normalize_phone(raw: str | None, region: str = DEFAULT_REGION) -> str | None:
    """``+31612345678`` for any way of writing that number; None if it is no number.

    Anonymous or withheld callers (``anonymous``, ``unknown``, empty) give None.
    """
    digits = "".join(ch for ch in (raw or "") if ch.isdigit() or ch == "+")
    if not digits.strip("+"):
        return None
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif not digits.startswith("+") and digits.startswith("31") and len(digits) == 11:
        digits = "+" + digits  # a trunk that drops the plus
    try:
        parsed = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
