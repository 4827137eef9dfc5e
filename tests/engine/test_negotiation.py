"""Renegotiation maths, limits, promise and plan status (``engine.negotiation``).

Reference dates, 2026 (Monday to Friday calendar unless told otherwise):

    Sat 01-31  Mon 02-02  Sat 02-28  Mon 03-02  Tue 03-31  Thu 04-30
    Thu 12-24  Fri 12-25 (Christmas)  Mon 12-28
"""

import dataclasses
import itertools
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import collections_addon.engine as engine
from collections_addon.engine import (
    INTERVALS,
    BusinessCalendar,
    Installment,
    LimitViolation,
    NegotiationLimits,
    PromiseStatus,
    add_interval,
    build_schedule,
    check_limits,
    discount_amount,
    max_installments_for_minimum,
    pause_until,
    plan_status,
    promise_status,
    to_decimal,
)
from collections_addon.engine.negotiation import DISCOUNT_TYPES, LIMIT_CODES, PLAN_STATES, PROMISE_STATES

D = Decimal
MON_FRI = BusinessCalendar()
CHRISTMAS = date(2026, 12, 25)
XMAS_CAL = BusinessCalendar(holidays={CHRISTMAS})

# No example database: failures are reported with their seed; .hypothesis/ keeps only its git-ignored cache.
PROPERTIES = settings(max_examples=300, deadline=None, database=None)


def amounts(schedule):
    return [item.amount for item in schedule]


def due_dates(schedule):
    return [item.due_date for item in schedule]


def strictly_increasing(days):
    return all(a < b for a, b in itertools.pairwise(days))


def units_to_decimal(units, digits):
    return Decimal(units).scaleb(-digits)


# ----------------------------------------------------------------------
# Public names
# ----------------------------------------------------------------------

PUBLIC_NAMES = (
    "INTERVALS",
    "Installment",
    "NegotiationLimits",
    "LimitViolation",
    "PromiseStatus",
    "to_decimal",
    "discount_amount",
    "add_interval",
    "build_schedule",
    "check_limits",
    "max_installments_for_minimum",
    "promise_status",
    "plan_status",
    "pause_until",
)


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_every_public_name_is_exported_from_the_engine(name):
    assert name in engine.__all__
    assert getattr(engine, name) is not None


def test_constants():
    assert INTERVALS == ("weekly", "biweekly", "monthly")
    assert DISCOUNT_TYPES == ("percent", "amount")
    assert LIMIT_CODES == ("discount", "installments", "min_installment")
    assert set(PROMISE_STATES) == {"open", "kept", "broken"}
    assert set(PLAN_STATES) == {"active", "done", "broken"}


def test_results_are_frozen():
    item = Installment(1, date(2026, 2, 2), D("1.00"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.amount = D("2.00")
    with pytest.raises(dataclasses.FrozenInstanceError):
        NegotiationLimits().max_installments = 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        PromiseStatus("open", D(0), D(1)).state = "kept"
    with pytest.raises(dataclasses.FrozenInstanceError):
        LimitViolation("discount", D(1), D(2)).code = "x"


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


# ----------------------------------------------------------------------
# add_interval
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "interval", "steps", "expected"),
    [
        (date(2026, 1, 31), "weekly", 0, date(2026, 1, 31)),
        (date(2026, 1, 31), "weekly", 1, date(2026, 2, 7)),
        (date(2026, 12, 28), "weekly", 1, date(2027, 1, 4)),
        (date(2026, 1, 31), "biweekly", 2, date(2026, 2, 28)),
        (date(2026, 1, 31), "monthly", 0, date(2026, 1, 31)),
        (date(2026, 1, 31), "monthly", 1, date(2026, 2, 28)),
        (date(2028, 1, 31), "monthly", 1, date(2028, 2, 29)),  # leap year
        (date(2026, 1, 31), "monthly", 2, date(2026, 3, 31)),  # from the start, not chained through Feb 28
        (date(2026, 1, 31), "monthly", 3, date(2026, 4, 30)),
        (date(2026, 1, 31), "monthly", 13, date(2027, 2, 28)),
        (date(2026, 1, 30), "monthly", 1, date(2026, 2, 28)),
        (date(2026, 1, 15), "monthly", 1, date(2026, 2, 15)),
        (date(2026, 12, 15), "monthly", 1, date(2027, 1, 15)),
        (date(2026, 11, 30), "monthly", 3, date(2027, 2, 28)),
        (date(2026, 3, 31), "monthly", -1, date(2026, 2, 28)),
        (date(2026, 1, 15), "monthly", -1, date(2025, 12, 15)),
        (date(2026, 1, 14), "weekly", -2, date(2025, 12, 31)),
    ],
)
def test_add_interval(start, interval, steps, expected):
    assert add_interval(start, interval, steps) == expected


