"""Legal charges on a late receivable: fine, interest and monetary correction, exact to the cent.

Brazil first (CDC art. 52 §1, Lei 14.905/2024; see DOMAIN.md "Pay now and legal charges"),
configurable everywhere: every percent, rate and index value is data an admin changes.

How the amounts are counted (the way Brazilian practice counts them):

- Nothing is due on or before the due date, nor within the grace days after it. Once the
  grace days have passed, the charges count from the due date (grace is a tolerance, not a
  later start).
- Fine ("multa"): ``fine_percent`` of the principal, once. For individuals (consumers) the fine
  may not exceed ``fine_cap_individual`` (legal default 2 %): such a profile is refused, not
  silently capped, so that nobody believes a figure that is never charged.
- Interest ("juros de mora"), simple, on the principal, pro rata per day:
  ``contract``: the contractual monthly rate / 30 per day late (the commercial month of 30 days);
  ``legal``: the monthly rate table (Taxa Legal), month by month: a whole calendar month late
  counts its whole rate, a partial month its rate x days late in it / days of that month.
- Monetary correction by an index table (IPCA monthly variations), month by month and
  compounded, the partial month pro rata (variation x days / days of the month). A month of
  deflation is applied, but the correction never goes below zero (the nominal amount is kept).
- Each part is rounded half up to the currency's digits; the total is their exact sum.
- Table months after the table's last published month are not charged yet (indices are
  published the following month: never overcharge a consumer, CDC art. 42); a missing month
  before that, or before the table's first month, is a gap and refused. ``stale`` tells when a
  table's last month is too old.

>>> from datetime import date
>>> profile = ChargesProfile(fine_percent="2", interest_mode="contract", monthly_rate="1")
>>> result = charges_for("1000.00", date(2026, 3, 10), date(2026, 4, 9), profile, True)
>>> result.days_late, result.fine, result.interest, result.correction, result.total
(30, Decimal('20.00'), Decimal('10.00'), Decimal('0.00'), Decimal('1030.00'))
>>> charges_for("1000.00", date(2026, 3, 10), date(2026, 3, 10), profile, True).total
Decimal('1000.00')
>>> charges_for("1000.00", date(2026, 3, 10), date(2026, 4, 9), ChargesProfile(fine_percent=10), True)
Traceback (most recent call last):
...
ValueError: The fine (10 %) is above the cap for individuals (2 %): lower the fine to 2 % or less.

IPCA correction over February 2026 (whole month, 28 days) and 10 days of March (31 days):

>>> tables = {"ipca": {date(2026, 2, 1): Decimal("0.50"), date(2026, 3, 1): Decimal("0.31")}}
>>> ipca = ChargesProfile(correction_mode="ipca")
>>> charges_for("1000.00", date(2026, 1, 31), date(2026, 3, 10), ipca, False, tables).correction
Decimal('6.01')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from .bounds import CHARGE_PERCENT, GRACE_DAYS, INDEX_VARIATION_PERCENT
from .schedule import _check_digits, _exact, _round_half_up

INTEREST_MODES = ("none", "contract", "legal")
CORRECTION_MODES = ("none", "ipca")
# The rate tables an admin keeps: Taxa Legal (monthly interest, Lei 14.905/2024) and IPCA (monthly variation).
RATE_INDEXES = ("taxa_legal", "ipca")
# Which table each mode reads.
INTEREST_TABLE = {"legal": "taxa_legal"}
CORRECTION_TABLE = {"ipca": "ipca"}
# The legal cap of a consumer's fine (CDC art. 52 §1), the default of a profile.
DEFAULT_FINE_CAP_INDIVIDUAL = Decimal(2)
# A table whose last month is more than this many months before today is stale (published monthly, a month late).
STALE_AFTER_MONTHS = 2
# Interest pro rata per day: a month counts 30 days (the commercial month).
COMMERCIAL_MONTH_DAYS = 30

_HUNDRED = Fraction(100)


# How long before a payment the invoices paid late by other payments are offered for booking their charges (a
# customer who paid the principal first and the charges later).
BOOKING_LOOKBACK_DAYS = 90


@dataclass(frozen=True)
class ChargesProfile:
    """What a company charges on late receivables; ``no_charges`` adds nothing whatever the other fields say."""

    fine_percent: Decimal | int | float | str = 0
    fine_cap_individual: Decimal | int | float | str = DEFAULT_FINE_CAP_INDIVIDUAL
    interest_mode: str = "none"
    monthly_rate: Decimal | int | float | str = 0
    correction_mode: str = "none"
    grace_days: int = 0
    no_charges: bool = False


NO_CHARGES = ChargesProfile(no_charges=True)


@dataclass(frozen=True)
class Charges:
    """The updated amount of one receivable on a date, itemised; ``total`` is the exact sum of the four parts."""

    principal: Decimal
    fine: Decimal
    interest: Decimal
    correction: Decimal
    days_late: int
    total: Decimal = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "total", self.principal + self.fine + self.interest + self.correction)


# ----------------------------------------------------------------------
# Months and tables
# ----------------------------------------------------------------------


def month_start(day: date) -> date:
    """The 1st of ``day``'s month: the key of a rate table.

    >>> month_start(date(2026, 2, 17))
    datetime.date(2026, 2, 1)
    """
    return day.replace(day=1)


def next_month(month: date) -> date:
    """The 1st of the month after ``month``.

    >>> next_month(date(2026, 12, 1))
    datetime.date(2027, 1, 1)
    """
    return date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """The 1st of every month from ``first``'s month to ``last``'s month, both included.

    >>> months_between(date(2025, 11, 30), date(2026, 1, 2))
    [datetime.date(2025, 11, 1), datetime.date(2025, 12, 1), datetime.date(2026, 1, 1)]
    """
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def missing_months(table: dict, first: date, last: date) -> list[date]:
    """The months from ``first`` to ``last`` (their months, included) that ``table`` has no value for.

    >>> missing_months({date(2026, 1, 1): 1, date(2026, 3, 1): 1}, date(2026, 1, 15), date(2026, 3, 2))
    [datetime.date(2026, 2, 1)]
    """
    return [month for month in months_between(first, last) if month not in table]


def stale(table: dict, today: date, months: int = STALE_AFTER_MONTHS) -> bool:
    """True when ``table`` is empty or its last month is more than ``months`` months before ``today``'s month.

    >>> table = {date(2026, 9, 1): Decimal("0.48")}
    >>> stale(table, date(2026, 11, 20)), stale(table, date(2026, 12, 1)), stale({}, date(2026, 12, 1))
    (False, True, True)
    """
    if not table:
        return True
    last = max(table)
    return (today.year - last.year) * 12 + today.month - last.month > months


def table_problem(code: str, table: dict) -> str | None:
    """Why a rate table's values are wrong (keys not the 1st of a month, values out of range), or None.

    >>> table_problem("taxa_legal", {date(2026, 1, 1): Decimal("-0.1")})
    'The taxa_legal table has a value out of range for 2026-01 (-0.1): it must be 0 to 100.'
    >>> table_problem("ipca", {date(2026, 1, 1): Decimal("-0.1")}) is None
    True
    """
    bound = INDEX_VARIATION_PERCENT if code == "ipca" else CHARGE_PERCENT
    for month, value in sorted(table.items()):
        if isinstance(month, datetime) or not isinstance(month, date) or month.day != 1:
            return f"The {code} table is keyed by the 1st of each month, got {month!r}."
        if bound.problem(value):
            return f"The {code} table has a value out of range for {month:%Y-%m} ({value}): it must be {bound}."
    return None


# ----------------------------------------------------------------------
# The profile
# ----------------------------------------------------------------------


def _percent(value, what: str) -> Fraction:
    number = _exact(value, what)
    if CHARGE_PERCENT.problem(number):
        raise ValueError(f"{what} must be {CHARGE_PERCENT} %, got {number}: rates and fines are never negative.")
    return Fraction(number)


def profile_problem(profile: ChargesProfile, is_individual: bool) -> str | None:
    """Why ``profile`` cannot be charged (to an individual, when ``is_individual``), or None.

    >>> profile_problem(ChargesProfile(fine_percent=2), True) is None
    True
    >>> profile_problem(ChargesProfile(interest_mode="contract", monthly_rate=-1), False)
    'The monthly interest rate must be 0 to 100 %, got -1: rates and fines are never negative.'
    """
    try:
        _checked(profile, is_individual)
    except ValueError as error:
        return str(error)
    return None


def _checked(profile: ChargesProfile, is_individual: bool) -> tuple[Fraction, Fraction]:
    """The profile's fine and monthly rate as exact fractions, or ValueError saying what to fix.

    Checked once per profile: a run charges thousands of invoices on a handful of profiles.
    """
    try:
        return _checked_cached(profile, is_individual)
    except TypeError:  # a profile holding an unhashable value: checked every time
        return _check_profile(profile, is_individual)


@lru_cache(maxsize=256)
def _checked_cached(profile: ChargesProfile, is_individual: bool) -> tuple[Fraction, Fraction]:
    return _check_profile(profile, is_individual)


def _check_profile(profile: ChargesProfile, is_individual: bool) -> tuple[Fraction, Fraction]:
    if profile.interest_mode not in INTEREST_MODES:
        raise ValueError(f"Unknown interest mode {profile.interest_mode!r}: use one of {', '.join(INTEREST_MODES)}.")
    if profile.correction_mode not in CORRECTION_MODES:
        raise ValueError(
            f"Unknown correction mode {profile.correction_mode!r}: use one of {', '.join(CORRECTION_MODES)}."
        )
    GRACE_DAYS.check(profile.grace_days, "The grace days")
    fine = _percent(profile.fine_percent, "The fine")
    cap = _percent(profile.fine_cap_individual, "The fine cap for individuals")
    rate = _percent(profile.monthly_rate, "The monthly interest rate")
    if is_individual and fine > cap:
        raise ValueError(
            f"The fine ({_exact(profile.fine_percent)} %) is above the cap for individuals "
            f"({_exact(profile.fine_cap_individual)} %): lower the fine to {_exact(profile.fine_cap_individual)} % "
            "or less."
        )
    return fine, rate


# ----------------------------------------------------------------------
# The charges
# ----------------------------------------------------------------------


def _days_in_month(month: date) -> int:
    return (next_month(month) - month).days


def _late_days_by_month(due_date: date, on_date: date) -> list[tuple[date, int]]:
    """(month, days late in that month) for the days after ``due_date`` up to ``on_date`` included."""
    first = due_date + timedelta(days=1)
    spans = []
    for month in months_between(first, on_date):
        start = max(first, month)
        end = min(on_date, next_month(month) - timedelta(days=1))
        spans.append((month, (end - start).days + 1))
    return spans


def _table(code: str, tables: dict | None, spans: list[tuple[date, int]]) -> dict:
    """The table ``code`` checked for range and for gaps over ``spans`` (months after its last are not charged)."""
    table = (tables or {}).get(code) or {}
    problem = table_problem(code, table)
    if problem:
        raise ValueError(problem)
    if not table:
        raise ValueError(f"The {code} table is empty: enter its monthly values before charging by it.")
    last = max(table)
    gaps = [month for month, _days in spans if month <= last and month not in table]
    if gaps:
        names = ", ".join(f"{month:%Y-%m}" for month in gaps)
        raise ValueError(f"The {code} table has no value for {names}: enter the missing months.")
    return table


def _table_interest(principal: Fraction, table: dict, spans: list[tuple[date, int]]) -> Fraction:
    total = Fraction(0)
    for month, days in spans:
        if month in table:
            total += principal * Fraction(_exact(table[month])) / _HUNDRED * days / _days_in_month(month)
    return total


def _correction(principal: Fraction, table: dict, spans: list[tuple[date, int]]) -> Fraction:
    factor = Fraction(1)
    for month, days in spans:
        if month in table:
            factor *= 1 + Fraction(_exact(table[month])) / _HUNDRED * days / _days_in_month(month)
    return max(Fraction(0), principal * (factor - 1))


def _check_dates(due_date: date, on_date: date) -> None:
    for what, day in (("The due date", due_date), ("The date of the charges", on_date)):
        if isinstance(day, datetime) or not isinstance(day, date):
            raise ValueError(f"{what} must be a date, got {day!r}.")


def charges_for(
    principal,
    due_date: date,
    on_date: date,
    profile: ChargesProfile,
    is_individual: bool,
    tables: dict | None = None,
    digits: int = 2,
) -> Charges:
    """The charges on ``principal`` due on ``due_date``, counted on ``on_date``.

    ``tables``: ``{code: {1st of a month: percent}}`` for the codes of RATE_INDEXES the profile reads.
    ValueError, saying what to fix: a negative rate, a fine above the cap for an individual, a rate
    table with a gap over the period, a principal that is not an amount.

    >>> profile = ChargesProfile(fine_percent=2, interest_mode="contract", monthly_rate=1, grace_days=5)
    >>> charges_for(500, date(2026, 3, 10), date(2026, 3, 15), profile, True).total
    Decimal('500.00')
    >>> charges_for(500, date(2026, 3, 10), date(2026, 3, 16), profile, True)
    Charges(principal=Decimal('500.00'), fine=Decimal('10.00'), interest=Decimal('1.00'), \
correction=Decimal('0.00'), days_late=6, total=Decimal('511.00'))
    """
    _check_digits(digits)
    _check_dates(due_date, on_date)
    amount = _round_half_up(Fraction(_exact(principal, "The principal")), digits)
    if amount < 0:
        raise ValueError(f"The principal must be 0 or more, got {amount}.")
    fine_percent, rate = _checked(profile, is_individual)
    days_late = max(0, (on_date - due_date).days)
    zero = _round_half_up(Fraction(0), digits)
    if profile.no_charges or days_late <= profile.grace_days or not amount:
        return Charges(amount, zero, zero, zero, days_late)
    base = Fraction(amount)
    spans = _late_days_by_month(due_date, on_date)
    if profile.interest_mode == "contract":
        interest = base * rate / _HUNDRED * days_late / COMMERCIAL_MONTH_DAYS
    elif profile.interest_mode == "legal":
        interest = _table_interest(base, _table(INTEREST_TABLE["legal"], tables, spans), spans)
    else:
        interest = Fraction(0)
    correction = Fraction(0)
    if profile.correction_mode != "none":
        table = _table(CORRECTION_TABLE[profile.correction_mode], tables, spans)
        correction = _correction(base, table, spans)
    return Charges(
        amount,
        _round_half_up(base * fine_percent / _HUNDRED, digits),
        _round_half_up(interest, digits),
        _round_half_up(correction, digits),
        days_late,
    )


# The kinds of charges, in the order a payment that does not cover them all books them (an interest invoice line
# each): the fine first, then interest, then correction.
CHARGE_KINDS = ("fine", "interest", "correction")


def charges_to_book(totals: dict, amount=None, digits: int = 2) -> dict:
    """What to book of each kind of ``totals`` (``{kind: amount}``), ``amount`` at most in all (None: everything),
    in the order of CHARGE_KINDS; kinds at zero are left out. ValueError for a negative amount.

    >>> totals = {"fine": Decimal("3.00"), "interest": Decimal("2.00"), "correction": Decimal("0.25")}
    >>> charges_to_book(totals)
    {'fine': Decimal('3.00'), 'interest': Decimal('2.00'), 'correction': Decimal('0.25')}
    >>> charges_to_book(totals, "4")
    {'fine': Decimal('3.00'), 'interest': Decimal('1.00')}
    >>> charges_to_book({"fine": 0, "interest": "1.5"}, 10)
    {'interest': Decimal('1.50')}
    >>> charges_to_book(totals, -1)
    Traceback (most recent call last):
    ...
    ValueError: The amount to book must be 0 or more, got -1.00.
    """
    _check_digits(digits)
    left = None if amount is None else _round_half_up(Fraction(_exact(amount, "The amount to book")), digits)
    if left is not None and left < 0:
        raise ValueError(f"The amount to book must be 0 or more, got {left}.")
    booked = {}
    for kind in CHARGE_KINDS:
        value = _round_half_up(Fraction(_exact(totals.get(kind, 0), f"The {kind}")), digits)
        if left is not None:
            value = min(value, left)
            left -= value
        if value > 0:
            booked[kind] = value
    return booked
