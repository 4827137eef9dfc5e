"""What a contact recovered, measured from the accounting; DSO and CEI.

A contact (a reminder, a call, a letter) covers receivable lines, each for the amount open when it went out.
A payment is the reconciliation of such a line (its day and amount), never a click. The attribution rule:

- a payment counts for the **last contact before it** (on or before its day) that covered its line; two
  contacts of the same day covering the line: the one with the greater id (the one recorded last) wins. So one
  payment is counted for one contact at most, never twice;
- it counts only within a window after that contact (``RECOVERY_WINDOWS``: 7, 15 and 30 days, the contact's
  own day being day 0, days being the only granularity of both dates); a payment later than the largest window
  after the last contact is counted for nobody. A later contact covering the line ends the earlier contact's
  claim on it, whatever its window;
- a contact recovers at most what it covered on each line: payments are taken in date order and capped, so the
  amounts never exceed the covered amounts, and each window holds the ones before it (7 ⊆ 15 ⊆ 30).

>>> from datetime import date
>>> first = RecoveryContact(1, date(2026, 3, 2), {10: 100, 11: 50}, customer_id=7)
>>> second = RecoveryContact(2, date(2026, 3, 10), {11: 50}, customer_id=7)
>>> payments = [RecoveryPayment(10, date(2026, 3, 5), 100), RecoveryPayment(11, date(2026, 3, 20), 50)]
>>> one, two = attribute_recovery([first, second], payments)
>>> one.recovered, one.days_to_first_payment, one.paid_full, one.paid_part
((Decimal('100'), Decimal('100'), Decimal('100')), 3, (False, False, False), (True, True, True))
>>> two.recovered, two.paid_full, two.days_to_first_payment
((Decimal('0'), Decimal('50'), Decimal('50')), (False, True, True), 10)
>>> group = aggregate_recovery([("e-mail", one), ("e-mail", two)])["e-mail"]
>>> group.contacts, group.customers, group.paid_any, group.recovered, group.median_days
(2, 1, (1, 2, 2), (Decimal('100'), Decimal('150'), Decimal('150')), 6.5)
>>> dso(120_000, 300_000, 90), cei(100_000, 300_000, 120_000, 70_000)
(Decimal('36.00'), Decimal('84.85'))
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

# Days after a contact within which a payment of a line it covered counts for it, smallest first.
RECOVERY_WINDOWS = (7, 15, 30)
# DSO is given in days and CEI in percent, both to this many decimals.
RATIO_QUANTUM = Decimal("0.01")
ZERO = Decimal(0)


def _amount(value, what: str) -> Decimal:
    """``value`` as an exact Decimal (floats through their repr); refuses what is not a finite number."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except ArithmeticError:
        raise ValueError(f"{what} must be a number (got {value!r}).") from None
    if not number.is_finite():
        raise ValueError(f"{what} must be a finite number (got {value!r}).")
    return number


@dataclass(frozen=True)
class RecoveryContact:
    """A contact of ``day`` and the amount it covered on each receivable line (line id -> amount).

    ``customer_id`` lets ``aggregate_recovery`` count customers as well as contacts (None: the contact counts as its
    own customer).
    """

    id: Hashable
    day: date
    covered: Mapping[Hashable, Decimal] = field(default_factory=dict)
    customer_id: Hashable | None = None

    def __post_init__(self):
        covered = {}
        for line, value in self.covered.items():
            amount = covered[line] = _amount(value, f"The amount covered on line {line!r}")
            if amount <= 0:
                raise ValueError(f"Contact {self.id!r} covers line {line!r} for {amount}: use an amount above zero.")
        object.__setattr__(self, "covered", covered)


@dataclass(frozen=True)
class RecoveryPayment:
    """The reconciliation of receivable line ``line_id`` on ``day`` for ``amount`` (above zero)."""

    line_id: Hashable
    day: date
    amount: Decimal

    def __post_init__(self):
        amount = _amount(self.amount, f"The payment of line {self.line_id!r}")
        if amount <= 0:
            raise ValueError(
                f"The payment of line {self.line_id!r} on {self.day} is {amount}: use an amount above zero."
            )
        object.__setattr__(self, "amount", amount)