@pytest.mark.parametrize(
    ("start", "interval", "steps", "message"),
    [
        (date(2026, 1, 1), "daily", 1, r"unknown interval 'daily': use one of weekly, biweekly, monthly"),
        (date(2026, 1, 1), "Monthly", 1, r"unknown interval"),
        (date(2026, 1, 1), "monthly", 1.0, r"whole number"),
        (date(2026, 1, 1), "monthly", True, r"whole number"),
        (datetime(2026, 1, 1, 12), "monthly", 1, r"must be a date \(not a datetime\)"),
        ("2026-01-01", "monthly", 1, r"must be a date"),
        (date(9999, 12, 1), "monthly", 1, r"outside years 1 to 9999"),
        (date(9999, 12, 28), "weekly", 1, r"outside years 1 to 9999"),
        (date(1, 1, 1), "monthly", -1, r"outside years 1 to 9999"),
    ],
)
def test_add_interval_rejects(start, interval, steps, message):
    with pytest.raises(ValueError, match=message):
        add_interval(start, interval, steps)


starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@PROPERTIES
@given(starts, st.integers(-200, 200), st.integers(-200, 200))
def test_weekly_and_biweekly_intervals_are_whole_weeks(start, a, b):
    assert add_interval(start, "weekly", a) == start + timedelta(weeks=a)
    assert add_interval(start, "biweekly", a) == start + timedelta(weeks=2 * a)
    assert add_interval(add_interval(start, "weekly", a), "weekly", b) == add_interval(start, "weekly", a + b)


@PROPERTIES
@given(starts, st.integers(-240, 240))
def test_monthly_keeps_the_day_clamped_to_the_month(start, steps):
    result = add_interval(start, "monthly", steps)
    months = (result.year - start.year) * 12 + result.month - start.month
    assert months == steps
    last_day = ((result.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)).day
    assert result.day == min(start.day, last_day)


@PROPERTIES
@given(starts, st.sampled_from(INTERVALS), st.integers(0, 120))
def test_intervals_move_forward_strictly(start, interval, steps):
    assert add_interval(start, interval, steps + 1) > add_interval(start, interval, steps)


# ----------------------------------------------------------------------
# build_schedule: examples
# ----------------------------------------------------------------------


def test_docstring_example_monthly_from_january_31():
    schedule = build_schedule(1000, 0, 3, date(2026, 1, 31), "monthly", MON_FRI)
    assert schedule == [
        Installment(1, date(2026, 2, 2), D("333.34")),  # Sat 01-31 -> Mon 02-02
        Installment(2, date(2026, 3, 2), D("333.33")),  # Feb 28 (clamped) is a Saturday -> Mon 03-02
        Installment(3, date(2026, 3, 31), D("333.33")),  # Mar 31 from the start date, a Tuesday
    ]


def test_without_calendar_the_nominal_dates_are_kept():
    schedule = build_schedule("1000.00", "0", 4, date(2026, 1, 31), "monthly")
    assert due_dates(schedule) == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert amounts(schedule) == [D("250.00")] * 4


def test_the_first_instalments_carry_the_extra_cents():
    # 99.98 / 4 = 24.995: two extra cents
    assert amounts(build_schedule("100.00", "0.02", 4, date(2026, 1, 5), "weekly")) == [
        D("25.00"),
        D("25.00"),
        D("24.99"),
        D("24.99"),
    ]
    # 100.00 / 7 = 14.2857...: 14.28 * 7 = 99.96, four extra cents
    assert amounts(build_schedule(100, 0, 7, date(2026, 1, 5), "weekly")) == [D("14.29")] * 4 + [D("14.28")] * 3


def test_the_discount_is_taken_off_before_splitting():
    schedule = build_schedule(1000, 100, 4, date(2026, 3, 2), "monthly", MON_FRI)
    assert amounts(schedule) == [D("225.00")] * 4
    assert sum(amounts(schedule)) == D("900.00")


def test_a_single_instalment_is_the_whole_net_on_the_first_business_day():
    assert build_schedule(500, "12.34", 1, date(2026, 12, 25), "weekly", XMAS_CAL) == [
        Installment(1, date(2026, 12, 28), D("487.66"))
    ]


def test_more_instalments_than_cents_gives_zero_instalments():
    assert amounts(build_schedule("0.02", 0, 3, date(2026, 1, 5), "weekly")) == [D("0.01"), D("0.01"), D("0.00")]


def test_currency_digits():
    assert amounts(build_schedule(1000, 0, 3, date(2026, 1, 5), "monthly", digits=0)) == [D(334), D(333), D(333)]
    assert [str(a) for a in amounts(build_schedule("10.000", 0, 3, date(2026, 1, 5), "monthly", digits=3))] == [
        "3.334",
        "3.333",
        "3.333",
    ]
    # the inputs are rounded to the currency first: 1000.4 JPY is 1000
    assert sum(amounts(build_schedule(1000.4, 0.4, 2, date(2026, 1, 5), "monthly", digits=0))) == D(1000)


def test_float_inputs_behave_like_their_decimal_text():
    from_floats = build_schedule(0.1 + 0.2 + 999.7, 0.1, 3, date(2026, 1, 5), "monthly")
    assert from_floats == build_schedule("1000.00", "0.10", 3, date(2026, 1, 5), "monthly")


def test_amounts_are_quantized_to_the_digits():
    for item in build_schedule(1000, 0, 7, date(2026, 1, 5), "weekly"):
        assert item.amount.as_tuple().exponent == -2
    assert str(build_schedule(10, 0, 1, date(2026, 1, 5), "weekly")[0].amount) == "10.00"


