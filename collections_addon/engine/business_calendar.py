"""Business-day arithmetic on a weekly pattern plus a set of holidays.

>>> from datetime import date
>>> cal = BusinessCalendar(workdays={0, 1, 2, 3, 4}, holidays={date(2026, 12, 25)})
>>> cal.is_business_day(date(2026, 12, 25))
False
>>> cal.add_business_days(date(2026, 12, 24), 1)  # Thursday + 1 skips Christmas
datetime.date(2026, 12, 28)
>>> cal.business_days_between(date(2026, 12, 24), date(2026, 12, 28))
1
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

ALL_WEEKDAYS = frozenset(range(7))
MONDAY_TO_FRIDAY = frozenset(range(5))

# A year without a single business day is a configuration error, not a loop.
_MAX_SCAN_DAYS = 366


@dataclass(frozen=True)
class BusinessCalendar:
    """Working weekdays (0 = Monday) and public holidays."""

    workdays: frozenset[int] = MONDAY_TO_FRIDAY
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __init__(self, workdays: Iterable[int] = MONDAY_TO_FRIDAY, holidays: Iterable[date] = ()):
        workdays = frozenset(workdays)
        if not workdays:
            raise ValueError("A working calendar needs at least one working weekday.")
        if not workdays <= ALL_WEEKDAYS:
            raise ValueError(f"Weekdays must be 0 (Monday) to 6 (Sunday), got {sorted(workdays)}.")
        object.__setattr__(self, "workdays", workdays)
        object.__setattr__(self, "holidays", frozenset(holidays))

    def is_business_day(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.holidays

    def next_business_day(self, day: date, *, include_today: bool = False) -> date:
        """The first business day after ``day`` (or ``day`` itself when allowed)."""
        candidate = day if include_today else day + timedelta(days=1)
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_business_day(candidate):
                return candidate
            candidate += timedelta(days=1)
        raise ValueError("The working calendar has no business day within a year; check its holidays.")

    def add_business_days(self, day: date, count: int) -> date:
        """``day`` moved forward by ``count`` business days (``count`` >= 0).

        With ``count == 0`` the result is ``day`` rolled forward to a business day.
        """
        if count < 0:
            raise ValueError("count must be zero or positive")
        result = self.next_business_day(day, include_today=True)
        for _ in range(count):
            result = self.next_business_day(result)
        return result

    def business_days_between(self, start: date, end: date) -> int:
        """Business days in the half-open interval ``(start, end]``; 0 when end <= start."""
        if end <= start:
            return 0
        total = 0
        day = start + timedelta(days=1)
        while day <= end:
            if self.is_business_day(day):
                total += 1
            day += timedelta(days=1)
        return total
