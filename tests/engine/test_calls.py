"""Call windows, caps, priority and call outcomes (``engine.calls``).

All datetimes are naive UTC. Most tests use America/Sao_Paulo (UTC-3 all year
since 2019) so that local 08:00 is 11:00 UTC, 14:00 is 17:00 UTC and 20:00 is
23:00 UTC. Reference dates, 2026:

    Mon 03-23  Tue 03-24  Wed 03-25  Thu 03-26  Fri 03-27  Sat 03-28  Sun 03-29 (Europe: summer time starts)
    Mon 03-30  Thu 04-02  Fri 04-03 (Good Friday)  Sat 04-04  Mon 04-06
"""

import random
from datetime import date, datetime, timedelta, timezone

import pytest

from collections_addon.engine import (
    CALL_OUTCOMES,
    DEFAULT_WINDOWS,
    REACHED_OUTCOMES,
    CallFollowUp,
    CallRules,
    CallWindow,
    after_call,
    call_allowed_at,
    call_priority,
    call_wait,
    customer_expected_recovery,
    next_call_slot,
)
from collections_addon.engine.calls import (
    BLOCK_REASONS,
    DEFAULT_CALL_INTERVAL_HOURS,
    DEFAULT_CALL_PERIOD_DAYS,
    DEFAULT_MAX_CALLS,
    DEFAULT_PAUSE_DAYS,
    PAUSE_OUTCOMES,
    WAIT_REASONS,
    call_event_state,
    default_pause_until,
)
from collections_addon.engine.contact_log import EVENT_STATES
from tests.engine.conftest import GOOD_FRIDAY

SP = "America/Sao_Paulo"
BRUSSELS = "Europe/Brussels"

MON = date(2026, 3, 23)
FRI = date(2026, 3, 27)
SAT = date(2026, 3, 28)
SUN = date(2026, 3, 29)
NEXT_MON = date(2026, 3, 30)

RULES = CallRules()
ALL_DAY = tuple(CallWindow(weekday, 0, 24) for weekday in range(7))
# Only the calendar matters: any moment of any day, no cap, no interval.
OPEN = CallRules(windows=ALL_DAY, max_calls=0, min_interval_hours=0)


def utc(day, hour, minute=0, second=0):
    """A naive UTC datetime at ``hour:minute`` UTC on ``day``."""
    return datetime(day.year, day.month, day.day, hour, minute, second)


def sp(day, hour, minute=0):
    """The naive UTC datetime of ``hour:minute`` in Sao Paulo (UTC-3) on ``day``."""
    return utc(day, 0) + timedelta(hours=hour + 3, minutes=minute)


def test_reference_dates():
    assert [d.weekday() for d in (MON, FRI, SAT, SUN, NEXT_MON, GOOD_FRIDAY)] == [0, 4, 5, 6, 0, 4]


# --- constants --------------------------------------------------------------------------------------------------


def test_outcomes_match_the_contract():
    assert CALL_OUTCOMES == ("will_pay", "promise", "dispute", "refused", "no_answer", "voicemail", "wrong_number")
    assert frozenset({"will_pay", "promise", "dispute", "refused"}) == REACHED_OUTCOMES
    assert REACHED_OUTCOMES.issubset(CALL_OUTCOMES)
    assert BLOCK_REASONS == ("holiday", "outside_window", "too_soon", "cap_reached")


def test_default_windows_are_monday_to_friday_8_to_20_and_saturday_8_to_14():
    expected = (*(CallWindow(weekday, 8, 20) for weekday in range(5)), CallWindow(5, 8, 14))
    assert expected == DEFAULT_WINDOWS


def test_default_rules():
    assert RULES.windows == DEFAULT_WINDOWS
    assert RULES.holidays == frozenset()
    assert (RULES.max_calls, RULES.period_days, RULES.min_interval_hours) == (3, 7, 4.0)


# --- CallWindow -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weekday", "start", "end"),
    [(0, 0, 24), (6, 0, 0.5), (3, 23.5, 24), (2, 8.25, 8.5)],
)
def test_valid_windows(weekday, start, end):
    window = CallWindow(weekday, start, end)
    assert (window.weekday, window.start, window.end) == (weekday, start, end)


@pytest.mark.parametrize(
    ("weekday", "start", "end"),
    [
        (-1, 8, 20),
        (7, 8, 20),
        (0, 20, 8),
        (0, 8, 8),
        (0, -1, 8),
        (0, 8, 24.5),
        (0, float("nan"), 8),
        (1.5, 8, 20),
    ],
)
def test_invalid_windows_raise(weekday, start, end):
    with pytest.raises(ValueError, match="Call window"):
        CallWindow(weekday, start, end)


def test_invalid_window_message_names_the_window():
    with pytest.raises(ValueError, match="Monday 20:00-08:30"):
        CallWindow(0, 20, 8.5)
    with pytest.raises(ValueError, match="Sunday 09:15-09:15"):
        CallWindow(6, 9.25, 9.25)