@dataclass(frozen=True)
class ContactRecovery:
    """What one contact recovered; each tuple has one entry per window of ``RECOVERY_WINDOWS``.

    ``paid_full``: everything it covered was paid within the window; ``paid_part``: something but not all;
    ``days_to_first_payment``: from the contact to the first payment counted for it (None: none).
    """

    contact_id: Hashable
    customer_id: Hashable | None
    covered: Decimal
    recovered: tuple[Decimal, ...]
    paid_full: tuple[bool, ...]
    paid_part: tuple[bool, ...]
    days_to_first_payment: int | None


@dataclass(frozen=True)
class RecoveryGroup:
    """The recovery of a group of contacts; each tuple has one entry per window of ``RECOVERY_WINDOWS``.

    ``paid_any`` counts the contacts paid in full or in part; ``median_days`` is the median of the days to the
    first payment over the contacts paid within the largest window (None: none was).
    """

    contacts: int
    customers: int
    covered: Decimal
    paid_full: tuple[int, ...]
    paid_part: tuple[int, ...]
    paid_any: tuple[int, ...]
    recovered: tuple[Decimal, ...]
    median_days: float | int | None


def _check_windows(windows: tuple[int, ...]) -> None:
    if not windows or list(windows) != sorted(set(windows)) or windows[0] < 0:
        raise ValueError(f"Recovery windows must be increasing whole numbers of days, from 0 (got {windows!r}).")


def _owner(contacts_by_line: dict, payment: RecoveryPayment):
    """The contact a payment counts for: the last one on or before its day covering its line (None: none)."""
    owner = None
    for contact in contacts_by_line.get(payment.line_id, ()):
        if contact.day > payment.day:
            break
        owner = contact
    return owner


def _credits(contacts: list[RecoveryContact], payments: Iterable[RecoveryPayment], horizon: int) -> dict:
    """Contact id -> [(days after the contact, amount counted)], payments in date order, capped per line."""
    contacts_by_line = defaultdict(list)
    for contact in sorted(contacts, key=lambda contact: (contact.day, _order(contact.id))):
        for line in contact.covered:
            contacts_by_line[line].append(contact)
    left = {(contact.id, line): amount for contact in contacts for line, amount in contact.covered.items()}
    credits = defaultdict(list)
    for payment in sorted(payments, key=lambda payment: payment.day):
        owner = _owner(contacts_by_line, payment)
        if owner is None or (payment.day - owner.day).days > horizon:
            continue
        counted = min(payment.amount, left[owner.id, payment.line_id])
        if counted > 0:
            left[owner.id, payment.line_id] -= counted
            credits[owner.id].append(((payment.day - owner.day).days, counted))
    return credits


def _order(contact_id):
    """A sort key for ids of any one type: numbers by value, anything else by its text."""
    return (0, contact_id, "") if isinstance(contact_id, (int, float)) else (1, 0, str(contact_id))


def attribute_recovery(
    contacts: Iterable[RecoveryContact],
    payments: Iterable[RecoveryPayment],
    windows: tuple[int, ...] = RECOVERY_WINDOWS,
) -> list[ContactRecovery]:
    """What each contact recovered within each window, in the order of ``contacts`` (rule: module docstring).

    >>> attribute_recovery([RecoveryContact(1, date(2026, 3, 2)), RecoveryContact(1, date(2026, 3, 3))], [])
    Traceback (most recent call last):
    ...
    ValueError: Contact 1 is given twice: each contact is counted once.
    """
    _check_windows(windows)
    contacts = list(contacts)
    seen = set()
    for contact in contacts:
        if contact.id in seen:
            raise ValueError(f"Contact {contact.id!r} is given twice: each contact is counted once.")
        seen.add(contact.id)
    credits = _credits(contacts, payments, windows[-1])
    return [_recovery(contact, credits.get(contact.id, []), windows) for contact in contacts]


