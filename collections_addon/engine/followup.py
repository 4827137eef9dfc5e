"""Which follow-up step each customer is due for today, and what it covers.

The model layer gathers plain values (levels, open items, the customer's
situation, the plan's contact rules and calendar) and calls
:func:`decide_partner`; this module never touches the database.

>>> from datetime import date
>>> levels = [FollowupLevel(id=1, days=-3), FollowupLevel(id=2, days=5), FollowupLevel(id=3, days=30)]
>>> item = OpenItem(move_id=10, due_date=date(2026, 11, 10), currency="EUR", residual=100.0)
>>> level_due_for_item(levels, item, date(2026, 11, 16)).id
2
>>> decision = decide_partner(
...     today=date(2026, 11, 16), levels=levels, items=[item],
...     situation=PartnerSituation(partner_id=7, contact_points=frozenset({"email"})),
... )
>>> decision.action, decision.level.id, decision.move_ids, decision.next_date
('contact', 2, (10,), datetime.date(2026, 12, 10))
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise

from .bounds import AMOUNT, CONTACT_GAP_DAYS
from .business_calendar import BusinessCalendar

CHANNELS = ("email", "sms", "whatsapp", "letter", "call")
# The contact history also records what is not a contact with the customer: a promise to pay that
# was broken, and a task the run gave the collector for a step done by hand (negotiation, protest).
HISTORY_CHANNELS = (*CHANNELS, "promise", "task")
# Only these count as contacts for the minimum gap between contacts.
CONTACT_CHANNELS = CHANNELS

# Why an open item is kept out of the follow-up, in the order that names the customer's status when
# everything it owes late is held: at the notary, in an agreement waiting or running, disputed,
# promised, or marked "no follow-up" by hand (Odoo's own flag, which says nothing more than overdue).
HOLD_CODES = ("notary", "agreement", "dispute", "promise", "no_followup")
_HOLD_STATUS = {
    "notary": "notary",
    "agreement": "agreement",
    "dispute": "disputed",
    "promise": "promised",
    "no_followup": "overdue",
}
# The customer's collection status: what is going on, never "up to date" while something is overdue.
STATUSES = ("ok", "overdue", "to_contact", "promised", "agreement", "disputed", "notary", "paused", "excluded")
# Work waiting for a person (an open task of the follow-up): the customer stays on the worklist.
TASK_CODES = ("call", "failed_contact", "broken_promise", "manual_step")

# Channels a collector acts on by hand: they need no contact point on file.
_MANUAL_CHANNELS = frozenset({"call"})

DEFAULT_CALENDAR = BusinessCalendar()


@dataclass(frozen=True)
class FollowupLevel:
    """One step of a plan. ``days`` count from the due date (negative = before it)."""

    id: int
    days: int
    min_amount: float = 0.0
    channels: tuple[str, ...] = ("email",)
    auto_execute: bool = True

    def __post_init__(self):
        if self.min_amount < AMOUNT.minimum:
            raise ValueError(f"Level {self.id}: the minimum amount cannot be negative.")
        unknown = set(self.channels) - set(CHANNELS)
        if unknown:
            raise ValueError(f"Level {self.id}: unknown channel(s) {sorted(unknown)}.")


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


@dataclass(frozen=True)
class PartnerSituation:
    partner_id: int
    excluded: bool = False
    paused_until: date | None = None
    last_contact: date | None = None
    # Channels the customer can be reached on ("email" when an address is on file, ...).
    contact_points: frozenset[str] = frozenset(CHANNELS)
    # An agreement of the customer is proposed, waiting or running: its status says so when nothing is late.
    agreement_running: bool = False
    # Open tasks of the follow-up (TASK_CODES): a person has something to do for this customer.
    open_tasks: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ContactRules:
    """Harassment guard: at most one contact per ``min_gap_business_days`` business days."""

    min_gap_business_days: int = 3
    calendar: BusinessCalendar = DEFAULT_CALENDAR

    def __post_init__(self):
        if self.min_gap_business_days < CONTACT_GAP_DAYS.minimum:
            raise ValueError("The minimum gap between contacts cannot be negative.")

    @classmethod
    def unrestricted(cls) -> ContactRules:
        """For a collector who decided to contact now: any day, whatever the last contact."""
        return cls(min_gap_business_days=0, calendar=BusinessCalendar(workdays=range(7)))


@dataclass(frozen=True)
class PartnerDecision:
    """What the run does for one customer today.

    ``action`` is ``contact`` (act on ``channels``), ``skip`` (something is due
    but a rule holds it back: see ``reason``) or ``none`` (nothing due).
    ``status`` is the customer's collection status after the decision.
    """

    partner_id: int
    action: str
    reason: str
    status: str
    level: FollowupLevel | None = None
    move_ids: tuple[int, ...] = ()
    # The level each covered item receives with this step, by ``OpenItem.key``.
    item_levels: Mapping[int, int] = field(default_factory=dict)
    # Invoices that reach ``level`` with this step: an earlier contact covering all of them means
    # the step already went out; one that does not (a later invoice) means this is a new step.
    newly_due_move_ids: frozenset[int] = frozenset()
    totals: tuple[tuple[str | int, float], ...] = ()
    total_company: float = 0.0
    # What the reminder asks the customer to pay (see :func:`claimed_items`), in company currency,
    # and the invoices it names: the overdue ones, or before the due date those coming due.
    claimed_company: float = 0.0
    claimed_move_ids: tuple[int, ...] = ()
    max_days_late: int = 0
    next_date: date | None = None
    channels: tuple[str, ...] = ()
    missing_channels: tuple[str, ...] = ()
    # The status once nothing is left to do today (overdue, promised, in agreement, ...).
    resting_status: str = "ok"
    open_tasks: frozenset[str] = frozenset()

    @property
    def auto_execute(self) -> bool:
        return bool(self.level and self.level.auto_execute)

    @property
    def status_when_done(self) -> str:
        """The status once every channel of the step was queued: a call still needs the collector.

        A step that went out fixes the failed contact it retried; other open tasks still wait.
        """
        if "call" in self.channels or self.open_tasks - {"failed_contact"}:
            return "to_contact"
        return self.resting_status


REASONS = {
    "due": "a follow-up step is due",
    "nothing_due": "no invoice reached a new level",
    "no_open_items": "no open receivable",
    "excluded": "customer excluded from follow-up",
    "paused": "follow-up paused",
    "not_business_day": "today is not a business day of the plan's calendar",
    "contact_gap": "contacted too recently (minimum gap between contacts)",
    "below_minimum": "amount covered by the step under the level minimum",
    "covered_by_credit": "open credits cover what the step would claim",
}


def is_excluded(today: date, excluded: bool, excluded_until: date | None = None) -> bool:
    """Whether an exclusion holds today (no end date: until it is lifted).

    >>> is_excluded(date(2026, 3, 16), True, date(2026, 3, 16)), is_excluded(date(2026, 3, 17), True, date(2026, 3, 16))
    (True, False)
    """
    return bool(excluded) and (excluded_until is None or excluded_until >= today)


def on_hold(today: date, paused_until: date | None, excluded: bool, excluded_until: date | None = None) -> bool:
    """Whether contacts wait today: the customer is paused (until that day included) or excluded.

    >>> on_hold(date(2026, 3, 16), date(2026, 3, 16), False), on_hold(date(2026, 3, 17), date(2026, 3, 16), False)
    (True, False)
    """
    return (paused_until is not None and paused_until >= today) or is_excluded(today, excluded, excluded_until)


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
    """(overdue, coming due): the two parts of a reminder's invoice table, in the given order."""
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


