"""The ranges of what people type: counts, days, hours, percentages, amounts and dates.

The models refuse a value outside its range before it reaches the database,
with a message naming the field, the range and the fix; the engine's own value
objects (``CallRules``, ``ContactRules``, ``NegotiationLimits``, ``ProtestRule``,
``CallWindow``) accept every value inside these ranges, so each limit has one
source. The upper limits catch typos (a year of grace days, not 30,000) and keep
the date arithmetic of the daily jobs inside the calendar (years 1 to 9999) and
the counts inside PostgreSQL's integers.

>>> DISCOUNT_PERCENT.problem(12.5) is None
True
>>> DISCOUNT_PERCENT.problem(120), INSTALLMENTS.problem(0), POSITIVE_AMOUNT.problem(0)
('above', 'below', 'below')
>>> GRACE_DAYS.problem(float("inf")), GRACE_DAYS.problem(True), GRACE_DAYS.problem(2.5)
('not_finite', 'not_number', 'not_whole')
>>> str(INSTALLMENTS), str(POSITIVE_AMOUNT)
('1 to 120', 'above 0 up to 10000000000000')
>>> from datetime import date
>>> PROMISE_DATE.problem(date(2026, 3, 13), today=date(2026, 3, 16))
'before'
>>> PROMISE_DATE.last_day(date(2026, 3, 16))
datetime.date(2027, 3, 16)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

# What Bound.problem answers, in the order it checks.
BOUND_PROBLEMS = ("not_number", "not_finite", "not_whole", "below", "above")
DATE_PROBLEMS = ("not_date", "before", "after")

# No debt, fee or threshold of this size is real in any currency: beyond it is a typo, and floats lose the cents.
MAX_AMOUNT = 10**13


@dataclass(frozen=True)
class Bound:
    """``minimum`` to ``maximum`` (both included, unless ``exclusive_minimum``); ``whole`` for counts."""

    minimum: int
    maximum: int
    exclusive_minimum: bool = False
    whole: bool = False

    def __post_init__(self):
        if not self.minimum <= self.maximum:
            raise ValueError(f"A bound needs its minimum ({self.minimum}) at most its maximum ({self.maximum}).")

    def problem(self, value: int | float | Decimal) -> str | None:
        """Why ``value`` is out of range (one of BOUND_PROBLEMS), or None."""
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            return "not_number"
        if not (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)):
            return "not_finite"
        if self.whole and value != int(value):
            return "not_whole"
        if value < self.minimum or (self.exclusive_minimum and value == self.minimum):
            return "below"
        if value > self.maximum:
            return "above"
        return None

    def check(self, value: int | float | Decimal, what: str) -> None:
        """Raise ValueError naming ``what`` when ``value`` is out of range (for the engine's own callers)."""
        if self.problem(value):
            raise ValueError(f"{what} must be {self}, got {value!r}.")

    def __str__(self) -> str:
        if self.exclusive_minimum:
            return f"above {self.minimum} up to {self.maximum}"
        return f"{self.minimum} to {self.maximum}"


@dataclass(frozen=True)
class DateWindow:
    """A date from ``days_before`` days before today to ``days_after`` days after it (both included)."""

    days_before: int
    days_after: int

    def first_day(self, today: date) -> date:
        return today - timedelta(days=self.days_before)

    def last_day(self, today: date) -> date:
        return today + timedelta(days=self.days_after)

    def problem(self, day: date, today: date) -> str | None:
        """Why ``day`` is out of the window around ``today`` (one of DATE_PROBLEMS), or None."""
        if isinstance(day, datetime) or not isinstance(day, date):
            return "not_date"
        # Compared as day counts: the window of a today near year 1 or 9999 would leave the calendar.
        offset = (day - today).days
        if offset < -self.days_before:
            return "before"
        if offset > self.days_after:
            return "after"
        return None


# ----------------------------------------------------------------------
# Plans (collections.policy)
# ----------------------------------------------------------------------

# Business days between two contacts with a customer; 0: any business day.
CONTACT_GAP_DAYS = Bound(0, 365, whole=True)
# Calls per customer within the call period; 0: no cap.
MAX_CALLS = Bound(0, 100, whole=True)
CALL_PERIOD_DAYS = Bound(1, 365, whole=True)
# Hours between two calls to a customer; 0: no minimum. 720 hours are 30 days.
CALL_INTERVAL_HOURS = Bound(0, 720)
# What a collector may offer without a manager, and what any agreement may have.
DISCOUNT_PERCENT = Bound(0, 100)
# Ten years of monthly instalments.
INSTALLMENTS = Bound(1, 120, whole=True)
# Days after a due date before an instalment or a promise counts as broken.
GRACE_DAYS = Bound(0, 365, whole=True)
# Days between two reviews of an exclusion or pause without an end date (engine/holds.py): a year at most,
# so that no hold is forgotten for longer.
HOLD_REVIEW_DAYS = Bound(1, 365, whole=True)
# Days a customer's reply holds its follow-up when nobody marks it handled (0: until handled).
REPLY_HOLD_DAYS = Bound(0, 365, whole=True)

# ----------------------------------------------------------------------
# Levels (collections.level) and call windows
# ----------------------------------------------------------------------

# A reminder up to a year before the due date, a step up to ten years after it.
LEVEL_DAYS = Bound(-365, 3650, whole=True)
WHATSAPP_HOURS = Bound(0, 720, whole=True)
# A call window's hours in the customer's local time (24: midnight at the end of the day).
DAY_HOURS = Bound(0, 24)

# ----------------------------------------------------------------------
# Money
# ----------------------------------------------------------------------

AMOUNT = Bound(0, MAX_AMOUNT)
POSITIVE_AMOUNT = Bound(0, MAX_AMOUNT, exclusive_minimum=True)

# ----------------------------------------------------------------------
# Legal charges (engine/charges.py)
# ----------------------------------------------------------------------

# A fine, its cap and a monthly interest rate are percents; above 100 is a typo (Brazil: 2 % fine, about 1 % a month).
CHARGE_PERCENT = Bound(0, 100)
# A month's price-index variation (IPCA); deflation is real (IPCA was negative in some months), -100 % is not.
INDEX_VARIATION_PERCENT = Bound(-100, 100, exclusive_minimum=True)

# ----------------------------------------------------------------------
# Notary protests
# ----------------------------------------------------------------------

# A window of more than a month is a typo, not a state law (Brazil: three business days).
PROTEST_WINDOW_DAYS = Bound(1, 30, whole=True)
RELEASE_LETTER_DAYS = Bound(0, 365, whole=True)

# ----------------------------------------------------------------------
# Dates
# ----------------------------------------------------------------------

# A collector records a promise for today up to a year ahead; later than that is an agreement.
PROMISE_DATE = DateWindow(0, 365)
# An agreement's first due date: within a year from today either way (one negotiated earlier may be recorded late).
FIRST_DUE_DATE = DateWindow(366, 366)