def test_window_str():
    assert str(CallWindow(5, 8, 14)) == "Saturday 08:00-14:00"
    assert str(CallWindow(2, 8.5, 24)) == "Wednesday 08:30-24:00"


def test_window_bounds_on_a_day():
    assert CallWindow(0, 8.5, 24).bounds(MON) == (datetime(2026, 3, 23, 8, 30), datetime(2026, 3, 24))


# --- CallRules --------------------------------------------------------------------------------------------------


def test_no_window_raises_with_a_clear_message():
    with pytest.raises(ValueError, match="no call window: add at least one"):
        CallRules(windows=())
    with pytest.raises(ValueError, match="no call window"):
        CallRules(windows=[])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_calls": -1},
        {"period_days": 0},
        {"period_days": -7},
        {"min_interval_hours": -0.5},
        {"windows": ((0, 8, 20),)},
    ],
)
def test_invalid_rules_raise(kwargs):
    with pytest.raises(ValueError):
        CallRules(**kwargs)


def test_zero_cap_and_zero_interval_are_valid():
    rules = CallRules(max_calls=0, min_interval_hours=0)
    assert (rules.max_calls, rules.min_interval_hours) == (0, 0)


def test_rules_from_lists_and_sets_are_equal_and_hashable():
    a = CallRules(windows=list(DEFAULT_WINDOWS), holidays=[GOOD_FRIDAY])
    b = CallRules(windows=iter(DEFAULT_WINDOWS), holidays={GOOD_FRIDAY})
    assert a == b == CallRules(holidays=frozenset({GOOD_FRIDAY}))
    assert hash(a) == hash(b)
    assert isinstance(a.windows, tuple)
    assert isinstance(a.holidays, frozenset)


def test_rules_are_frozen():
    with pytest.raises(AttributeError):
        RULES.max_calls = 5


# --- call_allowed_at: windows -----------------------------------------------------------------------------------


def test_allowed_inside_a_window():
    assert call_allowed_at(sp(MON, 12), RULES, [], SP) is None


def test_window_start_is_included_and_end_excluded():
    assert call_allowed_at(sp(MON, 8), RULES, [], SP) is None
    assert call_allowed_at(sp(MON, 8) - timedelta(microseconds=1), RULES, [], SP) == "outside_window"
    assert call_allowed_at(sp(MON, 20) - timedelta(microseconds=1), RULES, [], SP) is None
    assert call_allowed_at(sp(MON, 20), RULES, [], SP) == "outside_window"


def test_saturday_window_ends_at_14():
    assert call_allowed_at(sp(SAT, 13, 59), RULES, [], SP) is None
    assert call_allowed_at(sp(SAT, 14), RULES, [], SP) == "outside_window"


def test_no_call_on_sunday_by_default():
    for hour in range(24):
        assert call_allowed_at(sp(SUN, hour), RULES, [], SP) == "outside_window"


def test_window_is_in_local_time_not_utc():
    # 22:00 UTC on Monday is 19:00 in Sao Paulo (allowed) but 23:00 in Brussels (not allowed).
    moment = utc(MON, 22)
    assert call_allowed_at(moment, RULES, [], SP) is None
    assert call_allowed_at(moment, RULES, [], BRUSSELS) == "outside_window"
    assert call_allowed_at(moment, RULES, [], "UTC") == "outside_window"


def test_local_weekday_is_used():
    # 01:00 UTC Saturday is still Friday 22:00 in Sao Paulo: outside Friday's window, not Saturday's.
    assert call_allowed_at(utc(SAT, 1), RULES, [], SP) == "outside_window"
    # 11:30 UTC Saturday is 08:30 local Saturday.
    assert call_allowed_at(utc(SAT, 11, 30), RULES, [], SP) is None


def test_fractional_hours():
    rules = CallRules(windows=(CallWindow(0, 8.5, 12.25),))
    assert call_allowed_at(sp(MON, 8, 29), rules, [], SP) == "outside_window"
    assert call_allowed_at(sp(MON, 8, 30), rules, [], SP) is None
    assert call_allowed_at(sp(MON, 12, 14), rules, [], SP) is None
    assert call_allowed_at(sp(MON, 12, 15), rules, [], SP) == "outside_window"


def test_several_windows_on_one_day():
    rules = CallRules(windows=(CallWindow(0, 9, 12), CallWindow(0, 14, 18)))
    assert call_allowed_at(sp(MON, 11), rules, [], SP) is None
    assert call_allowed_at(sp(MON, 13), rules, [], SP) == "outside_window"
    assert call_allowed_at(sp(MON, 14), rules, [], SP) is None


def test_window_until_midnight():
    rules = CallRules(windows=(CallWindow(0, 20, 24),))
    assert call_allowed_at(sp(MON, 23, 59), rules, [], SP) is None
    assert call_allowed_at(sp(MON, 24), rules, [], SP) == "outside_window"  # Tuesday 00:00