def sorted_levels(levels: Iterable[FollowupLevel]) -> list[FollowupLevel]:
    ordered = sorted(levels, key=lambda level: level.days)
    for previous, current in pairwise(ordered):
        if previous.days == current.days:
            raise ValueError(f"Two levels of a plan have the same days ({current.days}); each step needs its own day.")
    return ordered


def level_due_for_item(levels: Sequence[FollowupLevel], item: OpenItem, today: date) -> FollowupLevel | None:
    """The highest level whose days the item has reached and that it has not received yet.

    A step before the due date (negative days) is a reminder that the invoice *will* fall due:
    once the due date is reached it is never sent.

    >>> pre, first = FollowupLevel(id=1, days=-3), FollowupLevel(id=2, days=5)
    >>> late = OpenItem(move_id=1, due_date=date(2026, 3, 14), currency="EUR", residual=10.0)
    >>> level_due_for_item([pre, first], late, date(2026, 3, 16)) is None
    True
    """
    if item.excluded or item.residual <= 0:
        return None
    age = (today - item.due_date).days
    reached = None
    for level in sorted_levels(levels):
        if level.days <= age:
            reached = level
        else:
            break
    if reached is None or (reached.days < 0 <= age):
        return None
    if item.reached_days is not None and reached.days <= item.reached_days:
        return None
    return reached


