"""What a customer answers to a reminder: a promise to pay, or a dispute.

A promise pauses the follow-up of its invoices until its date plus the grace
days; it is kept once paid and broken once the grace days have passed unpaid.
A dispute pauses them until it is resolved. On the portal a customer promises
or disputes alone, within the windows below; a collector records the rest.

>>> from datetime import date
>>> promise_status(500, date(2026, 3, 2), 2, "200.00", today=date(2026, 3, 4))
PromiseStatus(state='open', paid=Decimal('200.00'), remaining=Decimal('300.00'))
>>> promise_status(500, date(2026, 3, 2), 2, "200.00", today=date(2026, 3, 5)).state
'broken'
>>> pause_until(date(2026, 3, 2), 2)
datetime.date(2026, 3, 4)
>>> PROMISE_STEPS.target("cancel", "open"), DISPUTE_STEPS.problem("resolve", "resolved")
('cancelled', 'wrong_state')
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .schedule import _check_date, _check_digits, _check_grace, _from_units, _quantize, _units
from .states import StateMachine

# What promise_status answers.
PROMISE_STATES = ("open", "kept", "broken")
# A promise record: what promise_status answers, or cancelled (an agreement replaced it, or a collector).
PROMISE_RECORD_STATES = (*PROMISE_STATES, "cancelled")
PROMISE_STEPS = StateMachine(
    PROMISE_RECORD_STATES,
    {
        "keep": ({"open"}, "kept"),
        "break": ({"open"}, "broken"),
        "cancel": ({"open"}, "cancelled"),
    },
)
DISPUTE_STATES = ("open", "resolved")
DISPUTE_STEPS = StateMachine(DISPUTE_STATES, {"resolve": ({"open"}, "resolved")})
# A promise or a dispute in these states holds its invoices out of the follow-up (and of new promises).
PROMISE_PAUSING_STATES = ("open",)
DISPUTE_PAUSING_STATES = ("open",)
# Where a promise or a dispute comes from.
ANSWER_SOURCES = ("collector", "call", "portal")

# Grace days of a promise when no plan applies (a plan has its own, see collections.policy).
DEFAULT_PROMISE_GRACE_DAYS = 2

# A promise made on the portal pauses the follow-up of the invoice until its date: a customer cannot push it
# further than this on their own; a collector records longer promises.
PORTAL_PROMISE_DAYS = 60
# After a broken promise or a resolved dispute, a new one goes through the collector for this long.
PORTAL_RENEWAL_DAYS = 30
# Free text typed by the customer is cut to a sane size before it reaches the database.
PORTAL_NAME_LENGTH = 128
PORTAL_TEXT_LENGTH = 2000


@dataclass(frozen=True)
class PromiseStatus:
    """Where a promise to pay stands: ``state`` is one of PROMISE_STATES."""

    state: str
    paid: Decimal
    remaining: Decimal


def pause_until(promise_date: date, grace_days: int) -> date:
    """The last day the follow-up stays paused for a promise: ``promise_date + grace_days``."""
    _check_date(promise_date, "the promised date")
    _check_grace(grace_days)
    try:
        return promise_date + timedelta(days=grace_days)
    except OverflowError:
        raise ValueError(f"{promise_date} plus {grace_days} grace days falls after the year 9999.")


def promise_date_problem(today: date, promised_date: date | None, max_days: int) -> str | None:
    """Why a promised date given by the customer is refused: "missing", "past", "far"; None if fine.

    >>> promise_date_problem(date(2026, 3, 16), date(2026, 5, 16), 60)
    'far'
    >>> promise_date_problem(date(2026, 3, 16), date(2026, 3, 16), 60) is None
    True
    """
    if promised_date is None:
        return "missing"
    if promised_date < today:
        return "past"
    if promised_date > today + timedelta(days=max_days):
        return "far"
    return None


def promise_status(
    amount: int | float | str | Decimal,
    promise_date: date,
    grace_days: int,
    paid: int | float | str | Decimal,
    today: date,
    digits: int = 2,
) -> PromiseStatus:
    """Kept as soon as ``paid`` covers ``amount``; broken once the grace days after the date have passed.

    ``paid`` above the amount covers it (``paid`` is capped at ``amount``); a
    negative ``paid`` (a refund) covers nothing.

    >>> promise_status(100, date(2026, 3, 2), 0, 120, today=date(2026, 2, 1))
    PromiseStatus(state='kept', paid=Decimal('100.00'), remaining=Decimal('0.00'))
    """
    _check_digits(digits)
    amount = _quantize(amount, digits, "the promised amount")
    if amount <= 0:
        raise ValueError(f"a promise to pay needs an amount above zero (got {amount}).")
    _check_date(promise_date, "the promised date")
    _check_grace(grace_days)
    _check_date(today, "today")
    paid = _quantize(paid, digits, "the amount paid")
    covered = min(max(_units(paid, digits), 0), _units(amount, digits))
    remaining = _from_units(_units(amount, digits) - covered, digits)
    if paid >= amount:
        state = "kept"
    elif (today - promise_date).days > grace_days:
        state = "broken"
    else:
        state = "open"
    return PromiseStatus(state, _from_units(covered, digits), remaining)
