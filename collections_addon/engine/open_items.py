"""A customer's open receivables as the follow-up sees them: what is overdue, held, claimed.

The run reads each open receivable line into an :class:`OpenItem`, with the
reason it is held out of the follow-up (one of :data:`HOLD_CODES`), and asks
these functions what a reminder lists and claims.

>>> from datetime import date
>>> late = OpenItem(move_id=1, due_date=date(2026, 3, 2), currency="EUR", residual=100.0)
>>> promised = OpenItem(move_id=2, due_date=date(2026, 3, 3), currency="EUR", residual=50.0,
...                     excluded=True, hold="promise")
>>> [item.move_id for item in claimed_items([late, promised], date(2026, 3, 16))]
[1]
>>> HOLD_STATES["promise"]
('open',)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .negotiation import AGREEMENT_HOLDING_STATES, AGREEMENT_PENDING_STATES
from .promise import DISPUTE_PAUSING_STATES, PROMISE_PAUSING_STATES
from .protest import AT_NOTARY_STATES, PROTEST_STATES

# Why an open item is kept out of the follow-up, in the order that names the customer's status when
# everything it owes late is held: at the notary, in an agreement waiting or running, disputed,
# promised, or marked "no follow-up" by hand (Odoo's own flag, which says nothing more than overdue).
HOLD_CODES = ("notary", "agreement", "dispute", "promise", "no_followup")

# The states of the records that hold an invoice, by hold code ("no_followup" is a flag of the line).
# At the notary the notary's notice does the talking: sent, protocolled, notified, or suspended by a court.
NOTARY_HOLD_STATES = tuple(state for state in PROTEST_STATES if state in AT_NOTARY_STATES)
# Proposed or waiting for approval or acceptance: the customer is answering an offer.
AGREEMENT_HOLD_STATES = AGREEMENT_PENDING_STATES
# An agreement under way: still an offer, or running (its instalments are being paid).
AGREEMENT_RUNNING_STATES = AGREEMENT_HOLDING_STATES
DISPUTE_HOLD_STATES = DISPUTE_PAUSING_STATES
PROMISE_HOLD_STATES = PROMISE_PAUSING_STATES
HOLD_STATES = {
    "notary": NOTARY_HOLD_STATES,
    "agreement": AGREEMENT_HOLD_STATES,
    "dispute": DISPUTE_HOLD_STATES,
    "promise": PROMISE_HOLD_STATES,
}


@dataclass(frozen=True)
class OpenItem:
    """An open receivable of the customer.

    ``residual`` is in the item's own currency, ``residual_company`` in the
    company currency; ``reached_days`` is the ``days`` of the last level the
    item already received (``None`` when it received none).
    """

    move_id: int
    due_date: date
    currency: str | int
    residual: float
    residual_company: float | None = None
    reached_days: int | None = None
    excluded: bool = False
    # An invoice split by payment terms has one item per instalment: each follows its own levels.
    line_id: int | None = None
    # Why the item is held (one of HOLD_CODES); a held item is also ``excluded``.
    hold: str | None = None

    def __post_init__(self):
        if self.hold is not None and self.hold not in HOLD_CODES:
            raise ValueError(f"Unknown hold {self.hold!r}: expected one of {HOLD_CODES}.")

    @property
    def key(self) -> int:
        """What ``item_levels`` is keyed by: the receivable line, else the invoice."""
        return self.move_id if self.line_id is None else self.line_id

    @property
    def company_amount(self) -> float:
        return self.residual if self.residual_company is None else self.residual_company


def claimable_items(items: Iterable[OpenItem], today: date) -> list[OpenItem]:
    """What a collector claims from the customer today: the open items the follow-up does not hold
    (disputed, promised, at the notary, no follow-up), the overdue ones, else those coming due.

    >>> old = OpenItem(move_id=1, due_date=date(2026, 3, 1), currency="BRL", residual=100.0)
    >>> held = OpenItem(move_id=2, due_date=date(2026, 3, 2), currency="BRL", residual=50.0, excluded=True)
    >>> soon = OpenItem(move_id=3, due_date=date(2026, 3, 20), currency="BRL", residual=70.0)
    >>> [item.move_id for item in claimable_items([old, held, soon], date(2026, 3, 16))]
    [1]
    >>> [item.move_id for item in claimable_items([held, soon], date(2026, 3, 16))]
    [3]
    """
    open_items = [item for item in items if not item.excluded and item.residual > 0]
    return [item for item in open_items if item.due_date < today] or open_items


def is_overdue(item: OpenItem, today: date) -> bool:
    """Overdue from the day after the due date, as the customer's *Total Overdue* counts it.

    >>> is_overdue(OpenItem(1, date(2026, 3, 15), "EUR", 10.0), date(2026, 3, 16))
    True
    >>> is_overdue(OpenItem(1, date(2026, 3, 16), "EUR", 10.0), date(2026, 3, 16))
    False
    """
    return item.due_date < today


def split_by_due(items: Iterable[OpenItem], today: date) -> tuple[list[OpenItem], list[OpenItem]]:
    """(overdue, coming due): the two parts of a reminder's invoice table, in the given order.

    >>> late, soon = OpenItem(1, date(2026, 3, 1), "EUR", 100.0), OpenItem(2, date(2026, 3, 18), "EUR", 40.0)
    >>> [[item.move_id for item in part] for part in split_by_due([soon, late], date(2026, 3, 16))]
    [[1], [2]]
    """
    overdue, coming = [], []
    for item in items:
        (overdue if is_overdue(item, today) else coming).append(item)
    return overdue, coming


def claimed_items(items: Iterable[OpenItem], today: date) -> list[OpenItem]:
    """What a reminder asks the customer to pay.

    Whatever is overdue (overdue credits deduct from it), so the amount claimed is the
    customer's overdue total; a reminder before the due date, with nothing overdue, names
    what comes due. Items not yet due are listed apart in the reminder, never claimed
    alongside overdue ones.

    >>> late, soon = OpenItem(1, date(2026, 3, 1), "EUR", 100.0), OpenItem(2, date(2026, 3, 18), "EUR", 40.0)
    >>> [item.move_id for item in claimed_items([late, soon], date(2026, 3, 16))]
    [1]
    >>> [item.move_id for item in claimed_items([soon], date(2026, 3, 16))]
    [2]
    """
    items = [item for item in items if item.residual and not item.excluded]
    overdue, _coming = split_by_due(items, today)
    if any(item.residual > 0 for item in overdue):
        return overdue
    return items
