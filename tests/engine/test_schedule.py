"""Due dates and instalments of an agreement (``engine.schedule``).

Reference dates, 2026 (Monday to Friday calendar unless told otherwise):

    Sat 01-31  Mon 02-02  Sat 02-28  Mon 03-02  Tue 03-31  Thu 04-30
    Thu 12-24  Fri 12-25 (Christmas)  Mon 12-28
"""

import dataclasses
import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import collections_addon.engine as engine
from collections_addon.engine import (
    INTERVALS,
    SCHEDULE_CALENDAR_YEARS,
    BusinessCalendar,
    Installment,
    add_interval,
    build_schedule,
    schedule_problem,
    to_decimal,
)

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
    "add_interval",
    "build_schedule",
    "schedule_problem",
    "SCHEDULE_CALENDAR_YEARS",
)


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_every_public_name_is_exported_from_the_engine(name):
    assert name in engine.__all__
    assert getattr(engine, name) is not None


def test_constants():
    assert INTERVALS == ("weekly", "biweekly", "monthly")
    # Seventy-two monthly instalments find their business days on the calendar loaded for them.
    assert SCHEDULE_CALENDAR_YEARS == 6


def test_results_are_frozen():
    item = Installment(1, date(2026, 2, 2), D("1.00"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.amount = D("2.00")


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

    assert schedule_problem(total, discount, count) == expected