def test_weekend_and_holiday_due_dates_move_to_the_next_business_day():
    schedule = build_schedule(300, 0, 3, date(2026, 12, 11), "biweekly", XMAS_CAL)
    # Fri 12-11, Fri 12-25 (Christmas) -> Mon 12-28, Fri 01-08
    assert due_dates(schedule) == [date(2026, 12, 11), date(2026, 12, 28), date(2027, 1, 8)]


def test_weekly_dates_stay_strictly_increasing_across_a_long_holiday():
    shutdown = {date(2026, 12, 21) + timedelta(days=n) for n in range(19)}  # Mon 12-21 .. Fri 01-08
    calendar = BusinessCalendar(holidays=shutdown)
    schedule = build_schedule(400, 0, 5, date(2026, 12, 21), "weekly", calendar)
    # nominal Mondays 12-21, 12-28, 01-04 all roll to Mon 01-11: each goes to the business day after the previous
    assert due_dates(schedule) == [
        date(2027, 1, 11),
        date(2027, 1, 12),
        date(2027, 1, 13),
        date(2027, 1, 14),  # nominal 01-11 is taken
        date(2027, 1, 18),  # nominal 01-18 is free again
    ]


def test_a_pushed_date_skips_holidays_too():
    calendar = BusinessCalendar(holidays={date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7)})
    # Sat 01-03 -> Thu 01-08; nominal Sat 01-10 -> Mon 01-12
    assert due_dates(build_schedule(20, 0, 2, date(2026, 1, 3), "weekly", calendar)) == [
        date(2026, 1, 8),
        date(2026, 1, 12),
    ]
    # a single working weekday: nominal Mondays of a weekly plan roll to Fridays
    fridays = BusinessCalendar(workdays={4})
    assert due_dates(build_schedule(20, 0, 3, date(2026, 1, 5), "weekly", fridays)) == [
        date(2026, 1, 9),
        date(2026, 1, 16),
        date(2026, 1, 23),
    ]


def test_sequences_count_from_one():
    assert [item.sequence for item in build_schedule(100, 0, 5, date(2026, 1, 5), "weekly")] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"total": 0}, r"^the amount due must be above zero \(got 0.00\)"),
        ({"total": -5}, r"the amount due must be above zero"),
        ({"total": 0.004}, r"the amount due must be above zero"),  # 0.00 once rounded
        ({"discount": -1}, r"^the discount \(-1.00\) cannot be negative"),
        ({"discount": 150}, r"^the discount \(150.00\) cannot exceed the amount due \(100.00\)"),
        ({"discount": 100}, r"^nothing left to pay after the discount"),
        ({"discount": 99.999}, r"^nothing left to pay after the discount"),
        ({"count": 0}, r"^the number of instalments must be at least 1 \(got 0\)"),
        ({"count": -3}, r"the number of instalments must be at least 1"),
        ({"count": 2.0}, r"the number of instalments must be a whole number"),
        ({"count": True}, r"the number of instalments must be a whole number"),
        ({"interval": "daily"}, r"unknown interval 'daily'"),
        ({"first_date": datetime(2026, 1, 5, 9)}, r"the first due date must be a date"),
        ({"first_date": "2026-01-05"}, r"the first due date must be a date"),
        ({"calendar": "Mon-Fri"}, r"the calendar must be a BusinessCalendar"),
        ({"digits": -2}, r"digits must be a whole number"),
        ({"total": "abc"}, r"the amount due \('abc'\) is not a number"),
        ({"discount": None}, r"the discount must be a number"),
        ({"first_date": date(9999, 11, 1), "count": 3}, r"outside years 1 to 9999"),
        (
            {"first_date": date(9999, 12, 31), "count": 1, "calendar": BusinessCalendar(holidays={date(9999, 12, 31)})},
            r"runs past the year 9999",
        ),
    ],
)
def test_build_schedule_rejects(kwargs, message):
    arguments = {
        "total": 100,
        "discount": 0,
        "count": 2,
        "first_date": date(2026, 1, 5),
        "interval": "monthly",
        "calendar": None,
    } | kwargs
    with pytest.raises(ValueError, match=message):
        build_schedule(**arguments)


# ----------------------------------------------------------------------
# build_schedule: properties
# ----------------------------------------------------------------------


@st.composite
def schedule_requests(draw, max_count=60):
    digits = draw(st.integers(0, 4))
    total_units = draw(st.integers(1, 10**13))
    discount_units = draw(st.integers(0, total_units - 1))
    count = draw(st.integers(1, max_count))
    first_date = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)))
    interval = draw(st.sampled_from(INTERVALS))
    return (
        units_to_decimal(total_units, digits),
        units_to_decimal(discount_units, digits),
        count,
        first_date,
        interval,
        digits,
    )


@st.composite
def calendars(draw):
    workdays = draw(st.frozensets(st.integers(0, 6), min_size=1))
    # Holidays cluster around the schedules' dates; at most 60, so every year keeps business days.
    holidays = draw(
        st.frozensets(st.dates(min_value=date(2020, 1, 1), max_value=date(2046, 12, 31)), max_size=60)
        | st.builds(
            lambda start, length: frozenset(start + timedelta(days=n) for n in range(length)),
            st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
            st.integers(1, 45),
        )
    )
    return BusinessCalendar(workdays=workdays, holidays=holidays)