def _next_level_date(
    levels: Sequence[FollowupLevel], item: OpenItem, reached_days: int | None, today: date
) -> date | None:
    for level in levels:
        if level.days < 0 and today >= item.due_date:
            continue  # a pre-due reminder never goes out once the invoice is due
        if reached_days is None or level.days > reached_days:
            return item.due_date + timedelta(days=level.days)
    return None


def resting_status(today: date, items: Iterable[OpenItem], agreement_running: bool = False) -> str:
    """What the customer's status says when no step is due: overdue, or why its late items are held.

    Late debt never reads "up to date": when everything late is held, the hold names the status.

    >>> late = OpenItem(move_id=1, due_date=date(2026, 3, 2), currency="EUR", residual=10.0)
    >>> resting_status(date(2026, 3, 16), [late])
    'overdue'
    >>> promised = OpenItem(move_id=1, due_date=date(2026, 3, 2), currency="EUR", residual=10.0,
    ...                     excluded=True, hold="promise")
    >>> resting_status(date(2026, 3, 16), [promised])
    'promised'
    >>> resting_status(date(2026, 3, 16), [], agreement_running=True)
    'agreement'
    """
    late = [item for item in items if item.residual > 0 and item.due_date < today]
    if any(not item.excluded for item in late):
        return "overdue"
    holds = {item.hold or "no_followup" for item in late}
    for code in HOLD_CODES:
        if code in holds:
            return _HOLD_STATUS[code]
    return "agreement" if agreement_running else "ok"


def _round(amount: float, digits: int) -> float:
    return round(amount, digits) + 0.0  # + 0.0 turns -0.0 into 0.0