@pytest.mark.parametrize("tz", [None, "", "Not/AZone", "America", "../../etc/passwd", "Mars/Olympus", "\0"])
def test_unknown_timezone_falls_back_to_utc(tz):
    assert call_allowed_at(utc(MON, 8), RULES, [], tz) is None
    assert call_allowed_at(utc(MON, 7, 59), RULES, [], tz) == "outside_window"
    assert next_call_slot(utc(MON, 7), RULES, [], tz) == utc(MON, 8)


def test_aware_datetimes_are_taken_as_the_instant_they_are():
    aware = datetime(2026, 3, 23, 12, 0, tzinfo=timezone(timedelta(hours=-3)))  # 15:00 UTC
    assert call_allowed_at(aware, RULES, [utc(MON, 14)], SP) == "too_soon"
    assert next_call_slot(aware, RULES, [utc(MON, 14)], SP) == utc(MON, 18)


# --- call_allowed_at: holidays ----------------------------------------------------------------------------------


def test_no_call_on_a_holiday():
    rules = CallRules(holidays=frozenset({GOOD_FRIDAY}))
    assert call_allowed_at(sp(GOOD_FRIDAY, 12), rules, [], SP) == "holiday"
    assert call_allowed_at(sp(GOOD_FRIDAY - timedelta(days=1), 12), rules, [], SP) is None


def test_holiday_is_a_local_date():
    rules = CallRules(windows=ALL_DAY, holidays=frozenset({GOOD_FRIDAY}))
    # 01:00 UTC on Saturday 04-04 is 22:00 on Good Friday in Sao Paulo.
    assert call_allowed_at(utc(date(2026, 4, 4), 1), rules, [], SP) == "holiday"
    assert call_allowed_at(utc(date(2026, 4, 4), 1), rules, [], "UTC") is None
    # 02:00 UTC on Good Friday is still Thursday evening in Sao Paulo.
    assert call_allowed_at(utc(GOOD_FRIDAY, 2), rules, [], SP) is None


def test_holiday_comes_before_the_other_reasons():
    rules = CallRules(holidays=frozenset({SUN, FRI}))
    assert call_allowed_at(sp(SUN, 3), rules, [], SP) == "holiday"  # also outside every window
    calls = [sp(FRI, 11)]
    assert call_allowed_at(sp(FRI, 12), rules, calls, SP) == "holiday"  # also too soon


# --- call_allowed_at: interval and cap --------------------------------------------------------------------------


def test_too_soon_after_a_call():
    calls = [sp(MON, 9)]
    assert call_allowed_at(sp(MON, 12, 59), RULES, calls, SP) == "too_soon"
    assert call_allowed_at(sp(MON, 13), RULES, calls, SP) is None  # exactly 4 hours later


def test_a_call_at_the_same_moment_is_too_soon():
    assert call_allowed_at(sp(MON, 9), RULES, [sp(MON, 9)], SP) == "too_soon"


def test_the_interval_applies_before_a_later_call_too():
    # A call logged at 15:00 makes 12:00 too soon as well.
    assert call_allowed_at(sp(MON, 12), RULES, [sp(MON, 15)], SP) == "too_soon"
    assert call_allowed_at(sp(MON, 11), RULES, [sp(MON, 15)], SP) is None


def test_zero_interval_allows_calls_back_to_back():
    rules = CallRules(min_interval_hours=0, max_calls=0)
    assert call_allowed_at(sp(MON, 9), rules, [sp(MON, 9)], SP) is None


def test_fractional_interval():
    rules = CallRules(min_interval_hours=0.5)
    assert call_allowed_at(sp(MON, 9, 29), rules, [sp(MON, 9)], SP) == "too_soon"
    assert call_allowed_at(sp(MON, 9, 30), rules, [sp(MON, 9)], SP) is None


def test_cap_in_the_rolling_period():
    calls = [sp(MON, 9), sp(date(2026, 3, 25), 9), sp(FRI, 9)]
    assert call_allowed_at(sp(FRI, 15), RULES, calls, SP) == "cap_reached"
    # Monday 09:00 + 7 days: the first call leaves the period exactly then.
    assert call_allowed_at(sp(NEXT_MON, 8, 59), RULES, calls, SP) == "cap_reached"
    assert call_allowed_at(sp(NEXT_MON, 9), RULES, calls, SP) is None


def test_calls_before_the_period_do_not_count():
    calls = [sp(MON, 9) - timedelta(days=30), sp(MON, 9) - timedelta(days=8), sp(MON, 9) - timedelta(days=7)]
    assert call_allowed_at(sp(MON, 9), RULES, calls, SP) is None


def test_calls_after_the_moment_do_not_count_towards_the_cap():
    calls = [sp(FRI, 9), sp(FRI, 13), sp(FRI, 17)]
    assert call_allowed_at(sp(MON, 9), RULES, calls, SP) is None


def test_below_the_cap_is_allowed():
    calls = [sp(MON, 9), sp(date(2026, 3, 25), 9)]
    assert call_allowed_at(sp(FRI, 15), RULES, calls, SP) is None


