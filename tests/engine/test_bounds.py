"""The ranges of typed values (``engine.bounds``), and the engine accepting every value inside them."""

import math
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collections_addon.engine import (
    AMOUNT,
    CALL_INTERVAL_HOURS,
    CALL_PERIOD_DAYS,
    CONTACT_GAP_DAYS,
    DAY_HOURS,
    DISCOUNT_PERCENT,
    FIRST_DUE_DATE,
    GRACE_DAYS,
    HOLD_REVIEW_DAYS,
    INSTALLMENTS,
    LEVEL_DAYS,
    MAX_AMOUNT,
    MAX_CALLS,
    POSITIVE_AMOUNT,
    PROMISE_DATE,
    PROTEST_WINDOW_DAYS,
    RELEASE_LETTER_DAYS,
    WHATSAPP_HOURS,
    Bound,
    BusinessCalendar,
    CallRules,
    CallWindow,
    ContactRules,
    DateWindow,
    NegotiationLimits,
    ProtestRule,
    build_schedule,
    hours_label,
    pause_until,
    plan_status,
    protest_deadline,
    window_problem,
)
from tests.engine.conftest import PROPERTIES, TODAY, level

ALL_BOUNDS = [
    AMOUNT,
    CALL_INTERVAL_HOURS,
    CALL_PERIOD_DAYS,
    CONTACT_GAP_DAYS,
    DAY_HOURS,
    DISCOUNT_PERCENT,
    GRACE_DAYS,
    HOLD_REVIEW_DAYS,
    INSTALLMENTS,
    LEVEL_DAYS,
    MAX_CALLS,
    POSITIVE_AMOUNT,
    PROTEST_WINDOW_DAYS,
    RELEASE_LETTER_DAYS,
    WHATSAPP_HOURS,
]
POSTGRESQL_INT = 2**31 - 1


@pytest.mark.parametrize(
    ("bound", "value", "problem"),
    [
        (DISCOUNT_PERCENT, 0, None),
        (DISCOUNT_PERCENT, 100, None),
        (DISCOUNT_PERCENT, 100.0001, "above"),
        (DISCOUNT_PERCENT, -0.01, "below"),
        (DISCOUNT_PERCENT, Decimal("99.99"), None),
        (DISCOUNT_PERCENT, Decimal("NaN"), "not_finite"),
        (DISCOUNT_PERCENT, float("nan"), "not_finite"),
        (DISCOUNT_PERCENT, -math.inf, "not_finite"),
        (DISCOUNT_PERCENT, "5", "not_number"),
        (DISCOUNT_PERCENT, None, "not_number"),
        (DISCOUNT_PERCENT, False, "not_number"),
        (INSTALLMENTS, 0, "below"),
        (INSTALLMENTS, 1, None),
        (INSTALLMENTS, 120, None),
        (INSTALLMENTS, 121, "above"),
        (INSTALLMENTS, 3.0, None),
        (INSTALLMENTS, 2.5, "not_whole"),
        (INSTALLMENTS, 2**31, "above"),
        (POSITIVE_AMOUNT, 0, "below"),
        (POSITIVE_AMOUNT, 0.01, None),
        (POSITIVE_AMOUNT, MAX_AMOUNT, None),
        (POSITIVE_AMOUNT, 1e300, "above"),
        (AMOUNT, 0, None),
        (AMOUNT, -0.0, None),
        (LEVEL_DAYS, -365, None),
        (LEVEL_DAYS, -366, "below"),
        (LEVEL_DAYS, 3650, None),
        (LEVEL_DAYS, 3651, "above"),
    ],
)
def test_bound_problems(bound, value, problem):
    assert bound.problem(value) == problem


def test_bound_check_names_what_and_the_range():
    with pytest.raises(ValueError, match=r"^the instalments must be 1 to 120, got 0\.$"):
        INSTALLMENTS.check(0, "the instalments")
    INSTALLMENTS.check(12, "the instalments")
    with pytest.raises(ValueError, match="minimum"):
        Bound(5, 1)


@PROPERTIES
@given(st.sampled_from(ALL_BOUNDS), st.one_of(st.integers(), st.floats(allow_nan=False), st.decimals(allow_nan=False)))
def test_a_value_is_accepted_exactly_inside_its_range(bound, value):
    finite = math.isfinite(value)
    inside = (
        finite
        and bound.minimum <= value <= bound.maximum
        and not (bound.exclusive_minimum and value == bound.minimum)
        and not (bound.whole and value != int(value))
    )
    assert (bound.problem(value) is None) == inside


@pytest.mark.parametrize("bound", [bound for bound in ALL_BOUNDS if bound.whole], ids=str)
def test_every_count_fits_a_postgresql_integer_and_the_calendar(bound):
    # Counts, days and hours are int4 columns and feed timedelta arithmetic.
    assert -POSTGRESQL_INT <= bound.minimum <= bound.maximum <= POSTGRESQL_INT
    assert TODAY + timedelta(days=bound.maximum) < date(2100, 1, 1)


def test_date_windows():
    assert PROMISE_DATE.problem(TODAY, TODAY) is None
    assert PROMISE_DATE.problem(TODAY - timedelta(days=1), TODAY) == "before"
    assert PROMISE_DATE.problem(TODAY + timedelta(days=365), TODAY) is None
    assert PROMISE_DATE.problem(TODAY + timedelta(days=366), TODAY) == "after"
    assert PROMISE_DATE.problem("2026-03-16", TODAY) == "not_date"
    assert FIRST_DUE_DATE.problem(TODAY - timedelta(days=366), TODAY) is None
    assert FIRST_DUE_DATE.problem(TODAY - timedelta(days=367), TODAY) == "before"
    assert (FIRST_DUE_DATE.first_day(TODAY), FIRST_DUE_DATE.last_day(TODAY)) == (date(2025, 3, 15), date(2027, 3, 17))
    # The ends of the calendar are compared, never computed past.
    assert FIRST_DUE_DATE.problem(date(9999, 12, 31), TODAY) == "after"
    assert FIRST_DUE_DATE.problem(date(1, 1, 1), TODAY) == "before"
    assert DateWindow(0, 10).problem(date(9999, 12, 31), date(9999, 12, 30)) is None