def decide_partner(
    *,
    today: date,
    levels: Iterable[FollowupLevel],
    items: Iterable[OpenItem],
    situation: PartnerSituation,
    rules: ContactRules | None = None,
    currency_digits: Mapping[str | int, int] | None = None,
    company_digits: int = 2,
) -> PartnerDecision:
    rules = rules or ContactRules()
    calendar = rules.calendar
    currency_digits = currency_digits or {}
    levels = sorted_levels(levels)
    items = [item for item in items if item.residual]
    partner_id = situation.partner_id

    if not items:
        return PartnerDecision(partner_id, "none", "no_open_items", "ok")
    # Credits (credit notes, unapplied payments) never reach a level but reduce what is claimed.
    credits = [item for item in items if item.residual < 0 and not item.excluded]
    active = [item for item in items if item.residual > 0 and not item.excluded]
    overdue = [item for item in active if item.due_date < today]
    max_days_late = max(((today - item.due_date).days for item in overdue), default=0)
    first_days = levels[0].days if levels else None
    # Everything overdue is listed with the step, even below the first level's days (a plan may start
    # later than the day after the due date): the reminder claims the customer's whole overdue total.
    in_window = [
        item
        for item in active
        if first_days is not None and ((today - item.due_date).days >= first_days or is_overdue(item, today))
    ]
    covered = sorted(
        in_window + (credits if in_window else []), key=lambda item: (item.due_date, item.move_id, item.key)
    )
    due_levels = {item.key: level_due_for_item(levels, item, today) for item in covered}
    due_levels = {key: level for key, level in due_levels.items() if level}
    partner_level = max(due_levels.values(), key=lambda level: level.days, default=None)

    totals: dict[str | int, float] = {}
    for item in covered:
        totals[item.currency] = totals.get(item.currency, 0.0) + item.residual
    rounded_totals = tuple(
        (currency, _round(amount, currency_digits.get(currency, 2))) for currency, amount in totals.items()
    )
    total_company = _round(math.fsum(item.company_amount for item in covered), company_digits)
    claimed = claimed_items(covered, today)
    claimed_company = _round(math.fsum(item.company_amount for item in claimed), company_digits)
    claimed_move_ids = tuple(dict.fromkeys(item.move_id for item in claimed))

    def next_date_after(contact_day: date | None, assume_received: bool) -> date | None:
        candidates = []
        for item in active:
            reached = item.reached_days
            if assume_received and item.key in due_levels:
                reached = due_levels[item.key].days
            candidate = _next_level_date(levels, item, reached, today)
            if candidate:
                candidates.append(candidate)
        if not candidates:
            return None
        earliest = min(candidates)
        if contact_day is not None:
            earliest = max(earliest, calendar.add_business_days(contact_day, rules.min_gap_business_days))
        return calendar.add_business_days(max(earliest, today), 0)

    resting = resting_status(today, items, situation.agreement_running)
    common = {
        "max_days_late": max_days_late,
        "totals": rounded_totals,
        "total_company": total_company,
        "resting_status": resting,
        "open_tasks": situation.open_tasks,
        "claimed_company": claimed_company,
        "claimed_move_ids": claimed_move_ids,
    }
    # Open tasks keep the customer on the worklist whatever the day: the work is waiting for a person.
    status_waiting = "to_contact" if situation.open_tasks else resting

    if situation.excluded:
        return PartnerDecision(partner_id, "skip" if partner_level else "none", "excluded", "excluded", **common)
    if situation.paused_until and situation.paused_until >= today:
        return PartnerDecision(
            partner_id,
            "skip" if partner_level else "none",
            "paused",
            "paused",
            next_date=calendar.add_business_days(situation.paused_until + timedelta(days=1), 0),
            **common,
        )
    if partner_level is None:
        return PartnerDecision(
            partner_id,
            "none",
            "nothing_due",
            status_waiting,
            next_date=next_date_after(situation.last_contact, assume_received=False),
            **common,
        )

    move_ids = tuple(dict.fromkeys(item.move_id for item in covered))
    item_levels = {key: level.id for key, level in due_levels.items()}
    newly_due = frozenset(item.move_id for item in covered if item_levels.get(item.key) == partner_level.id)
    decision_base = {
        "level": partner_level,
        "move_ids": move_ids,
        "item_levels": item_levels,
        "newly_due_move_ids": newly_due,
        **common,
    }

    allowed = today
    if situation.last_contact is not None and rules.min_gap_business_days:
        allowed = calendar.add_business_days(situation.last_contact, rules.min_gap_business_days)
    if not calendar.is_business_day(today):
        return PartnerDecision(
            partner_id,
            "skip",
            "not_business_day",
            status_waiting,
            next_date=max(calendar.next_business_day(today), allowed),
            **decision_base,
        )
    if allowed > today:
        return PartnerDecision(partner_id, "skip", "contact_gap", status_waiting, next_date=allowed, **decision_base)
    if total_company <= 0:
        return PartnerDecision(partner_id, "skip", "covered_by_credit", "ok", next_date=None, **decision_base)
    if total_company < partner_level.min_amount:
        return PartnerDecision(
            partner_id,
            "skip",
            "below_minimum",
            status_waiting,
            next_date=next_date_after(situation.last_contact, assume_received=True),
            **decision_base,
        )

    channels = tuple(channel for channel in CHANNELS if channel in partner_level.channels)
    missing = tuple(
        channel for channel in channels if channel not in _MANUAL_CHANNELS and channel not in situation.contact_points
    )
    needs_collector = missing or not partner_level.auto_execute or "call" in channels
    return PartnerDecision(
        partner_id,
        "contact",
        "due",
        "to_contact" if needs_collector else status_waiting,
        channels=channels,
        missing_channels=missing,
        next_date=next_date_after(today, assume_received=True),
        **decision_base,
    )
