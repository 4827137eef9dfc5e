"""Agreement schedules: exact amounts, discounts, due dates and instalments.

Amounts are ``Decimal`` quantized to the currency's ``digits`` (ROUND_HALF_UP);
ints, floats (through their shortest repr, never their binary value), strings
and Decimals are accepted wherever an amount is expected.

>>> from datetime import date
>>> from .business_calendar import BusinessCalendar
>>> to_decimal(0.1 + 0.2)
Decimal('0.30')
>>> discount_amount("1200.00", "percent", 12.5)
Decimal('150.00')

1000.00 in three monthly instalments from Saturday 2026-01-31, Monday to Friday:
the extra cent goes to the first instalment, a weekend due date moves to the
following Monday (Feb 28 is the clamped nominal date, also a Saturday).

>>> schedule = build_schedule(1000, 0, 3, date(2026, 1, 31), "monthly", BusinessCalendar())
>>> [(str(item.due_date), str(item.amount)) for item in schedule]
[('2026-02-02', '333.34'), ('2026-03-02', '333.33'), ('2026-03-31', '333.33')]
>>> sum(item.amount for item in schedule)
Decimal('1000.00')
>>> schedule[0]
Installment(sequence=1, due_date=datetime.date(2026, 2, 2), amount=Decimal('333.34'))
>>> add_interval(date(2026, 1, 31), "monthly", 1), add_interval(date(2026, 1, 31), "monthly", 2)
(datetime.date(2026, 2, 28), datetime.date(2026, 3, 31))
"""

from __future__ import annotations

import math
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .bounds import GRACE_DAYS
from .business_calendar import BusinessCalendar

INTERVALS = ("weekly", "biweekly", "monthly")
DISCOUNT_TYPES = ("percent", "amount")
# The business calendar an agreement's due dates are moved on covers this many years from the first due date.
SCHEDULE_CALENDAR_YEARS = 6

_INTERVAL_DAYS = {"weekly": 7, "biweekly": 14}
# Amounts of 10**30 or more are data errors, not debts; the bound keeps the exact arithmetic cheap.
_MAX_MAGNITUDE = 30
_HUNDRED = Decimal(100)


# ----------------------------------------------------------------------
# Numbers
# ----------------------------------------------------------------------


