"""Promises to pay and disputes: status, pause, states and the portal's windows (``engine.promise``)."""

import dataclasses
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import collections_addon.engine as engine
from collections_addon.engine import (
    ANSWER_SOURCES,
    DEFAULT_PROMISE_GRACE_DAYS,
    DISPUTE_PAUSING_STATES,
    DISPUTE_STATES,
    DISPUTE_STEPS,
    PORTAL_NAME_LENGTH,
    PORTAL_PROMISE_DAYS,
    PORTAL_RENEWAL_DAYS,
    PORTAL_TEXT_LENGTH,
    PROMISE_DATE,
    PROMISE_PAUSING_STATES,
    PROMISE_RECORD_STATES,
    PROMISE_STATES,
    PROMISE_STEPS,
    PromiseStatus,
    pause_until,
    promise_date_problem,
    promise_status,
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
    "PromiseStatus",
    "promise_status",
    "pause_until",
    "promise_date_problem",
    "PROMISE_STEPS",
    "DISPUTE_STEPS",
)


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_every_public_name_is_exported_from_the_engine(name):
    assert name in engine.__all__
    assert getattr(engine, name) is not None


def test_constants():
    assert set(PROMISE_STATES) == {"open", "kept", "broken"}


def test_promise_and_dispute_states_and_steps():
    assert PROMISE_RECORD_STATES == ("open", "kept", "broken", "cancelled")
    assert PROMISE_STEPS.states == PROMISE_RECORD_STATES
    for action, target in (("keep", "kept"), ("break", "broken"), ("cancel", "cancelled")):
        assert PROMISE_STEPS.sources(action) == ("open",)
        assert PROMISE_STEPS.target(action, "open") == target
    assert DISPUTE_STATES == ("open", "resolved")
    assert DISPUTE_STEPS.sources("resolve") == ("open",)
    assert DISPUTE_STEPS.problem("resolve", "resolved") == "wrong_state"
    assert ANSWER_SOURCES == ("collector", "call", "portal")
    # Only an open promise or dispute pauses its invoices; the steps start from there.
    assert PROMISE_PAUSING_STATES == PROMISE_STEPS.sources("cancel") == ("open",)
    assert DISPUTE_PAUSING_STATES == DISPUTE_STEPS.sources("resolve") == ("open",)


def test_portal_windows():
    assert (PORTAL_PROMISE_DAYS, PORTAL_RENEWAL_DAYS) == (60, 30)
    assert (PORTAL_NAME_LENGTH, PORTAL_TEXT_LENGTH) == (128, 2000)
    assert DEFAULT_PROMISE_GRACE_DAYS == 2
    # A customer's own promise stays within what a collector may record.
    assert PROMISE_DATE.days_after >= PORTAL_PROMISE_DAYS


def test_results_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        PromiseStatus("open", D(0), D(1)).state = "kept"


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
    assert promise_date_problem(date(2026, 3, 16), promised, 60) == expected