def test_no_cap_when_max_calls_is_zero():
    rules = CallRules(max_calls=0, min_interval_hours=1)
    calls = [sp(MON, 8) + timedelta(hours=2 * n) for n in range(6)]
    assert call_allowed_at(sp(MON, 19, 59), rules, calls, SP) is None


def test_cap_of_one_per_day():
    rules = CallRules(max_calls=1, period_days=1, min_interval_hours=0)
    assert call_allowed_at(sp(MON, 19), rules, [sp(MON, 9)], SP) == "cap_reached"
    assert call_allowed_at(sp(date(2026, 3, 24), 9), rules, [sp(MON, 9)], SP) is None


def test_too_soon_comes_before_cap_reached():
    rules = CallRules(max_calls=1)
    assert call_allowed_at(sp(MON, 10), rules, [sp(MON, 9)], SP) == "too_soon"
    assert call_allowed_at(sp(MON, 14), rules, [sp(MON, 9)], SP) == "cap_reached"


def test_outside_window_comes_before_too_soon():
    assert call_allowed_at(sp(MON, 21), RULES, [sp(MON, 19)], SP) == "outside_window"


def test_previous_calls_can_be_any_sequence_in_any_order():
    calls = (sp(FRI, 9), sp(MON, 9), sp(date(2026, 3, 25), 9))
    assert call_allowed_at(sp(FRI, 15), RULES, calls, SP) == "cap_reached"


# --- next_call_slot ---------------------------------------------------------------------------------------------


def test_slot_is_the_moment_itself_when_allowed():
    moment = sp(MON, 10, 17) + timedelta(seconds=5, microseconds=123)
    assert next_call_slot(moment, RULES, [], SP) == moment


def test_slot_before_the_window_is_its_start():
    assert next_call_slot(sp(MON, 6), RULES, [], SP) == sp(MON, 8)


def test_slot_after_the_window_is_the_next_day_start():
    assert next_call_slot(sp(MON, 20), RULES, [], SP) == sp(date(2026, 3, 24), 8)


def test_slot_over_the_weekend():
    assert next_call_slot(sp(FRI, 21), RULES, [], SP) == sp(SAT, 8)
    assert next_call_slot(sp(SAT, 14), RULES, [], SP) == sp(NEXT_MON, 8)
    assert next_call_slot(sp(SUN, 12), RULES, [], SP) == sp(NEXT_MON, 8)


def test_slot_after_a_holiday():
    rules = CallRules(holidays=frozenset({GOOD_FRIDAY, date(2026, 4, 4)}))
    assert next_call_slot(sp(date(2026, 4, 2), 20), rules, [], SP) == sp(date(2026, 4, 6), 8)
    assert next_call_slot(sp(GOOD_FRIDAY, 10), rules, [], SP) == sp(date(2026, 4, 6), 8)


def test_slot_after_a_long_run_of_holidays():
    holidays = frozenset(date(2026, 12, 19) + timedelta(days=n) for n in range(20))  # Saturday to Thursday 01-07
    rules = CallRules(holidays=holidays)
    assert next_call_slot(sp(date(2026, 12, 18), 21), rules, [], SP) == sp(date(2027, 1, 8), 8)


def test_slot_after_the_minimum_interval():
    assert next_call_slot(sp(MON, 10), RULES, [sp(MON, 9, 30)], SP) == sp(MON, 13, 30)


def test_slot_after_the_interval_runs_into_the_next_window():
    assert next_call_slot(sp(MON, 18), RULES, [sp(MON, 17)], SP) == sp(date(2026, 3, 24), 8)


def test_slot_after_an_interval_longer_than_a_day():
    rules = CallRules(min_interval_hours=30)
    assert next_call_slot(sp(MON, 10), rules, [sp(MON, 9)], SP) == sp(date(2026, 3, 24), 15)


def test_slot_waits_for_the_latest_close_call():
    calls = [sp(MON, 8), sp(MON, 10), sp(MON, 9)]
    rules = CallRules(max_calls=0)
    assert next_call_slot(sp(MON, 11), rules, calls, SP) == sp(MON, 14)


def test_slot_after_a_call_logged_later():
    assert next_call_slot(sp(MON, 12), RULES, [sp(MON, 15)], SP) == sp(MON, 19)


def test_slot_when_the_cap_is_reached_is_when_the_oldest_call_leaves_the_period():
    calls = [sp(MON, 10), sp(date(2026, 3, 25), 9), sp(FRI, 9)]
    assert next_call_slot(sp(FRI, 15), RULES, calls, SP) == sp(NEXT_MON, 10)


def test_slot_when_the_oldest_call_leaves_the_period_outside_a_window():
    calls = [sp(date(2026, 3, 21), 11), sp(MON, 9), sp(date(2026, 3, 25), 9)]  # Saturday, Monday, Wednesday
    # The Saturday call leaves the period on Saturday 03-28 at 11:00, inside Saturday's window.
    assert next_call_slot(sp(FRI, 15), RULES, calls, SP) == sp(SAT, 11)
    # With a Saturday window ending at 10, the slot moves to the next window after the drop out.
    rules = CallRules(windows=(*DEFAULT_WINDOWS[:5], CallWindow(5, 8, 10)))
    assert next_call_slot(sp(FRI, 15), rules, calls, SP) == sp(NEXT_MON, 8)


