"""How far back and ahead the follow-up looks: the fixed windows of the run, named once.

>>> from datetime import date, datetime
>>> calendar_window(date(2026, 3, 16))
(datetime.date(2026, 1, 15), datetime.date(2027, 4, 20))
>>> call_rules_window(date(2026, 3, 16))
(datetime.date(2026, 3, 9), datetime.date(2026, 7, 14))
>>> call_history_since(datetime(2026, 3, 16, 10, 0))
datetime.datetime(2026, 1, 13, 10, 0)
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

# Holidays of a plan's calendar are loaded for this window around today: the next date of a
# customer can reach a year ahead (a plan's last level), plus the weekends and holidays after it.
CALENDAR_PAST_DAYS = 60
CALENDAR_FUTURE_DAYS = 400
# Call windows and holidays are loaded from a week back (calls already made count for the interval)
# to the furthest slot the call planner looks for.
CALL_RULES_PAST_DAYS = 7
CALL_RULES_FUTURE_DAYS = 120
# Calls already made are looked up this far back (longer than any sensible call period).
CALL_HISTORY_DAYS = 62


def calendar_window(today: date) -> tuple[date, date]:
    """The days whose holidays the follow-up loads for a plan's business calendar."""
    return today - timedelta(days=CALENDAR_PAST_DAYS), today + timedelta(days=CALENDAR_FUTURE_DAYS)


def call_rules_window(today: date) -> tuple[date, date]:
    """The days whose call windows and holidays the call planner loads."""
    return today - timedelta(days=CALL_RULES_PAST_DAYS), today + timedelta(days=CALL_RULES_FUTURE_DAYS)


def call_history_since(now: datetime) -> datetime:
    """The moment from which calls already made count for the call caps."""
    return now - timedelta(days=CALL_HISTORY_DAYS)