def _exact(value: int | float | str | Decimal, what: str = "the value") -> Decimal:
    """``value`` as an exact, finite Decimal (floats through their shortest repr)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ValueError(f"{what} must be a number (int, float, str or Decimal), got {value!r}.")
    if isinstance(value, float):
        number = Decimal(repr(value))  # the shortest text that reads back as this float: 0.1, not 0.1000000000000000055
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{what} ({value!r}) is not a number: write it like 1234.56.")
    else:
        number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{what} must be a finite number, got {value!r}.")
    if number and number.adjusted() >= _MAX_MAGNITUDE:
        raise ValueError(f"{what} ({value!r}) is too large to be an amount; check the figure.")
    return number


def _check_digits(digits: int) -> None:
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 0:
        raise ValueError(f"digits must be a whole number of decimal places, 0 or more (got {digits!r}).")


def _check_count(value: int, what: str, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a whole number, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{what} must be at least {minimum} (got {value}).")


def _check_grace(grace_days: int) -> None:
    _check_count(grace_days, "the grace days", GRACE_DAYS.minimum)


def _from_units(units: int, digits: int) -> Decimal:
    """``units`` hundredths (for 2 digits) as a Decimal with exactly ``digits`` places."""
    return Decimal(f"{units}E-{digits}")


def _units(amount: Decimal, digits: int) -> int:
    """A Decimal already quantized to ``digits`` as a whole number of units (cents).

    Integer arithmetic on units never rounds, whatever the decimal context's precision.
    """
    return int(Fraction(amount) * 10**digits)


def _round_half_up(value: Fraction, digits: int) -> Decimal:
    """The exact ``value`` rounded half away from zero to ``digits`` places (no binary or precision artefact)."""
    if isinstance(value, (int, Fraction)):
        # floor(|n/d| * 10**digits + 1/2) in integers: Fraction arithmetic costs more than the rest of a charge.
        numerator, denominator = abs(value.numerator), value.denominator
        units = (2 * numerator * 10**digits + denominator) // (2 * denominator)
    else:
        units = math.floor(abs(value) * 10**digits + Fraction(1, 2))
    return _from_units(-units if value < 0 else units, digits)


def _plain(number: Decimal) -> str:
    """120 rather than 1.2E+2 or 120.0 in messages."""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def to_decimal(value: int | float | str | Decimal, digits: int = 2) -> Decimal:
    """``value`` quantized to ``digits`` places, ROUND_HALF_UP; floats go through their repr.

    >>> to_decimal(2.675), to_decimal("1.005"), to_decimal(-1.005), to_decimal(7, 0)
    (Decimal('2.68'), Decimal('1.01'), Decimal('-1.01'), Decimal('7'))
    """
    return _quantize(value, digits, "the value")


def _quantize(value: int | float | str | Decimal, digits: int, what: str) -> Decimal:
    _check_digits(digits)
    number = _exact(value, what)
    if not number or number.adjusted() <= -digits - 2:
        # Below a tenth of a unit: zero, without building a huge fraction for something like 1E-999999.
        return _from_units(0, digits)
    return _round_half_up(Fraction(number), digits)


def _amount_due(total: int | float | str | Decimal, digits: int) -> Decimal:
    amount = _quantize(total, digits, "the amount due")
    if amount <= 0:
        raise ValueError(f"the amount due must be above zero (got {amount}): select open invoices.")
    return amount


def _check_discount(discount: Decimal, total: Decimal) -> None:
    if discount < 0:
        raise ValueError(f"the discount ({discount}) cannot be negative: use 0 for no discount.")
    if discount > total:
        raise ValueError(f"the discount ({discount}) cannot exceed the amount due ({total}): lower the discount.")


def discount_amount(
    total: int | float | str | Decimal, discount_type: str, value: int | float | str | Decimal, digits: int = 2
) -> Decimal:
    """The discount in money: ``value`` percent of ``total``, or ``value`` itself (both quantized to ``digits``).

    A zero total accepts only a zero discount (a form being filled in still computes).

    >>> discount_amount(333.33, "percent", 10), discount_amount(100, "amount", "25")
    (Decimal('33.33'), Decimal('25.00'))
    >>> discount_amount(100, "percent", 120)
    Traceback (most recent call last):
    ...
    ValueError: the discount (120%) cannot exceed 100%: enter a percentage between 0 and 100.
    """
    _check_digits(digits)
    total = _quantize(total, digits, "the amount due")
    if total < 0:
        raise ValueError(f"the amount due cannot be negative (got {total}): check the selected invoices.")
    if discount_type == "percent":
        percent = _exact(value, "the discount percentage")
        if percent < 0:
            raise ValueError(f"the discount ({_plain(percent)}%) cannot be negative: use 0 for no discount.")
        if percent > _HUNDRED:
            raise ValueError(
                f"the discount ({_plain(percent)}%) cannot exceed 100%: enter a percentage between 0 and 100."
            )
        return _round_half_up(Fraction(total) * Fraction(percent) / 100, digits)
    if discount_type == "amount":
        discount = _quantize(value, digits, "the discount")
        _check_discount(discount, total)
        return discount
    raise ValueError(f"unknown discount type {discount_type!r}: use 'percent' or 'amount'.")


# ----------------------------------------------------------------------
# Dates
# ----------------------------------------------------------------------


def _check_date(day: date, what: str) -> None:
    # A datetime is a date too, but it never matches a holiday and breaks comparisons with dates.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise ValueError(f"{what} must be a date (not a datetime), got {day!r}.")


def _check_interval(interval: str) -> None:
    if interval not in INTERVALS:
        raise ValueError(f"unknown interval {interval!r}: use one of {', '.join(INTERVALS)}.")


def add_interval(start: date, interval: str, steps: int) -> date:
    """``start`` moved by ``steps`` intervals (negative steps go back).

    Months keep the day of ``start``, clamped to the month's last day, and are
    always counted from ``start``: Jan 31 gives Feb 28 (29), then Mar 31.

    >>> add_interval(date(2028, 1, 31), "monthly", 1), add_interval(date(2026, 1, 31), "biweekly", 2)
    (datetime.date(2028, 2, 29), datetime.date(2026, 2, 28))
    """
    _check_date(start, "the start date")
    _check_interval(interval)
    if isinstance(steps, bool) or not isinstance(steps, int):
        raise ValueError(f"the number of intervals must be a whole number, got {steps!r}.")
    if interval in _INTERVAL_DAYS:
        try:
            return start + timedelta(days=_INTERVAL_DAYS[interval] * steps)
        except OverflowError:
            raise ValueError(f"{start} moved by {steps} {interval} intervals falls outside years 1 to 9999.")
    months = start.year * 12 + start.month - 1 + steps
    year, month = divmod(months, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise ValueError(f"{start} moved by {steps} months falls outside years 1 to 9999.")
    return date(year, month, min(start.day, monthrange(year, month)[1]))


def _due_dates(first_date: date, interval: str, count: int, calendar: BusinessCalendar | None) -> list[date]:
    dates: list[date] = []
    for step in range(count):
        due = add_interval(first_date, interval, step)
        if calendar is not None:
            try:
                due = calendar.next_business_day(due, include_today=True)
                if dates and due <= dates[-1]:
                    # Two nominal dates rolled onto the same business day (a long holiday): keep them apart.
                    due = calendar.next_business_day(dates[-1])
            except OverflowError:
                raise ValueError(f"the schedule from {first_date} runs past the year 9999: check the first due date.")
        dates.append(due)
    return dates


# ----------------------------------------------------------------------
# Schedule
# ----------------------------------------------------------------------


@dataclass(frozen=True)
class Installment:
    """One due date of an agreement (``sequence`` counts from 1)."""

    sequence: int
    due_date: date
    amount: Decimal

    def __post_init__(self):
        _check_count(self.sequence, "the instalment's sequence", 1)
        _check_date(self.due_date, "the instalment's due date")
        amount = _exact(self.amount, "the instalment's amount")
        if amount < 0:
            raise ValueError(f"instalment {self.sequence}: the amount cannot be negative (got {amount}).")
        object.__setattr__(self, "amount", amount)


def build_schedule(
    total: int | float | str | Decimal,
    discount: int | float | str | Decimal,
    count: int,
    first_date: date,
    interval: str,
    calendar: BusinessCalendar | None = None,
    digits: int = 2,
) -> list[Installment]:
    """``total - discount`` in ``count`` instalments from ``first_date``, every ``interval``.

    The amounts add up to the net exactly; they differ by one unit (cent) at
    most and the first instalments carry the extra units. With a ``calendar``
    each due date moves forward to a business day, always after the previous one.

    >>> [str(item.amount) for item in build_schedule("100.00", "0.02", 4, date(2026, 1, 5), "weekly")]
    ['25.00', '25.00', '24.99', '24.99']
    """
    _check_digits(digits)
    total = _amount_due(total, digits)
    discount = _quantize(discount, digits, "the discount")
    _check_discount(discount, total)
    _check_count(count, "the number of instalments", 1)
    _check_date(first_date, "the first due date")
    _check_interval(interval)
    if calendar is not None and not isinstance(calendar, BusinessCalendar):
        raise ValueError(f"the calendar must be a BusinessCalendar or None, got {calendar!r}.")
    net_units = _units(total, digits) - _units(discount, digits)
    if net_units <= 0:
        raise ValueError(f"nothing left to pay after the discount ({discount} of {total}): lower the discount.")
    base, extra = divmod(net_units, count)
    dates = _due_dates(first_date, interval, count, calendar)
    return [
        Installment(index + 1, due, _from_units(base + (1 if index < extra else 0), digits))
        for index, due in enumerate(dates)
    ]


def schedule_problem(total, discount, count: int, digits: int = 2) -> str | None:
    """Why terms cannot make a schedule a customer can pay, as a code for a translated message.

    "discount_exceeds" (the discount is more than the amount due), "nothing_left"
    (nothing to pay after the discount), "empty_instalments" (more instalments than
    cents: some would be 0.00); None when the terms are fine.

    >>> schedule_problem("0.02", 0, 3)
    'empty_instalments'
    >>> schedule_problem("100.00", "100.00", 1), schedule_problem("100.00", "150.00", 1)
    ('nothing_left', 'discount_exceeds')
    >>> schedule_problem("1000.00", "50.00", 3) is None
    True
    """
    total = to_decimal(total, digits)
    discount = to_decimal(discount, digits)
    if discount > total:
        return "discount_exceeds"
    net = total - discount
    if net <= 0:
        return "nothing_left"
    if net.scaleb(digits) < count:
        return "empty_instalments"
    return None
