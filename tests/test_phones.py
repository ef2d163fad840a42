"""Caller numbers in every Dutch shape normalise to one E.164 form."""

import pytest

from services.customers.phones import normalize_phone


@pytest.mark.parametrize(
    "raw",
    ["06 1234 5678", "+31 6 12345678", "0031612345678", "31612345678", "(06)-12345678"],
)
def test_dutch_mobile_in_every_shape(raw):
    assert normalize_phone(raw) == "+31612345678"


@pytest.mark.parametrize("raw", [None, "", "anonymous", "unknown", "+", "12"])
def test_no_number(raw):
    assert normalize_phone(raw) is None


def test_landline_and_foreign():
    assert normalize_phone("070 340 7911") == "+31703407911"
    assert normalize_phone("+32 2 123 45 67") == "+3221234567"
