"""Exact amounts and discounts of an agreement (``engine.schedule``: to_decimal, discount_amount)."""

from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import collections_addon.engine as engine
from collections_addon.engine import (
    DISCOUNT_TYPES,
    discount_amount,
    to_decimal,
)

D = Decimal
# No example database: failures are reported with their seed; .hypothesis/ keeps only its git-ignored cache.
PROPERTIES = settings(max_examples=300, deadline=None, database=None)


def units_to_decimal(units, digits):
    return Decimal(units).scaleb(-digits)


# ----------------------------------------------------------------------
# Public names
# ----------------------------------------------------------------------

PUBLIC_NAMES = (
    "to_decimal",
    "discount_amount",
)


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_every_public_name_is_exported_from_the_engine(name):
    assert name in engine.__all__
    assert getattr(engine, name) is not None


def test_constants():
    assert DISCOUNT_TYPES == ("percent", "amount")


# ----------------------------------------------------------------------
# to_decimal
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (0.1 + 0.2, 2, "0.30"),  # 0.30000000000000004
        (2.675, 2, "2.68"),  # binary 2.67499999999999982236431605997495353221893310546875
        (1.005, 2, "1.01"),  # binary 1.00499999999999989341858963598497211933135986328125
        (-1.005, 2, "-1.01"),  # half away from zero
        (1.004, 2, "1.00"),
        (0.125, 2, "0.13"),
        ("1.005", 2, "1.01"),
        ("  12.345 ", 2, "12.35"),
        ("1e3", 2, "1000.00"),
        (D("2.5"), 0, "3"),
        (D("-2.5"), 0, "-3"),
        (7, 0, "7"),
        (7, 2, "7.00"),
        (1000, 3, "1000.000"),
        (1.0005, 3, "1.001"),
        (1234567.891, 2, "1234567.89"),
        (0, 2, "0.00"),
        (-0.0, 2, "0.00"),
        (-0.001, 2, "0.00"),  # no negative zero
        (1e-20, 2, "0.00"),
        (D("1E-999999"), 2, "0.00"),
        (D("0.005"), 2, "0.01"),
        (D("0.0049999999999999999999999999999999"), 2, "0.00"),
        (D("123456789012345678901234567.895"), 2, "123456789012345678901234567.90"),  # beyond 28 digits, exact
    ],
)
def test_to_decimal(value, digits, expected):
    result = to_decimal(value, digits)
    assert isinstance(result, Decimal)
    assert str(result) == expected
    assert result.as_tuple().exponent == -digits


def test_to_decimal_defaults_to_two_digits():
    assert str(to_decimal(3)) == "3.00"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "must be a number"),
        (True, "must be a number"),
        ([1], "must be a number"),
        ("abc", "is not a number"),
        ("", "is not a number"),
        ("1,000.00", "is not a number"),
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        (D("NaN"), "finite"),
        (D("-Infinity"), "finite"),
        ("inf", "finite"),
        (1e30, "too large"),
        (10**40, "too large"),
    ],
)
def test_to_decimal_rejects_what_is_not_an_amount(value, message):
    with pytest.raises(ValueError, match=message):
        to_decimal(value)


@pytest.mark.parametrize("digits", [-1, 1.5, True, "2", None])
def test_to_decimal_rejects_bad_digits(digits):
    with pytest.raises(ValueError, match="digits must be a whole number"):
        to_decimal(1, digits)


@PROPERTIES
@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(0, 6))
def test_to_decimal_of_a_float_rounds_its_repr(value, digits):
    with localcontext() as ctx:
        ctx.prec = 60
        expected = Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    result = to_decimal(value, digits)
    assert result == expected
    assert result.as_tuple().exponent == -digits


@PROPERTIES
@given(st.integers(-(10**15), 10**15), st.integers(0, 6))
def test_to_decimal_keeps_an_amount_already_in_units(units, digits):
    value = units_to_decimal(units, digits)
    assert to_decimal(value, digits) == value
    assert to_decimal(str(value), digits) == value
    # idempotent
    assert to_decimal(to_decimal(value, digits), digits) == value


# ----------------------------------------------------------------------
# discount_amount
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "kind", "value", "digits", "expected"),
    [
        (1000, "percent", 10, 2, "100.00"),
        (333.33, "percent", 10, 2, "33.33"),  # 33.333
        (0.05, "percent", 50, 2, "0.03"),  # 0.025 rounds half up
        (100, "percent", 0, 2, "0.00"),
        (100, "percent", 100, 2, "100.00"),
        ("1200.00", "percent", 12.5, 2, "150.00"),
        (100, "percent", 33.3, 2, "33.30"),
        (100, "percent", "33.335", 2, "33.34"),  # the percentage itself is not rounded first
        (1001, "percent", 50, 0, "501"),  # 500.5
        (10, "percent", 33.3333, 3, "3.333"),
        (0, "percent", 50, 2, "0.00"),
        (100, "amount", 25, 2, "25.00"),
        (100, "amount", "100", 2, "100.00"),
        (100, "amount", 0, 2, "0.00"),
        (100, "amount", 0.005, 2, "0.01"),
        (100, "amount", 99.999, 2, "100.00"),
        (0, "amount", 0, 2, "0.00"),
        (1000, "amount", 12.3456, 3, "12.346"),
    ],
)
def test_discount_amount(total, kind, value, digits, expected):
    result = discount_amount(total, kind, value, digits)
    assert str(result) == expected
    assert result.as_tuple().exponent == -digits


@pytest.mark.parametrize(
    ("total", "kind", "value", "message"),
    [
        (100, "percent", 120, r"^the discount \(120%\) cannot exceed 100%: "),
        (100, "percent", 100.01, r"^the discount \(100.01%\) cannot exceed 100%"),
        (100, "percent", -5, r"^the discount \(-5%\) cannot be negative"),
        (100, "amount", 150, r"^the discount \(150.00\) cannot exceed the amount due \(100.00\): lower"),
        (100, "amount", 100.006, r"cannot exceed the amount due"),  # 100.01 once rounded
        (100, "amount", -1, r"^the discount \(-1.00\) cannot be negative"),
        (0, "amount", 1, r"cannot exceed the amount due \(0.00\)"),
        (-10, "percent", 10, r"the amount due cannot be negative"),
        (100, "fixed", 10, r"unknown discount type 'fixed': use 'percent' or 'amount'"),
        (100, "percent", "ten", r"the discount percentage \('ten'\) is not a number"),
        (100, "amount", None, r"the discount must be a number"),
        ("lots", "amount", 1, r"the amount due \('lots'\) is not a number"),
    ],
)
def test_discount_amount_rejects(total, kind, value, message):
    with pytest.raises(ValueError, match=message):
        discount_amount(total, kind, value)


@PROPERTIES
@given(
    st.integers(0, 10**12),
    st.decimals(min_value=0, max_value=100, places=4),
    st.integers(0, 4),
)
def test_percent_discount_is_the_rounded_share_of_the_total(total_units, percent, digits):
    total = units_to_decimal(total_units, digits)
    result = discount_amount(total, "percent", percent, digits)
    with localcontext() as ctx:
        ctx.prec = 80
        expected = (total * percent / 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    assert result == expected
    assert 0 <= result <= total
    assert result.as_tuple().exponent == -digits


@PROPERTIES
@given(st.integers(1, 10**9), st.decimals(0, 100, places=2), st.decimals(0, 100, places=2))
def test_percent_discount_grows_with_the_percentage(total_units, low, high):
    low, high = sorted((low, high))
    total = units_to_decimal(total_units, 2)
    assert discount_amount(total, "percent", low) <= discount_amount(total, "percent", high)