@PROPERTIES
@given(st.dates(), st.dates(), st.integers(0, 400), st.integers(0, 400))
def test_a_date_is_accepted_exactly_inside_its_window(day, today, before, after):
    window = DateWindow(before, after)
    assert (window.problem(day, today) is None) == (-before <= (day - today).days <= after)


@pytest.mark.parametrize(
    ("start", "end", "problem"),
    [
        (8, 20, None),
        (0, 24, None),
        (20, 8, "ends_before_start"),
        (8, 8, "ends_before_start"),
        (-1, 8, "outside_day"),
        (8, 24.5, "outside_day"),
        (8, math.inf, "outside_day"),
        (None, 8, "outside_day"),
    ],
)
def test_window_problem(start, end, problem):
    assert window_problem(start, end) == problem
    if problem:
        with pytest.raises(ValueError):
            CallWindow(0, start, end)
    else:
        CallWindow(0, start, end)


def test_hours_label_never_fails():
    assert [hours_label(hours) for hours in (8.5, 24, math.inf, 1e300)] == ["08:30", "24:00", "inf", "1e+300"]


# ----------------------------------------------------------------------
# The engine accepts every value the models accept
# ----------------------------------------------------------------------


def edges(bound):
    return [bound.minimum + (0.01 if bound.exclusive_minimum else 0), bound.maximum]


@pytest.mark.parametrize("max_calls", edges(MAX_CALLS))
@pytest.mark.parametrize("period_days", edges(CALL_PERIOD_DAYS))
@pytest.mark.parametrize("interval", edges(CALL_INTERVAL_HOURS))
def test_call_rules_accept_the_ranges(max_calls, period_days, interval):
    rules = CallRules(max_calls=max_calls, period_days=period_days, min_interval_hours=interval)
    assert rules.period.days == period_days and rules.min_interval.total_seconds() == interval * 3600


def test_engine_objects_refuse_below_the_ranges():
    with pytest.raises(ValueError):
        CallRules(max_calls=MAX_CALLS.minimum - 1)
    with pytest.raises(ValueError):
        CallRules(period_days=CALL_PERIOD_DAYS.minimum - 1)
    with pytest.raises(ValueError):
        CallRules(min_interval_hours=CALL_INTERVAL_HOURS.minimum - 0.5)
    with pytest.raises(ValueError):
        ContactRules(min_gap_business_days=CONTACT_GAP_DAYS.minimum - 1)
    with pytest.raises(ValueError):
        NegotiationLimits(max_discount_percent=DISCOUNT_PERCENT.maximum + 1)
    with pytest.raises(ValueError):
        NegotiationLimits(max_installments=INSTALLMENTS.minimum - 1)
    with pytest.raises(ValueError):
        level(1, 5, min_amount=AMOUNT.minimum - 1)
    with pytest.raises(ValueError):
        ProtestRule(days=PROTEST_WINDOW_DAYS.maximum + 1)
    with pytest.raises(ValueError):
        pause_until(TODAY, GRACE_DAYS.minimum - 1)


@pytest.mark.parametrize("gap", edges(CONTACT_GAP_DAYS))
def test_contact_rules_accept_the_range(gap):
    assert ContactRules(min_gap_business_days=gap).min_gap_business_days == gap


@pytest.mark.parametrize("percent", edges(DISCOUNT_PERCENT))
@pytest.mark.parametrize("count", edges(INSTALLMENTS))
@pytest.mark.parametrize("minimum", edges(AMOUNT))
def test_negotiation_limits_accept_the_ranges(percent, count, minimum):
    NegotiationLimits(max_discount_percent=percent, max_installments=count, min_installment_amount=minimum)


@pytest.mark.parametrize("days", edges(LEVEL_DAYS))
@pytest.mark.parametrize("minimum", edges(AMOUNT))
def test_levels_accept_the_ranges(days, minimum):
    level(1, days, min_amount=minimum)


@pytest.mark.parametrize("days", range(PROTEST_WINDOW_DAYS.minimum, PROTEST_WINDOW_DAYS.maximum + 1))
@pytest.mark.parametrize("business_days", [True, False])
def test_every_protest_window_has_a_last_day(days, business_days):
    rule = ProtestRule(days=days, business_days=business_days)
    assert protest_deadline(rule, BusinessCalendar(), TODAY) > TODAY


@pytest.mark.parametrize("interval", ["weekly", "biweekly", "monthly"])
@pytest.mark.parametrize("first", [FIRST_DUE_DATE.first_day(TODAY), FIRST_DUE_DATE.last_day(TODAY)])
def test_the_longest_agreement_fits_the_calendar(interval, first):
    schedule = build_schedule(1_000_000, 0, INSTALLMENTS.maximum, first, interval, BusinessCalendar())
    assert len(schedule) == INSTALLMENTS.maximum
    assert plan_status([(item.due_date, item.amount) for item in schedule], TODAY, GRACE_DAYS.maximum) == "active"


def test_the_latest_promise_pauses_within_the_calendar():
    assert pause_until(PROMISE_DATE.last_day(TODAY), GRACE_DAYS.maximum) == date(2028, 3, 15)