def test_slot_with_more_calls_than_the_cap_waits_for_enough_to_leave():
    rules = CallRules(max_calls=2, min_interval_hours=0)
    calls = [sp(MON, 9), sp(MON, 10), sp(MON, 11), sp(MON, 12)]
    # Three calls must leave the period: the third oldest (11:00) leaves it a week later.
    assert next_call_slot(sp(MON, 13), rules, calls, SP) == sp(NEXT_MON, 11)


def test_slot_combines_interval_and_cap():
    rules = CallRules(max_calls=2, period_days=1, min_interval_hours=4)
    calls = [sp(MON, 8), sp(MON, 12)]
    # 16:00 passes the interval but the cap holds until Tuesday 08:00, then the interval is long over.
    assert next_call_slot(sp(MON, 13), rules, calls, SP) == sp(date(2026, 3, 24), 8)


def test_slot_lunch_break():
    rules = CallRules(windows=(CallWindow(0, 9, 12), CallWindow(0, 14, 18)))
    assert next_call_slot(sp(MON, 12), rules, [], SP) == sp(MON, 14)
    assert next_call_slot(sp(MON, 18), rules, [], SP) == sp(NEXT_MON, 9)


def test_overlapping_windows():
    rules = CallRules(windows=(CallWindow(0, 9, 12), CallWindow(0, 11, 15)))
    assert call_allowed_at(sp(MON, 14), rules, [], SP) is None
    assert next_call_slot(sp(MON, 15), rules, [], SP) == sp(NEXT_MON, 9)


def test_no_slot_within_the_horizon():
    rules = CallRules(holidays=frozenset(MON + timedelta(days=n) for n in range(100)))
    assert next_call_slot(sp(MON, 9), rules, [], SP) is None
    assert next_call_slot(sp(MON, 9), rules, [], SP, horizon_days=200) == sp(MON + timedelta(days=100), 8)


def test_horizon_boundary_is_included():
    # The next window starts exactly 1 day later.
    rules = CallRules(windows=(CallWindow(0, 8, 20), CallWindow(1, 8, 20)))
    assert next_call_slot(sp(MON, 8) - timedelta(days=1), rules, [], SP, horizon_days=1) == sp(MON, 8)
    assert next_call_slot(sp(MON, 8) - timedelta(days=1, seconds=1), rules, [], SP, horizon_days=1) is None


def test_zero_horizon_only_checks_the_moment():
    assert next_call_slot(sp(MON, 9), RULES, [], SP, horizon_days=0) == sp(MON, 9)
    assert next_call_slot(sp(MON, 7), RULES, [], SP, horizon_days=0) is None


def test_negative_horizon_raises():
    with pytest.raises(ValueError):
        next_call_slot(sp(MON, 9), RULES, [], SP, horizon_days=-1)


def test_slot_is_found_quickly_with_a_long_history_and_many_holidays():
    calls = [sp(MON, 9) - timedelta(hours=5 * n) for n in range(20000)]
    holidays = frozenset(NEXT_MON + timedelta(days=n) for n in range(80) if n % 7 != 3)
    rules = CallRules(holidays=holidays)
    slot = next_call_slot(sp(MON, 9), rules, calls, SP, horizon_days=365)
    assert slot is not None
    assert call_allowed_at(slot, rules, calls, SP) is None


# --- next_call_slot across DST changes --------------------------------------------------------------------------


def test_slot_across_the_spring_change_in_brussels():
    # Saturday 28 March after 14:00 CET; Monday 30 March 08:00 is CEST (UTC+2), so 06:00 UTC.
    assert next_call_slot(utc(SAT, 13, 30), RULES, [], BRUSSELS) == utc(NEXT_MON, 6)
    # The Friday before it is still CET: 08:00 local is 07:00 UTC.
    assert next_call_slot(utc(FRI, 6), RULES, [], BRUSSELS) == utc(FRI, 7)


def test_window_starting_inside_the_skipped_hour():
    # On 29 March 2026 Brussels clocks jump from 02:00 to 03:00: a 02:00-04:00 window opens at 03:00 CEST.
    rules = CallRules(windows=(CallWindow(6, 2, 4),))
    assert next_call_slot(utc(SAT, 20), rules, [], BRUSSELS) == utc(SUN, 1)
    assert call_allowed_at(utc(SUN, 0, 59), rules, [], BRUSSELS) == "outside_window"
    assert call_allowed_at(utc(SUN, 1), rules, [], BRUSSELS) is None
    assert call_allowed_at(utc(SUN, 2), rules, [], BRUSSELS) == "outside_window"