@PROPERTIES
@given(schedule_requests())
def test_amounts_add_up_to_the_net_exactly_and_differ_by_one_unit_at_most(request):
    total, discount, count, first_date, interval, digits = request
    schedule = build_schedule(total, discount, count, first_date, interval, digits=digits)
    unit = Decimal(1).scaleb(-digits)
    values = amounts(schedule)
    assert len(schedule) == count
    assert [item.sequence for item in schedule] == list(range(1, count + 1))
    assert sum(values) == total - discount
    assert all(value >= 0 for value in values)
    assert all(value.as_tuple().exponent == -digits for value in values)
    assert max(values) - min(values) <= unit
    # the earlier instalments carry the extra unit: never increasing, exactly r of them above the base
    assert values == sorted(values, reverse=True)
    base_units, remainder = divmod(int((total - discount).scaleb(digits)), count)
    base = units_to_decimal(base_units, digits)
    assert values == [base + unit] * remainder + [base] * (count - remainder)


@PROPERTIES
@given(schedule_requests())
def test_without_a_calendar_the_dates_are_the_nominal_ones(request):
    total, discount, count, first_date, interval, digits = request
    schedule = build_schedule(total, discount, count, first_date, interval, digits=digits)
    assert due_dates(schedule) == [add_interval(first_date, interval, k) for k in range(count)]
    assert strictly_increasing(due_dates(schedule))


@PROPERTIES
@given(schedule_requests(max_count=40), calendars())
def test_with_a_calendar_the_dates_are_business_days_strictly_increasing(request, calendar):
    total, discount, count, first_date, interval, digits = request
    schedule = build_schedule(total, discount, count, first_date, interval, calendar, digits)
    dates = due_dates(schedule)
    assert len(dates) == count
    assert all(calendar.is_business_day(day) for day in dates)
    assert strictly_increasing(dates)
    previous = None
    for step, day in enumerate(dates):
        rolled = calendar.next_business_day(add_interval(first_date, interval, step), include_today=True)
        # never before the nominal date; moved further only to stay after the previous instalment
        assert day >= rolled
        if previous is None or rolled > previous:
            assert day == rolled
        else:
            assert day == calendar.next_business_day(previous)
        previous = day
    # the calendar moves dates, never amounts
    assert amounts(schedule) == amounts(build_schedule(total, discount, count, first_date, interval, digits=digits))


@PROPERTIES
@given(schedule_requests(max_count=30), calendars())
def test_build_schedule_is_deterministic(request, calendar):
    total, discount, count, first_date, interval, digits = request
    first = build_schedule(total, discount, count, first_date, interval, calendar, digits)
    again = build_schedule(total, discount, count, first_date, interval, calendar, digits)
    assert first == again
    assert hash(tuple(first)) == hash(tuple(again))
    # the same amounts written as text or as floats (when a float holds them) give the same schedule
    assert build_schedule(str(total), str(discount), count, first_date, interval, calendar, digits) == first


@PROPERTIES
@given(
    st.floats(min_value=0.01, max_value=1e9, allow_nan=False),
    st.floats(min_value=0, max_value=1, allow_nan=False),
    st.integers(1, 48),
)
def test_float_amounts_are_read_through_their_repr(total, share, count):
    discount = total * share
    net = to_decimal(total) - to_decimal(discount)
    assume(net > 0)
    schedule = build_schedule(total, discount, count, date(2026, 1, 5), "monthly")
    assert sum(amounts(schedule)) == net
    assert schedule == build_schedule(repr(total), repr(discount), count, date(2026, 1, 5), "monthly")


# ----------------------------------------------------------------------
# Installment, NegotiationLimits
# ----------------------------------------------------------------------


def test_installment_keeps_decimals_and_reads_floats_through_repr():
    assert Installment(1, date(2026, 1, 5), 0.1).amount == D("0.1")
    assert Installment(2, date(2026, 1, 5), "12.50").amount == D("12.50")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, date(2026, 1, 5), D(1)), r"sequence must be at least 1"),
        ((1.0, date(2026, 1, 5), D(1)), r"sequence must be a whole number"),
        ((1, datetime(2026, 1, 5), D(1)), r"due date must be a date"),
        ((1, date(2026, 1, 5), D(-1)), r"instalment 1: the amount cannot be negative"),
        ((1, date(2026, 1, 5), None), r"amount must be a number"),
    ],
)
def test_installment_rejects(args, message):
    with pytest.raises(ValueError, match=message):
        Installment(*args)


def test_limits_default_to_no_discount_one_instalment_no_minimum():
    limits = NegotiationLimits()
    assert limits == NegotiationLimits(D(0), 1, D(0))
    assert limits.max_discount_percent == 0 and isinstance(limits.max_discount_percent, Decimal)
    assert limits.min_installment_amount == 0 and isinstance(limits.min_installment_amount, Decimal)
    assert hash(limits) == hash(NegotiationLimits())


