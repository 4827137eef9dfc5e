"""Notary protest rules the models used to hold (``engine.protest``): the date the daily job settles a paid
protest, how far the bank holidays of a window are read, where the window starts, and the state groups the
models act on.

Reference dates, all in 2026: Mon 03-02 ... Fri 03-06, Mon 03-09, Wed 03-11 (protested), Thu 03-12,
Mon 03-16 (today).
"""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collections_addon.engine import BusinessCalendar, ProtestRule, protest_deadline
from collections_addon.engine.protest import (
    COST_PAYERS,
    DAILY_STATES,
    DEADLINE_STATES,
    FINAL_STATES,
    HOLIDAY_MARGIN_DAYS,
    MAX_WINDOW_DAYS,
    OPEN_STATES,
    PROTEST_STATES,
    PROTESTED_FLAG_STATES,
    START_EVENTS,
    TASK_CLOSING_STATES,
    TRANSITIONS,
    URGENCY_CODES,
    WINDOW_STATES,
    auto_settlement_date,
    deadline_urgency,
    holiday_horizon,
    urgency_ranges,
    window_start,
)

PROPERTIES = settings(max_examples=300, deadline=None, database=None)

MON = date(2026, 3, 2)
FRI = date(2026, 3, 6)
PROTESTED = date(2026, 3, 11)
THU_12 = date(2026, 3, 12)
TODAY = date(2026, 3, 16)
DATES = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))


# ----------------------------------------------------------------------
# auto_settlement_date
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last_payment", "protest_date", "expected"),
    [
        pytest.param(THU_12, PROTESTED, THU_12, id="paid-after-the-protest"),
        pytest.param(PROTESTED, PROTESTED, PROTESTED, id="paid-the-day-of-the-protest"),
        pytest.param(FRI, PROTESTED, PROTESTED, id="paid-before-the-protest-settles-on-the-protest-day"),
        pytest.param(TODAY, PROTESTED, TODAY, id="paid-today"),
        pytest.param(TODAY + timedelta(days=3), PROTESTED, TODAY, id="payment-dated-later-settles-today"),
        pytest.param(None, PROTESTED, TODAY, id="no-payment-date"),
        pytest.param(THU_12, None, TODAY, id="no-protest-date"),
        pytest.param(None, None, TODAY, id="neither"),
        pytest.param(THU_12, TODAY + timedelta(days=1), TODAY, id="protest-dated-tomorrow"),
    ],
)
def test_auto_settlement_date(last_payment, protest_date, expected):
    assert auto_settlement_date(last_payment, protest_date, today=TODAY) == expected


@PROPERTIES
@given(st.none() | DATES, st.none() | DATES, DATES)
def test_auto_settlement_date_is_never_after_today_nor_before_the_protest(last_payment, protest_date, today):
    settled = auto_settlement_date(last_payment, protest_date, today)
    assert settled <= today
    if protest_date is not None and protest_date <= today:
        assert settled >= protest_date
    if last_payment is not None and protest_date is not None and protest_date <= last_payment <= today:
        assert settled == last_payment


# ----------------------------------------------------------------------
# holiday_horizon and window_start
# ----------------------------------------------------------------------


def test_holiday_horizon_is_twice_the_window_and_a_margin():
    assert HOLIDAY_MARGIN_DAYS == 60
    assert holiday_horizon(MON, 3) == MON + timedelta(days=66)
    assert holiday_horizon(MON, MAX_WINDOW_DAYS) == MON + timedelta(days=120)
    assert holiday_horizon(date(2026, 12, 30), 3) == date(2027, 3, 6)


@PROPERTIES
@given(
    DATES,
    st.integers(1, MAX_WINDOW_DAYS),
    st.booleans(),
    st.sets(st.integers(1, 90), max_size=15),
)
def test_the_deadline_falls_inside_the_holiday_horizon(start, days, business_days, holiday_offsets):
    # Fifteen bank holidays in a quarter is more than any Brazilian town has.
    calendar = BusinessCalendar(holidays={start + timedelta(days=offset) for offset in holiday_offsets})
    deadline = protest_deadline(ProtestRule(days=days, business_days=business_days), calendar, start)
    assert start < deadline <= holiday_horizon(start, days)


@pytest.mark.parametrize(
    ("start", "protocol", "notification", "expected"),
    [
        ("protocol", MON, FRI, MON),
        ("protocol", MON, None, MON),
        ("protocol", None, FRI, None),
        ("notification", MON, FRI, FRI),
        ("notification", MON, None, None),
        ("notification", None, FRI, FRI),
    ],
)
def test_window_start(start, protocol, notification, expected):
    assert start in START_EVENTS
    assert window_start(ProtestRule(start=start), protocol, notification) == expected


# ----------------------------------------------------------------------
# urgency_ranges: the search of the board's urgency filter
# ----------------------------------------------------------------------


def test_urgency_ranges_cover_every_code_once():
    ranges = urgency_ranges(TODAY)
    assert set(ranges) == set(URGENCY_CODES)
    assert ranges["late"] == (None, date(2026, 3, 15))
    assert ranges["today"] == (TODAY, TODAY)
    assert ranges["soon"] == (date(2026, 3, 17), date(2026, 3, 18))
    assert ranges["later"] == (date(2026, 3, 19), None)


@PROPERTIES
@given(DATES, st.integers(-40, 40), st.sampled_from(sorted(WINDOW_STATES)))
def test_urgency_ranges_agree_with_deadline_urgency(today, offset, state):
    deadline = today + timedelta(days=offset)
    inside = [
        code
        for code, (first, last) in urgency_ranges(today).items()
        if (first is None or deadline >= first) and (last is None or deadline <= last)
    ]
    assert inside == [deadline_urgency(state, deadline, today)]


# ----------------------------------------------------------------------
# State groups and codes the models use
# ----------------------------------------------------------------------


def test_the_last_day_is_reminded_only_once_the_window_runs():
    assert {"protocolled", "notified"} == DEADLINE_STATES
    assert DEADLINE_STATES < WINDOW_STATES


def test_the_daily_job_follows_the_window_and_the_protested():
    assert {"sent", "protocolled", "notified", "protested"} == DAILY_STATES
    assert DAILY_STATES <= OPEN_STATES


def test_the_steps_that_answer_the_tasks_and_change_the_protested_flag():
    assert {"paid", "withdrawn", "cancelled", "settled", "protested"} == TASK_CLOSING_STATES
    assert FINAL_STATES <= TASK_CLOSING_STATES
    assert {"protested", "settled", "cancelled"} == PROTESTED_FLAG_STATES
    targets = {target for _, target in TRANSITIONS.values()}
    assert targets >= TASK_CLOSING_STATES
    assert targets >= PROTESTED_FLAG_STATES
    assert set(PROTEST_STATES) >= TASK_CLOSING_STATES | PROTESTED_FLAG_STATES


def test_cost_payers():
    assert COST_PAYERS == ("creditor", "debtor")