def test_window_entirely_inside_the_skipped_hour_is_skipped_that_day():
    rules = CallRules(windows=(CallWindow(6, 2, 2.5),))
    assert next_call_slot(utc(SAT, 20), rules, [], BRUSSELS) == utc(date(2026, 4, 5), 0)  # 02:00 CEST a week later


def test_repeated_hour_in_autumn_is_inside_the_window_twice():
    # On 25 October 2026 Brussels clocks go back from 03:00 CEST to 02:00 CET.
    sunday = date(2026, 10, 25)
    rules = CallRules(windows=(CallWindow(6, 2, 3),), max_calls=0, min_interval_hours=0)
    assert next_call_slot(utc(sunday, 0) - timedelta(hours=3), rules, [], BRUSSELS) == utc(sunday, 0)
    assert call_allowed_at(utc(sunday, 0, 30), rules, [], BRUSSELS) is None  # 02:30 CEST
    assert call_allowed_at(utc(sunday, 1, 30), rules, [], BRUSSELS) is None  # 02:30 CET
    assert call_allowed_at(utc(sunday, 2), rules, [], BRUSSELS) == "outside_window"  # 03:00 CET


def test_slot_after_a_holiday_when_the_next_day_starts_with_a_skipped_midnight():
    # Sao Paulo jumped from 00:00 to 01:00 on Sunday 4 November 2018: that day starts at 01:00 (UTC-2).
    rules = CallRules(windows=ALL_DAY, holidays=frozenset({date(2018, 11, 3)}))
    assert next_call_slot(datetime(2018, 11, 3, 15), rules, [], SP) == datetime(2018, 11, 4, 3)
    assert call_allowed_at(datetime(2018, 11, 4, 2, 59), rules, [], SP) == "holiday"


def test_interval_is_in_real_time_across_a_dst_change():
    # Saturday 23:00 CET + 4 hours is 04:00 CEST on Sunday (only 4 real hours later, not 5).
    rules = CallRules(windows=ALL_DAY, max_calls=0)
    assert next_call_slot(utc(SAT, 22, 30), rules, [utc(SAT, 22)], BRUSSELS) == utc(SUN, 2)


# --- next_call_slot against a minute-by-minute scan -------------------------------------------------------------


def _scan(after, rules, calls, tz, days):
    moment = after
    while moment <= after + timedelta(days=days):
        if call_allowed_at(moment, rules, calls, tz) is None:
            return moment
        moment += timedelta(minutes=1)
    return None


@pytest.mark.parametrize("seed", range(60))
def test_slot_matches_a_minute_by_minute_scan(seed):
    rng = random.Random(seed)
    windows = []
    for weekday in rng.sample(range(7), rng.randint(1, 4)):
        start = rng.randint(0, 44) / 2
        windows.append(CallWindow(weekday, start, rng.randint(int(start * 2) + 1, 48) / 2))
    start = datetime(2026, 3, 20) + timedelta(minutes=rng.randint(0, 14 * 24 * 60))
    holidays = frozenset((start + timedelta(days=rng.randint(-1, 12))).date() for _ in range(rng.randint(0, 4)))
    rules = CallRules(
        windows=tuple(windows),
        holidays=holidays,
        max_calls=rng.randint(0, 4),
        period_days=rng.randint(1, 5),
        min_interval_hours=rng.choice([0, 0.5, 2, 4, 26]),
    )
    # Calls cluster around the start so that the interval and the cap are what hold the slot back.
    spread = rng.choice([6, 24, 6 * 24])
    calls = [start + timedelta(minutes=rng.randint(-spread * 60, 3 * 60)) for _ in range(rng.randint(0, 6))]
    tz = rng.choice([SP, BRUSSELS, "UTC", "Asia/Kolkata", "America/New_York"])
    days = 16
    assert next_call_slot(start, rules, calls, tz, horizon_days=days) == _scan(start, rules, calls, tz, days)


# --- call_priority ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "days_late", "score", "priority"),
    [
        (1000.0, 0, 100, 2000.0),
        (1000.0, 90, 100, 1000.0),
        (1000.0, 0, None, 1050.0),
        (1000.0, 15, 50, 900.0),
        (1000.0, -10, 100, 2000.0),
        (0.0, 100, 80, 0.0),
        (-50.0, 10, 80, 0.0),
        (250, 0, 0, 25.0),
    ],
)
def test_call_priority_is_the_expected_recovery_of_a_step_due_now(amount, days_late, score, priority):
    assert call_priority(amount, days_late, score) == priority
    assert isinstance(call_priority(amount, days_late, score), float)
    assert call_priority(amount, days_late, score) == float(customer_expected_recovery(amount, score, days_late, 0))


def test_a_better_payer_and_a_larger_amount_come_first():
    assert call_priority(1000, 10, 90) > call_priority(1000, 10, 30)
    assert call_priority(2000, 10, 50) > call_priority(1000, 10, 50)
    assert call_priority(1000, 10, 50) > call_priority(1000, 10, 50, days_to_next_step=20)