def test_limits_read_floats_and_strings_as_exact_decimals():
    limits = NegotiationLimits(max_discount_percent=12.5, max_installments=6, min_installment_amount="50.00")
    assert limits.max_discount_percent == D("12.5")
    assert limits.min_installment_amount == D("50.00")
    assert NegotiationLimits(max_discount_percent=100).max_discount_percent == 100


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_discount_percent": -1}, r"the maximum discount cannot be negative \(got -1%\)"),
        ({"max_discount_percent": 100.5}, r"the maximum discount cannot exceed 100% \(got 100.5%\)"),
        ({"max_discount_percent": None}, r"the maximum discount must be a number"),
        ({"max_installments": 0}, r"the maximum number of instalments must be at least 1 \(got 0\)"),
        ({"max_installments": -2}, r"must be at least 1"),
        ({"max_installments": 3.0}, r"must be a whole number"),
        ({"min_installment_amount": -0.01}, r"the minimum instalment cannot be negative"),
        ({"min_installment_amount": float("nan")}, r"finite"),
    ],
)
def test_limits_reject(kwargs, message):
    with pytest.raises(ValueError, match=message):
        NegotiationLimits(**kwargs)


# ----------------------------------------------------------------------
# check_limits
# ----------------------------------------------------------------------

LIMITS = NegotiationLimits(max_discount_percent=D(10), max_installments=6, min_installment_amount=D(100))


def test_inside_the_limits_nothing_is_reported():
    schedule = build_schedule(1000, 100, 6, date(2026, 1, 5), "monthly")  # 10% exactly, 6 x 150
    assert check_limits(1000, 100, schedule, LIMITS) == []


def test_every_limit_beyond_is_reported_in_order():
    schedule = build_schedule(1000, 150, 12, date(2026, 1, 5), "monthly")  # 850 / 12: 70.84 x 10, 70.83 x 2
    assert check_limits(1000, 150, schedule, LIMITS) == [
        LimitViolation("discount", D(10), D("15.00")),
        LimitViolation("installments", D(6), D(12)),
        LimitViolation("min_installment", D(100), D("70.83")),
    ]


def test_the_discount_percentage_is_rounded_to_two_places_half_up():
    one = build_schedule(100000, 10004, 1, date(2026, 1, 5), "weekly")
    assert check_limits(100000, 10004, one, LIMITS) == []  # 10.004% -> 10.00%
    one = build_schedule(100000, 10005, 1, date(2026, 1, 5), "weekly")
    assert check_limits(100000, 10005, one, LIMITS) == [LimitViolation("discount", D(10), D("10.01"))]
    one = build_schedule(300, 100, 1, date(2026, 1, 5), "weekly")
    assert check_limits(300, 100, one, NegotiationLimits(max_discount_percent=40)) == []
    [violation] = check_limits(300, 100, one, NegotiationLimits(max_discount_percent="33.32"))
    assert violation.proposed == D("33.33") and str(violation.proposed) == "33.33"


def test_no_discount_allowed_by_default():
    one = build_schedule(100, "0.01", 1, date(2026, 1, 5), "weekly")
    assert check_limits(100, "0.01", one, NegotiationLimits()) == [LimitViolation("discount", D(0), D("0.01"))]
    # 0.004% rounds to 0.00%: not a discount the limits see
    one = build_schedule(1000, "0.04", 1, date(2026, 1, 5), "weekly")
    assert check_limits(1000, "0.04", one, NegotiationLimits()) == []


def test_instalment_count_at_the_limit_is_allowed():
    schedule = build_schedule(1200, 0, 6, date(2026, 1, 5), "monthly")
    assert check_limits(1200, 0, schedule, LIMITS) == []
    schedule = build_schedule(1400, 0, 7, date(2026, 1, 5), "monthly")
    assert check_limits(1400, 0, schedule, LIMITS) == [LimitViolation("installments", D(6), D(7))]
    assert isinstance(check_limits(1400, 0, schedule, LIMITS)[0].allowed, Decimal)


def test_smallest_instalment_against_the_minimum():
    limits = NegotiationLimits(max_installments=10, min_installment_amount=D("333.33"))
    schedule = build_schedule(1000, 0, 3, date(2026, 1, 5), "monthly")  # 333.34, 333.33, 333.33
    assert check_limits(1000, 0, schedule, limits) == []
    limits = NegotiationLimits(max_installments=10, min_installment_amount=D("333.34"))
    assert check_limits(1000, 0, schedule, limits) == [LimitViolation("min_installment", D("333.34"), D("333.33"))]
    # compared exactly: 333.333 is not reached by 333.33
    limits = NegotiationLimits(max_installments=10, min_installment_amount=D("333.333"))
    assert [v.code for v in check_limits(1000, 0, schedule, limits)] == ["min_installment"]


def test_no_minimum_means_no_minimum_violation():
    schedule = build_schedule("0.02", 0, 3, date(2026, 1, 5), "weekly")  # a 0.00 instalment
    assert check_limits("0.02", 0, schedule, NegotiationLimits(max_installments=3)) == []


def test_check_limits_works_on_a_schedule_edited_by_hand():
    schedule = [Installment(1, date(2026, 1, 5), D("900.00")), Installment(2, date(2026, 2, 5), D("50.00"))]
    assert check_limits(950, 0, schedule, NegotiationLimits(max_installments=2, min_installment_amount=100)) == [
        LimitViolation("min_installment", D(100), D("50.00"))
    ]


def test_check_limits_accepts_floats():
    schedule = build_schedule(1000.0, 99.999, 2, date(2026, 1, 5), "monthly")
    assert check_limits(1000.0, 100.0, schedule, LIMITS) == []