def _recovery(contact: RecoveryContact, credits: list, windows: tuple[int, ...]) -> ContactRecovery:
    covered = sum(contact.covered.values(), ZERO)
    recovered = tuple(sum((amount for days, amount in credits if days <= window), ZERO) for window in windows)
    return ContactRecovery(
        contact_id=contact.id,
        customer_id=contact.customer_id,
        covered=covered,
        recovered=recovered,
        paid_full=tuple(covered > 0 and amount >= covered for amount in recovered),
        paid_part=tuple(0 < amount < covered for amount in recovered),
        days_to_first_payment=min((days for days, _amount in credits), default=None),
    )


def aggregate_recovery(rows: Iterable[tuple[Hashable, ContactRecovery]]) -> dict[Hashable, RecoveryGroup]:
    """Group (key, recovery) pairs by key: any key the caller builds (level, channel, customer kind, template).

    >>> aggregate_recovery([])
    {}
    """
    groups = defaultdict(list)
    for key, recovery in rows:
        groups[key].append(recovery)
    return {key: _group(recoveries) for key, recoveries in groups.items()}


def _group(recoveries: list[ContactRecovery]) -> RecoveryGroup:
    windows = range(len(recoveries[0].recovered))
    customers = {
        ("customer", item.customer_id) if item.customer_id is not None else ("contact", item.contact_id)
        for item in recoveries
    }
    days = [item.days_to_first_payment for item in recoveries if item.days_to_first_payment is not None]
    return RecoveryGroup(
        contacts=len(recoveries),
        customers=len(customers),
        covered=sum((item.covered for item in recoveries), ZERO),
        paid_full=tuple(sum(item.paid_full[index] for item in recoveries) for index in windows),
        paid_part=tuple(sum(item.paid_part[index] for item in recoveries) for index in windows),
        paid_any=tuple(sum(item.recovered[index] > 0 for item in recoveries) for index in windows),
        recovered=tuple(sum((item.recovered[index] for item in recoveries), ZERO) for index in windows),
        median_days=statistics.median(days) if days else None,
    )


def dso(receivables_end, credit_sales, days: int) -> Decimal | None:
    """Days sales outstanding: ``receivables_end / credit_sales * days``, to the hundredth of a day.

    How many days of credit sales the receivables open at the end of the period stand for (the period being
    ``days`` long: 30 for a month). None when the period had no credit sales (zero or less): the ratio means
    nothing then, and neither 0 nor infinity would be true.

    >>> dso(1000, 0, 30) is None
    True
    >>> dso(1000, 3000, 0)
    Traceback (most recent call last):
    ...
    ValueError: The period of the DSO must last at least one day (got 0).
    """
    if days < 1:
        raise ValueError(f"The period of the DSO must last at least one day (got {days}).")
    receivables = _amount(receivables_end, "The receivables at the end of the period")
    sales = _amount(credit_sales, "The credit sales of the period")
    if sales <= 0:
        return None
    return (receivables / sales * days).quantize(RATIO_QUANTUM, ROUND_HALF_UP)


def cei(begin_receivables, credit_sales, end_receivables, end_current_receivables) -> Decimal | None:
    """Collection effectiveness index, in percent, to the hundredth:

    ``(begin + credit sales - end) / (begin + credit sales - end current) * 100``

    where ``begin`` and ``end`` are the receivables open at the start and end of the period and ``end
    current`` the part of ``end`` not yet due. The numerator is what was collected, the denominator what was
    collectible (everything due during the period); 100 % means everything due was collected. None when
    nothing was collectible (denominator zero or less): there was nothing to measure.

    >>> cei(0, 1000, 1000, 1000) is None
    True
    >>> cei(0, 1000, 200, 200)
    Decimal('100.00')
    """
    begin = _amount(begin_receivables, "The receivables at the start of the period")
    sales = _amount(credit_sales, "The credit sales of the period")
    end = _amount(end_receivables, "The receivables at the end of the period")
    current = _amount(end_current_receivables, "The receivables not yet due at the end of the period")
    collectible = begin + sales - current
    if collectible <= 0:
        return None
    return ((begin + sales - end) / collectible * 100).quantize(RATIO_QUANTUM, ROUND_HALF_UP)