# --- after_call -------------------------------------------------------------------------------------------------


def test_unknown_outcome_raises():
    with pytest.raises(ValueError, match="busy"):
        after_call("busy", sp(MON, 9), RULES, [], SP)


@pytest.mark.parametrize("outcome", ["no_answer", "voicemail"])
def test_no_answer_retries_after_the_interval_counting_this_call(outcome):
    follow_up = after_call(outcome, sp(MON, 9), RULES, [], SP)
    assert follow_up == CallFollowUp("retry", retry_at=sp(MON, 13), reason="no_answer")


def test_no_answer_late_in_the_day_retries_next_window():
    assert after_call("no_answer", sp(MON, 17), RULES, [], SP).retry_at == sp(date(2026, 3, 24), 8)


def test_no_answer_that_reaches_the_cap_retries_when_a_call_leaves_the_period():
    calls = [sp(MON, 9), sp(date(2026, 3, 25), 9)]
    follow_up = after_call("no_answer", sp(FRI, 9), RULES, calls, SP)
    assert follow_up == CallFollowUp("retry", retry_at=sp(NEXT_MON, 9), reason="no_answer")


def test_two_calls_logged_in_the_same_second_count_as_two():
    # Another collector logged a call to the same customer in the same second: both count towards the cap.
    calls = [sp(MON, 9), sp(FRI, 9)]
    follow_up = after_call("no_answer", sp(FRI, 9), RULES, calls, SP)
    assert follow_up == CallFollowUp("retry", retry_at=sp(date(2026, 3, 30), 9), reason="no_answer")


def test_same_second_calls_fill_the_cap():
    rules = CallRules(windows=ALL_DAY, max_calls=2, period_days=7, min_interval_hours=0)
    assert call_allowed_at(sp(MON, 10), rules, [sp(MON, 9), sp(MON, 9)], SP) == "cap_reached"
    assert next_call_slot(sp(MON, 10), rules, [sp(MON, 9), sp(MON, 9)], SP) == sp(NEXT_MON, 9)


def test_no_answer_without_a_slot_in_the_horizon():
    # The collector called on a day the plan has as a holiday; every later day is one too.
    rules = CallRules(holidays=frozenset(MON + timedelta(days=n) for n in range(200)))
    assert after_call("voicemail", sp(MON, 9), rules, [], SP) == CallFollowUp("retry", retry_at=None, reason="no_slot")


def test_wrong_number_flags_the_phone():
    assert after_call("wrong_number", sp(MON, 9), RULES, [], SP) == CallFollowUp("flag_phone", reason="wrong_number")


@pytest.mark.parametrize("outcome", ["promise", "dispute"])
def test_promise_and_dispute_pause_until_the_given_date(outcome):
    follow_up = after_call(outcome, sp(MON, 9), RULES, [], SP, pause_until=date(2026, 4, 10))
    assert follow_up == CallFollowUp("pause", pause_until=date(2026, 4, 10), reason=outcome)


@pytest.mark.parametrize("outcome", ["promise", "dispute"])
def test_promise_and_dispute_default_pause(outcome):
    assert after_call(outcome, sp(MON, 9), RULES, [], SP).pause_until == date(2026, 3, 30)
    assert after_call(outcome, sp(MON, 9), RULES, [], SP, default_pause_days=1).pause_until == date(2026, 3, 24)


def test_pause_date_must_be_after_the_call():
    with pytest.raises(ValueError, match="the pause date must be after the call"):
        after_call("promise", sp(MON, 9), RULES, [], SP, pause_until=MON)
    with pytest.raises(ValueError, match="the pause date must be after the call"):
        after_call("dispute", sp(MON, 9), RULES, [], SP, pause_until=MON - timedelta(days=3))
    assert after_call("promise", sp(MON, 9), RULES, [], SP, pause_until=MON + timedelta(days=1)).action == "pause"


def test_pause_date_is_compared_with_the_local_date_of_the_call():
    # 01:00 UTC on Tuesday is Monday 22:00 in Sao Paulo: Tuesday is after the call there.
    called_at = utc(date(2026, 3, 24), 1)
    tuesday = date(2026, 3, 24)
    assert after_call("promise", called_at, RULES, [], SP, pause_until=tuesday).pause_until == tuesday
    with pytest.raises(ValueError):
        after_call("promise", called_at, RULES, [], "UTC", pause_until=tuesday)
    assert after_call("promise", called_at, RULES, [], SP).pause_until == date(2026, 3, 30)


def test_pause_date_given_as_a_datetime_is_taken_as_its_date():
    follow_up = after_call("promise", sp(MON, 9), RULES, [], SP, pause_until=datetime(2026, 4, 10, 15, 0))
    assert follow_up.pause_until == date(2026, 4, 10)


def test_default_pause_must_be_at_least_a_day():
    with pytest.raises(ValueError):
        after_call("promise", sp(MON, 9), RULES, [], SP, default_pause_days=0)