@pytest.mark.parametrize(
    ("total", "discount", "schedule", "limits", "message"),
    [
        (0, 0, [Installment(1, date(2026, 1, 5), D(1))], LIMITS, r"the amount due must be above zero"),
        (100, -1, [Installment(1, date(2026, 1, 5), D(1))], LIMITS, r"cannot be negative"),
        (100, 101, [Installment(1, date(2026, 1, 5), D(1))], LIMITS, r"cannot exceed the amount due"),
        (100, 0, [], LIMITS, r"the schedule has no instalment"),
        (100, 0, [Installment(1, date(2026, 1, 5), D(1))], None, r"the limits must be NegotiationLimits"),
    ],
)
def test_check_limits_rejects(total, discount, schedule, limits, message):
    with pytest.raises(ValueError, match=message):
        check_limits(total, discount, schedule, limits)


@st.composite
def limits_strategy(draw):
    return NegotiationLimits(
        max_discount_percent=draw(st.decimals(0, 100, places=2)),
        max_installments=draw(st.integers(1, 36)),
        min_installment_amount=draw(st.decimals(0, 5000, places=2)),
    )


@PROPERTIES
@given(st.integers(1, 10**9), st.data(), st.integers(1, 48), limits_strategy())
def test_check_limits_reports_exactly_the_limits_beyond(total_units, data, count, limits):
    discount_units = data.draw(st.integers(0, total_units - 1))
    total, discount = units_to_decimal(total_units, 2), units_to_decimal(discount_units, 2)
    schedule = build_schedule(total, discount, count, date(2026, 1, 5), "monthly")
    violations = check_limits(total, discount, schedule, limits)
    codes = [violation.code for violation in violations]
    assert codes == [code for code in LIMIT_CODES if code in codes]  # stable order, no duplicates
    percent = (discount * 100 / total).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert ("discount" in codes) == (percent > limits.max_discount_percent)
    assert ("installments" in codes) == (count > limits.max_installments)
    smallest = min(amounts(schedule))
    assert ("min_installment" in codes) == (
        limits.min_installment_amount > 0 and smallest < limits.min_installment_amount
    )
    for violation in violations:
        assert isinstance(violation.allowed, Decimal) and isinstance(violation.proposed, Decimal)
        if violation.code == "min_installment":
            assert violation.proposed == smallest < violation.allowed
        else:
            assert violation.proposed > violation.allowed
    assert check_limits(total, discount, schedule, limits) == violations


# ----------------------------------------------------------------------
# max_installments_for_minimum
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("net", "minimum", "digits", "expected"),
    [
        (1000, "333.33", 2, 3),
        (1000, "333.34", 2, 2),
        (1000, 100, 2, 10),
        (1000, "99.99", 2, 10),  # 11 x 90.90 falls short
        (100, 100, 2, 1),
        (50, 100, 2, 1),  # below the minimum: paid at once
        (100, 50, 2, 2),
        (100, "33.333", 2, 2),  # compared exactly: 33.33 does not reach 33.333
        (1000, 0, 2, 100000),  # no minimum: one cent each at least
        (1000, "0.001", 2, 100000),
        (1000, 333, 0, 3),
        ("0.01", 0, 2, 1),
    ],
)
def test_max_installments_for_minimum(net, minimum, digits, expected):
    assert max_installments_for_minimum(net, minimum, digits) == expected


@pytest.mark.parametrize(
    ("net", "minimum", "message"),
    [
        (0, 10, r"the amount to pay must be above zero"),
        (-5, 10, r"the amount to pay must be above zero"),
        (100, -1, r"the minimum instalment cannot be negative"),
        (100, None, r"the minimum instalment must be a number"),
    ],
)
def test_max_installments_for_minimum_rejects(net, minimum, message):
    with pytest.raises(ValueError, match=message):
        max_installments_for_minimum(net, minimum)


