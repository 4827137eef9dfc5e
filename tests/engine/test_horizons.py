"""The fixed windows of the follow-up run, named once in ``engine.horizons``."""

from datetime import date, datetime

from collections_addon.engine import (
    CALENDAR_FUTURE_DAYS,
    CALENDAR_PAST_DAYS,
    CALL_HISTORY_DAYS,
    CALL_PERIOD_DAYS,
    CALL_RULES_FUTURE_DAYS,
    CALL_RULES_PAST_DAYS,
    calendar_window,
    call_history_since,
    call_rules_window,
)


def test_the_windows_keep_their_values():
    assert (CALENDAR_PAST_DAYS, CALENDAR_FUTURE_DAYS) == (60, 400)
    assert (CALL_RULES_PAST_DAYS, CALL_RULES_FUTURE_DAYS) == (7, 120)
    assert CALL_HISTORY_DAYS == 62


def test_calendar_window_reaches_past_a_year_of_levels():
    start, end = calendar_window(date(2026, 3, 16))
    assert (start, end) == (date(2026, 1, 15), date(2027, 4, 20))
    # A next date a year ahead still finds its following business day inside the loaded holidays.
    assert (end - date(2026, 3, 16)).days > 365


def test_call_rules_window():
    assert call_rules_window(date(2026, 12, 30)) == (date(2026, 12, 23), date(2027, 4, 29))


def test_call_history_covers_the_usual_call_periods():
    assert call_history_since(datetime(2026, 3, 16, 9, 30)) == datetime(2026, 1, 13, 9, 30)
    # A plan's call period (a week by default, a month or two at most in practice) fits in the history.
    assert CALL_PERIOD_DAYS.minimum <= 7 < 60 < CALL_HISTORY_DAYS