def test_will_pay_and_refused_need_nothing_more():
    assert after_call("will_pay", sp(MON, 9), RULES, [], SP) == CallFollowUp("none", reason="reached")
    assert after_call("refused", sp(MON, 9), RULES, [], SP) == CallFollowUp("none", reason="refused")


def test_pause_date_is_ignored_by_outcomes_that_do_not_pause():
    for outcome in ("will_pay", "refused", "wrong_number", "no_answer"):
        follow_up = after_call(outcome, sp(MON, 9), RULES, [], SP, pause_until=MON - timedelta(days=5))
        assert follow_up.pause_until is None


def test_every_outcome_has_a_follow_up():
    for outcome in CALL_OUTCOMES:
        follow_up = after_call(outcome, sp(MON, 9), RULES, [], SP)
        assert follow_up.action in ("none", "retry", "flag_phone", "pause")
        assert follow_up.reason
        assert (follow_up.action == "retry") == (outcome not in REACHED_OUTCOMES and outcome != "wrong_number")


def test_call_follow_up_defaults():
    follow_up = CallFollowUp("none")
    assert (follow_up.retry_at, follow_up.pause_until, follow_up.reason) == (None, None, "")


# --- call_wait ----------------------------------------------------------------------------------------------------


def test_call_wait_now_inside_the_window():
    assert call_wait(sp(MON, 9), sp(MON, 8), RULES, [], SP) == (None, sp(MON, 9))
    assert call_wait(sp(MON, 9), None, RULES, [], SP) == (None, sp(MON, 9))


def test_call_wait_for_a_call_planned_later():
    # A retry planned after the interval waits for it, even though the window is open now.
    assert call_wait(sp(MON, 9), sp(MON, 13), RULES, [], SP) == ("planned", sp(MON, 13))


def test_call_wait_planned_at_a_time_the_rules_then_forbid():
    # Planned at 21:00 (e.g. the plan's windows changed since): the next window opens on Tuesday.
    assert call_wait(sp(MON, 9), sp(MON, 21), RULES, [], SP) == ("planned", sp(date(2026, 3, 24), 8))


@pytest.mark.parametrize(
    ("now", "calls", "rules", "expected"),
    [
        (sp(MON, 21), [], RULES, ("outside_window", sp(date(2026, 3, 24), 8))),
        (sp(MON, 10), [sp(MON, 9)], RULES, ("too_soon", sp(MON, 13))),
        (
            sp(FRI, 10),
            [sp(MON, 9), sp(date(2026, 3, 25), 9), sp(FRI, 3)],
            CallRules(windows=ALL_DAY),
            ("cap_reached", sp(NEXT_MON, 9)),
        ),
        (sp(FRI, 10), [], CallRules(holidays=frozenset({FRI})), ("holiday", sp(SAT, 8))),
    ],
)
def test_call_wait_gives_the_reason_and_the_next_allowed_moment(now, calls, rules, expected):
    assert call_wait(now, None, rules, calls, SP) == expected


def test_call_wait_without_any_slot():
    rules = CallRules(holidays=frozenset(MON + timedelta(days=n) for n in range(200)))
    assert call_wait(sp(MON, 9), None, rules, [], SP) == ("holiday", None)


def test_wait_reasons_cover_the_block_reasons():
    assert ("planned", *BLOCK_REASONS) == WAIT_REASONS


# --- the contact a logged call leaves, and the plan defaults ------------------------------------------------------


def test_a_logged_call_leaves_its_contact_sent_failed_or_delivered():
    assert {outcome: call_event_state(outcome) for outcome in CALL_OUTCOMES} == {
        "will_pay": "delivered",
        "promise": "delivered",
        "dispute": "delivered",
        "refused": "delivered",
        "no_answer": "sent",
        "voicemail": "sent",
        "wrong_number": "failed",
    }
    assert {call_event_state(outcome) for outcome in CALL_OUTCOMES} <= set(EVENT_STATES)
    with pytest.raises(ValueError, match="Unknown call outcome"):
        call_event_state("hung_up")


def test_the_default_pause_is_one_week_after_the_call_as_after_call_pauses():
    assert DEFAULT_PAUSE_DAYS == 7
    assert PAUSE_OUTCOMES == ("promise", "dispute")
    assert {
        outcome for outcome in CALL_OUTCOMES if after_call(outcome, sp(MON, 9), RULES, [], SP).action == "pause"
    } == set(PAUSE_OUTCOMES)
    assert default_pause_until(MON) == date(2026, 3, 30)
    for outcome in ("promise", "dispute"):
        assert after_call(outcome, sp(MON, 9), RULES, [], SP).pause_until == default_pause_until(MON)


def test_the_plan_defaults_are_the_rules_of_a_plan_left_alone():
    assert (DEFAULT_MAX_CALLS, DEFAULT_CALL_PERIOD_DAYS, DEFAULT_CALL_INTERVAL_HOURS) == (3, 7, 4.0)
    assert (RULES.max_calls, RULES.period_days, RULES.min_interval_hours) == (3, 7, 4.0)
