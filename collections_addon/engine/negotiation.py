"""Debt renegotiation (agreements): their states and steps, the plan's limits and how a plan stands.

The schedule itself (amounts, discounts, due dates) is ``engine.schedule``.

>>> from datetime import date
>>> from .schedule import build_schedule
>>> AGREEMENT_STEPS.target("propose", "draft"), AGREEMENT_STEPS.problem("accept", "to_approve")
('proposed', 'wrong_state')
>>> AGREEMENT_STEPS.sources("cancel")
('draft', 'proposed', 'to_approve', 'accepted', 'active', 'broken')

Beyond the plan's limits a manager must approve:

>>> limits = NegotiationLimits(max_discount_percent=10, max_installments=6, min_installment_amount=100)
>>> check_limits(1000, 0, build_schedule(1000, 0, 3, date(2026, 2, 2), "monthly"), limits)
[]
>>> check_limits(1000, 150, build_schedule(1000, 150, 12, date(2026, 2, 2), "monthly"), limits)
... # doctest: +NORMALIZE_WHITESPACE
[LimitViolation(code='discount', allowed=Decimal('10'), proposed=Decimal('15.00')),
 LimitViolation(code='installments', allowed=Decimal('6'), proposed=Decimal('12')),
 LimitViolation(code='min_installment', allowed=Decimal('100'), proposed=Decimal('70.83'))]
>>> max_installments_for_minimum(850, 100)
8

Waiving the legal charges (fine, interest, correction) has a limit of its own, a percentage of the charges:

>>> check_limits(1000, 0, build_schedule(1030, 0, 1, date(2026, 2, 2), "monthly"), limits, charges=40, waived=10)
[LimitViolation(code='waiver', allowed=Decimal('0'), proposed=Decimal('25.00'))]
>>> check_limits(1000, 0, build_schedule(1040, 0, 1, date(2026, 2, 2), "monthly"), limits, charges=40)
[]

A plan as time goes by:

>>> plan_status([(date(2026, 2, 2), 0), (date(2026, 3, 2), "333.33")], date(2026, 3, 5), 3)
'active'
>>> plan_status([(date(2026, 2, 2), 0), (date(2026, 3, 2), "333.33")], date(2026, 3, 6), 3)
'broken'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from .bounds import DISCOUNT_PERCENT, INSTALLMENTS
from .schedule import (
    Installment,
    _check_count,
    _check_date,
    _check_digits,
    _check_discount,
    _check_grace,
    _exact,
    _plain,
    _quantize,
    _round_half_up,
    _units,
)
from .states import StateMachine

LIMIT_CODES = ("discount", "installments", "min_installment", "waiver")
# What plan_status answers.
PLAN_STATES = ("active", "done", "broken")

# ----------------------------------------------------------------------
# States and steps
# ----------------------------------------------------------------------

AGREEMENT_STATES = ("draft", "proposed", "to_approve", "accepted", "active", "done", "broken", "cancelled")
# action: (states it starts from, state it leads to; None: the agreement stays where it is)
AGREEMENT_STEPS = StateMachine(
    AGREEMENT_STATES,
    {
        # The terms (invoices, discount, instalments) are typed and the schedule recomputed in a draft only.
        "edit_terms": ({"draft"}, None),
        "compute": ({"draft"}, None),
        # Within the plan's limits the agreement goes to the customer; beyond them to a manager.
        "propose": ({"draft"}, "proposed"),
        "submit": ({"draft"}, "to_approve"),
        "approve": ({"to_approve"}, "proposed"),
        "refuse": ({"to_approve"}, "cancelled"),
        "send": ({"proposed", "active"}, None),
        "accept": ({"proposed"}, "accepted"),
        "decline": ({"proposed", "to_approve"}, "cancelled"),
        # The accounting entry settles the invoices into instalments.
        "book": ({"accepted"}, "active"),
        "reset": ({"proposed", "to_approve", "cancelled"}, "draft"),
        "cancel": ({"draft", "proposed", "to_approve", "accepted", "active", "broken"}, "cancelled"),
        # The daily job: every instalment paid (a broken agreement too), or one unpaid past the grace days.
        "fulfil": ({"active", "broken"}, "done"),
        "break": ({"active"}, "broken"),
    },
)
# Shipped defaults of a plan's agreement limits (the plan's fields start with them).
DEFAULT_MAX_DISCOUNT_PERCENT = 10.0
DEFAULT_MAX_INSTALLMENTS = 6
DEFAULT_INSTALLMENT_GRACE_DAYS = 5
# A collector may waive up to half of the legal charges (fine, interest, correction) without a manager.
DEFAULT_MAX_WAIVER_PERCENT = 50.0
# The agreement holds its invoices: no other agreement (or protest) on them.
AGREEMENT_HOLDING_STATES = ("proposed", "to_approve", "accepted", "active")
# On its way and not booked yet: its invoices are promised by nobody else (a booked one settled them).
AGREEMENT_PENDING_STATES = ("proposed", "to_approve", "accepted")
# Booked: the agreement's entry settled its invoices (they show as settled by it).
AGREEMENT_BOOKED_STATES = ("active", "done", "broken")
# Internal: never shown to the customer.
AGREEMENT_INTERNAL_STATES = ("draft", "to_approve")


# ----------------------------------------------------------------------
# Limits
# ----------------------------------------------------------------------


@dataclass(frozen=True)
class NegotiationLimits:
    """What a collector may agree to without a manager: no discount, a single instalment and no charges waived
    by default."""

    max_discount_percent: Decimal = Decimal(0)
    max_installments: int = 1
    min_installment_amount: Decimal = Decimal(0)
    max_waiver_percent: Decimal = Decimal(0)

    def __post_init__(self):
        # Models pass Float fields: keep exact Decimals whatever they pass.
        percent = _limit_percent(self.max_discount_percent, "the maximum discount")
        waiver = _limit_percent(self.max_waiver_percent, "the maximum waiver of the charges")
        minimum = _exact(self.min_installment_amount, "the minimum instalment")
        _check_count(self.max_installments, "the maximum number of instalments", INSTALLMENTS.minimum)
        if minimum < 0:
            raise ValueError(f"the minimum instalment cannot be negative (got {minimum}): use 0 for no minimum.")
        object.__setattr__(self, "max_discount_percent", percent)
        object.__setattr__(self, "min_installment_amount", minimum)
        object.__setattr__(self, "max_waiver_percent", waiver)


def _limit_percent(value, what: str) -> Decimal:
    percent = _exact(value, what)
    if percent < DISCOUNT_PERCENT.minimum:
        raise ValueError(f"{what} cannot be negative (got {_plain(percent)}%): use 0 for none.")
    if percent > DISCOUNT_PERCENT.maximum:
        raise ValueError(f"{what} cannot exceed 100% (got {_plain(percent)}%).")
    return percent


@dataclass(frozen=True)
class LimitViolation:
    """A limit the proposal goes beyond: ``code`` is one of LIMIT_CODES."""

    code: str
    allowed: Decimal
    proposed: Decimal


def check_limits(
    total: int | float | str | Decimal,
    discount: int | float | str | Decimal,
    schedule: Sequence[Installment],
    limits: NegotiationLimits,
    charges: int | float | str | Decimal = 0,
    waived: int | float | str | Decimal = 0,
) -> list[LimitViolation]:
    """The limits a proposal goes beyond, in the order discount, instalments, minimum instalment, waiver.

    An empty list means a collector may propose it; otherwise a manager must
    approve. The discount is compared as a percentage of ``total`` (the
    principal) rounded to 2 places; the charges ``waived`` as a percentage of
    the legal ``charges``; amounts are compared exactly, as given.

    >>> from datetime import date
    >>> from .schedule import build_schedule
    >>> check_limits(100, 0, build_schedule(100, 0, 1, date(2026, 2, 2), "weekly"), NegotiationLimits(), 5, 6)
    Traceback (most recent call last):
    ...
    ValueError: the charges waived (6) cannot exceed the charges (5): lower the waiver.
    """
    total = _exact(total, "the amount due")
    discount = _exact(discount, "the discount")
    if total <= 0:
        raise ValueError(f"the amount due must be above zero (got {total}): select open invoices.")
    _check_discount(discount, total)
    if not isinstance(limits, NegotiationLimits):
        raise ValueError(f"the limits must be NegotiationLimits, got {limits!r}.")
    if not schedule:
        raise ValueError("the schedule has no instalment: build it with build_schedule first.")
    charges, waived = _check_waiver(charges, waived)
    violations = []
    percent = _round_half_up(Fraction(discount) / Fraction(total) * 100, 2)
    if percent > limits.max_discount_percent:
        violations.append(LimitViolation("discount", limits.max_discount_percent, percent))
    if len(schedule) > limits.max_installments:
        violations.append(LimitViolation("installments", Decimal(limits.max_installments), Decimal(len(schedule))))
    if limits.min_installment_amount > 0:
        smallest = min(item.amount for item in schedule)
        if smallest < limits.min_installment_amount:
            violations.append(LimitViolation("min_installment", limits.min_installment_amount, smallest))
    if waived > 0:
        waiver = _round_half_up(Fraction(waived) / Fraction(charges) * 100, 2)
        if waiver > limits.max_waiver_percent:
            violations.append(LimitViolation("waiver", limits.max_waiver_percent, waiver))
    return violations


def _check_waiver(charges, waived) -> tuple[Decimal, Decimal]:
    charges = _exact(charges, "the charges")
    waived = _exact(waived, "the charges waived")
    if charges < 0:
        raise ValueError(f"the charges cannot be negative (got {charges}).")
    if waived < 0:
        raise ValueError(f"the charges waived cannot be negative (got {waived}): use 0 to keep every charge.")
    if waived > charges:
        raise ValueError(f"the charges waived ({waived}) cannot exceed the charges ({charges}): lower the waiver.")
    return charges, waived


def max_installments_for_minimum(
    net: int | float | str | Decimal, min_installment_amount: int | float | str | Decimal, digits: int = 2
) -> int:
    """The most instalments build_schedule can split ``net`` into with none below the minimum.

    At least 1 (a net below the minimum is paid at once). Without a minimum (0)
    each instalment must still be one unit (cent) at least. The minimum is
    compared exactly, as check_limits does: 33.333 needs instalments of 33.34.

    >>> max_installments_for_minimum(1000, 333.33), max_installments_for_minimum(1000, 333.34)
    (3, 2)
    """
    _check_digits(digits)
    net = _quantize(net, digits, "the amount to pay")
    if net <= 0:
        raise ValueError(f"the amount to pay must be above zero (got {net}).")
    minimum = _exact(min_installment_amount, "the minimum instalment")
    if minimum < 0:
        raise ValueError(f"the minimum instalment cannot be negative (got {minimum}): use 0 for no minimum.")
    # The smallest instalment of n is floor(net / n) units: it reaches m units exactly when n <= net // m.
    minimum_units = max(math.ceil(Fraction(minimum) * 10**digits), 1)
    return max(_units(net, digits) // minimum_units, 1)


# ----------------------------------------------------------------------
# Plans
# ----------------------------------------------------------------------


def plan_status(
    installments: Sequence[tuple[date, int | float | str | Decimal]], today: date, grace_days: int, digits: int = 2
) -> str:
    """``"done"`` when nothing is left, ``"broken"`` when an open instalment is past its grace days, else ``"active"``.

    ``installments`` are ``(due_date, residual still open)`` pairs in any order;
    residuals are rounded to ``digits`` and anything at or below zero is paid.
    """
    _check_digits(digits)
    _check_date(today, "today")
    _check_grace(grace_days)
    if not installments:
        raise ValueError("a plan needs at least one instalment: build its schedule first.")
    open_dates = []
    for position, pair in enumerate(installments, start=1):
        try:
            due_date, residual = pair
        except (TypeError, ValueError):
            raise ValueError(f"instalment {position} must be a (due date, residual) pair, got {pair!r}.")
        _check_date(due_date, f"instalment {position}'s due date")
        if _quantize(residual, digits, f"instalment {position}'s residual") > 0:
            open_dates.append(due_date)
    if not open_dates:
        return "done"
    if any((today - due_date).days > grace_days for due_date in open_dates):
        return "broken"
    return "active"