@PROPERTIES
@given(st.integers(1, 10**9), st.data(), st.integers(0, 3))
def test_max_installments_for_minimum_is_the_largest_count_check_limits_accepts(net_units, data, digits):
    minimum_units = data.draw(st.integers(0, 2 * net_units) | st.integers(max(net_units // 300, 1), net_units))
    net = units_to_decimal(net_units, digits)
    minimum = units_to_decimal(minimum_units, digits)
    count = max_installments_for_minimum(net, minimum, digits)
    assert count >= 1
    if minimum == 0:
        assert count == net_units  # one unit each at least
    elif net < minimum:
        assert count == 1
    else:
        # the smallest instalment of n is floor(net / n) units
        assert net_units // count >= minimum_units > net_units // (count + 1)
    if count <= 300:
        limits = NegotiationLimits(max_installments=1000, min_installment_amount=minimum)
        schedule = build_schedule(net, 0, count, date(2026, 1, 5), "weekly", digits=digits)
        if net >= minimum:
            assert min(amounts(schedule)) >= minimum
            assert check_limits(net, 0, schedule, limits) == []
        if minimum > 0:
            more = build_schedule(net, 0, count + 1, date(2026, 1, 5), "weekly", digits=digits)
            assert min(amounts(more)) < minimum
            assert [v.code for v in check_limits(net, 0, more, limits)] == ["min_installment"]


# ----------------------------------------------------------------------
# Promises
# ----------------------------------------------------------------------

PROMISED = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("paid", "today", "expected"),
    [
        (0, date(2026, 3, 1), PromiseStatus("open", D("0.00"), D("500.00"))),
        (0, PROMISED, PromiseStatus("open", D("0.00"), D("500.00"))),
        ("200", date(2026, 3, 4), PromiseStatus("open", D("200.00"), D("300.00"))),  # last grace day
        ("200", date(2026, 3, 5), PromiseStatus("broken", D("200.00"), D("300.00"))),
        (500, date(2026, 2, 1), PromiseStatus("kept", D("500.00"), D("0.00"))),  # kept before the date
        (500, date(2026, 4, 1), PromiseStatus("kept", D("500.00"), D("0.00"))),  # kept late still counts
        (650, date(2026, 3, 2), PromiseStatus("kept", D("500.00"), D("0.00"))),  # paid is capped
        ("499.99", date(2026, 3, 5), PromiseStatus("broken", D("499.99"), D("0.01"))),
        ("499.995", date(2026, 3, 5), PromiseStatus("kept", D("500.00"), D("0.00"))),  # rounded to the cent
        (-20, date(2026, 3, 3), PromiseStatus("open", D("0.00"), D("500.00"))),  # a refund covers nothing
    ],
)
def test_promise_status(paid, today, expected):
    assert promise_status(500, PROMISED, 2, paid, today) == expected


def test_promise_without_grace_days_breaks_the_day_after():
    assert promise_status(100, PROMISED, 0, 0, PROMISED).state == "open"
    assert promise_status(100, PROMISED, 0, 0, PROMISED + timedelta(days=1)).state == "broken"


def test_promise_status_uses_the_currency_digits():
    assert promise_status(1000, PROMISED, 0, 999.6, PROMISED, digits=0) == PromiseStatus("kept", D(1000), D(0))
    assert str(promise_status("10.5", PROMISED, 0, 0, PROMISED, digits=3).remaining) == "10.500"


def test_promise_status_reads_floats_through_repr():
    assert promise_status(0.3, PROMISED, 0, 0.1 + 0.2, PROMISED).state == "kept"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, PROMISED, 2, 0, PROMISED), r"a promise to pay needs an amount above zero \(got 0.00\)"),
        ((-5, PROMISED, 2, 0, PROMISED), r"needs an amount above zero"),
        ((100, PROMISED, -1, 0, PROMISED), r"the grace days must be at least 0 \(got -1\)"),
        ((100, PROMISED, 1.5, 0, PROMISED), r"the grace days must be a whole number"),
        ((100, None, 2, 0, PROMISED), r"the promised date must be a date"),
        ((100, PROMISED, 2, 0, datetime(2026, 3, 2)), r"today must be a date"),
        ((100, PROMISED, 2, "n/a", PROMISED), r"the amount paid \('n/a'\) is not a number"),
    ],
)
def test_promise_status_rejects(args, message):
    with pytest.raises(ValueError, match=message):
        promise_status(*args)


@PROPERTIES
@given(
    st.integers(1, 10**9),
    st.integers(-(10**9), 2 * 10**9),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 1, 1)),
    st.integers(0, 60),
    st.integers(-90, 90),
)
def test_promise_status_properties(amount_units, paid_units, promised, grace, offset):
    amount, paid = units_to_decimal(amount_units, 2), units_to_decimal(paid_units, 2)
    today = promised + timedelta(days=offset)
    status = promise_status(amount, promised, grace, paid, today)
    assert status.state in PROMISE_STATES
    assert status.paid + status.remaining == amount
    assert 0 <= status.paid <= amount
    assert status.remaining >= 0
    if paid >= amount:
        assert status.state == "kept" and status.remaining == 0
    elif today > pause_until(promised, grace):
        assert status.state == "broken"
    else:
        assert status.state == "open"
    assert promise_status(amount, promised, grace, paid, today) == status


# ----------------------------------------------------------------------
# pause_until
# ----------------------------------------------------------------------


def test_pause_until():
    assert pause_until(PROMISED, 2) == date(2026, 3, 4)
    assert pause_until(PROMISED, 0) == PROMISED
    assert pause_until(date(2026, 12, 30), 5) == date(2027, 1, 4)  # calendar days, not business days


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((PROMISED, -1), r"the grace days must be at least 0"),
        ((PROMISED, None), r"the grace days must be a whole number"),
        ((datetime(2026, 3, 2), 1), r"the promised date must be a date"),
        ((date(9999, 12, 30), 5), r"falls after the year 9999"),
    ],
)
def test_pause_until_rejects(args, message):
    with pytest.raises(ValueError, match=message):
        pause_until(*args)


@PROPERTIES
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 365), st.integers(1, 10**6))
def test_a_promise_cannot_break_while_the_follow_up_is_paused(promised, grace, amount_units):
    last = pause_until(promised, grace)
    amount = units_to_decimal(amount_units, 2)
    assert promise_status(amount, promised, grace, 0, last).state == "open"
    assert promise_status(amount, promised, grace, 0, last + timedelta(days=1)).state == "broken"


# ----------------------------------------------------------------------
# Plans
# ----------------------------------------------------------------------

PLAN = [(date(2026, 2, 2), D("333.34")), (date(2026, 3, 2), D("333.33")), (date(2026, 3, 31), D("333.33"))]


def paid_first(n):
    return [(day, D(0) if index < n else residual) for index, (day, residual) in enumerate(PLAN)]


@pytest.mark.parametrize(
    ("installments", "today", "expected"),
    [
        (PLAN, date(2026, 1, 15), "active"),
        (PLAN, date(2026, 2, 5), "active"),  # 3 grace days: 02-05 is the last one
        (PLAN, date(2026, 2, 6), "broken"),
        (paid_first(1), date(2026, 3, 5), "active"),
        (paid_first(1), date(2026, 3, 6), "broken"),
        (paid_first(2), date(2026, 3, 6), "active"),
        (paid_first(3), date(2026, 1, 1), "done"),  # paid ahead of time
        (paid_first(3), date(2030, 1, 1), "done"),
        ([(date(2026, 2, 2), D("0.00")), (date(2026, 3, 2), D("0.01"))], date(2026, 3, 6), "broken"),
        ([(date(2026, 2, 2), D("-5.00")), (date(2026, 3, 2), 0)], date(2027, 1, 1), "done"),  # overpaid
        ([(date(2026, 2, 2), 0.004)], date(2027, 1, 1), "done"),  # below half a cent
        ([(date(2026, 2, 2), 0.005)], date(2027, 1, 1), "broken"),
        ([(date(2026, 3, 31), "10"), (date(2026, 2, 2), "0")], date(2026, 3, 6), "active"),  # any order
        ([(date(2026, 3, 31), "10"), (date(2026, 2, 2), "1")], date(2026, 3, 6), "broken"),
    ],
)
def test_plan_status(installments, today, expected):
    assert plan_status(installments, today, 3) == expected


def test_plan_status_without_grace_days_and_with_currency_digits():
    assert plan_status([(date(2026, 2, 2), 1)], date(2026, 2, 2), 0) == "active"
    assert plan_status([(date(2026, 2, 2), 1)], date(2026, 2, 3), 0) == "broken"
    assert plan_status([(date(2026, 2, 2), "0.4")], date(2026, 3, 1), 0, digits=0) == "done"
    assert plan_status([(date(2026, 2, 2), "0.0004")], date(2026, 3, 1), 0, digits=3) == "done"
    assert plan_status([(date(2026, 2, 2), "0.0005")], date(2026, 3, 1), 0, digits=3) == "broken"


@pytest.mark.parametrize(
    ("installments", "today", "grace", "message"),
    [
        ([], date(2026, 1, 1), 3, r"a plan needs at least one instalment"),
        ([(date(2026, 2, 2),)], date(2026, 1, 1), 3, r"instalment 1 must be a \(due date, residual\) pair"),
        ([date(2026, 2, 2)], date(2026, 1, 1), 3, r"instalment 1 must be a \(due date, residual\) pair"),
        ([(date(2026, 2, 2), 0), ("2026-03-02", 1)], date(2026, 1, 1), 3, r"instalment 2's due date must be a date"),
        ([(date(2026, 2, 2), None)], date(2026, 1, 1), 3, r"instalment 1's residual must be a number"),
        (PLAN, date(2026, 1, 1), -1, r"the grace days must be at least 0"),
        (PLAN, "today", 3, r"today must be a date"),
    ],
)
def test_plan_status_rejects(installments, today, grace, message):
    with pytest.raises(ValueError, match=message):
        plan_status(installments, today, grace)


@PROPERTIES
@given(
    st.lists(
        st.tuples(
            st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
            st.decimals(min_value=-100, max_value=10000, places=3),
        ),
        min_size=1,
        max_size=30,
    ),
    st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 6, 30)),
    st.integers(0, 30),
    st.randoms(use_true_random=False),
)
def test_plan_status_properties(installments, today, grace, random):
    status = plan_status(installments, today, grace)
    open_dates = [day for day, residual in installments if to_decimal(residual) > 0]
    if not open_dates:
        expected = "done"
    elif min(open_dates) + timedelta(days=grace) < today:
        expected = "broken"
    else:
        expected = "active"
    assert status == expected
    shuffled = list(installments)
    random.shuffle(shuffled)
    assert plan_status(shuffled, today, grace) == status
    # time only makes an unpaid plan worse
    if status == "broken":
        assert plan_status(installments, today + timedelta(days=1), grace) == "broken"


@pytest.mark.parametrize(
    ("promised", "expected"),
    [
        (None, "missing"),
        (date(2026, 3, 15), "past"),
        (date(2026, 3, 16), None),
        (date(2026, 5, 15), None),
        (date(2026, 5, 16), "far"),
    ],
)
def test_promise_date_problem(promised, expected):
    from collections_addon.engine import promise_date_problem

    assert promise_date_problem(date(2026, 3, 16), promised, 60) == expected


@pytest.mark.parametrize(
    ("total", "discount", "count", "expected"),
    [
        ("100.00", "150.00", 1, "discount_exceeds"),
        ("100.00", "100.00", 1, "nothing_left"),
        ("0.02", "0", 3, "empty_instalments"),
        ("0.03", "0", 3, None),
        ("1000.01", "0.02", 3, None),
    ],
)
def test_schedule_problem(total, discount, count, expected):
    from collections_addon.engine import schedule_problem

    assert schedule_problem(total, discount, count) == expected
