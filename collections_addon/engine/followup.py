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
from .customer_status import TO_CONTACT, resting_status
from .open_items import OpenItem, claimed_items, is_overdue

CHANNELS = ("email", "sms", "whatsapp", "letter", "call")
# The contact history also records what is not a contact with the customer: a promise to pay that
# was broken, and a task the run gave the collector for a step done by hand (negotiation, protest).
HISTORY_CHANNELS = (*CHANNELS, "promise", "task")
# Only these count as contacts for the minimum gap between contacts.
CONTACT_CHANNELS = CHANNELS
# An entry in these states never reached the customer: it counts neither as a contact nor as a step done.
UNSENT_STATES = ("failed", "cancelled")

# Channels a collector acts on by hand: they need no contact point on file.
_MANUAL_CHANNELS = frozenset({"call"})
# Channels that need no contact point of the customer's: a letter goes to the address on the invoice.
_ALWAYS_REACHABLE = frozenset({"letter"})

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
    # Incoming payments of the customer not matched to any invoice yet (payments and bank statement lines,
    # not credit notes), in company currency: the books may say "overdue" for money already received.
    unmatched_payments: float = 0.0


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
            return TO_CONTACT
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
    "unmatched_payment": "an incoming payment of the customer is not reconciled yet",
}


def awaits_reconciliation(unmatched_payments: float, company_digits: int = 2) -> bool:
    """Whether unmatched incoming payments hold the customer's reminders back until someone reconciles them.

    A payment registered but not matched to its invoice leaves the invoice open in the books: reminding would
    chase a customer who paid. Credit notes are not payments: they are netted against the claim instead.
    Amounts are compared at the company currency's precision (a rounding residue holds nothing back).

    >>> awaits_reconciliation(0.0), awaits_reconciliation(0.004), awaits_reconciliation(50.0)
    (False, False, True)
    """
    return round(unmatched_payments, company_digits) > 0


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


def contact_points(*, email: bool, mobile: bool) -> frozenset[str]:
    """The channels a customer can be reached on: an e-mail address that did not opt out, a valid
    mobile number that did not opt out (SMS and WhatsApp); a letter always goes.

    >>> sorted(contact_points(email=True, mobile=False))
    ['email', 'letter']
    >>> sorted(contact_points(email=False, mobile=True))
    ['letter', 'sms', 'whatsapp']
    """
    points = set(_ALWAYS_REACHABLE)
    if email:
        points.add("email")
    if mobile:
        points.update(("sms", "whatsapp"))
    return frozenset(points)


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


def _round(amount: float, digits: int) -> float:
    return round(amount, digits) + 0.0  # + 0.0 turns -0.0 into 0.0


@dataclass(frozen=True)
class _Review:
    """What :func:`decide_partner` works out of the open items before applying the contact rules."""

    today: date
    levels: list[FollowupLevel]
    active: list[OpenItem]
    covered: list[OpenItem]
    # The level each covered item is due for, by ``OpenItem.key``; the customer's step is the highest.
    due_levels: dict[int, FollowupLevel]
    level: FollowupLevel | None
    # The values every decision of the customer carries (totals, claimed amount, resting status...).
    common: dict
    # The status while the step waits: open tasks keep the customer on the worklist whatever the day.
    status_waiting: str
    company_digits: int = 2

    @property
    def total_company(self) -> float:
        return self.common["total_company"]


def _covered_items(levels: list[FollowupLevel], items: list[OpenItem], today: date) -> list[OpenItem]:
    """The items a step lists: every overdue item, those in the plan's window, and then the credits.

    Everything overdue is listed with the step, even below the first level's days (a plan may start
    later than the day after the due date): the reminder claims the customer's whole overdue total.
    Credits (credit notes, unapplied payments) never reach a level but reduce what is claimed.
    """
    if not levels:
        return []
    first_days = levels[0].days
    in_window = [
        item
        for item in items
        if item.residual > 0
        and not item.excluded
        and ((today - item.due_date).days >= first_days or is_overdue(item, today))
    ]
    credits = [item for item in items if item.residual < 0 and not item.excluded] if in_window else []
    return sorted(in_window + credits, key=lambda item: (item.due_date, item.move_id, item.key))


def _amounts(covered: list[OpenItem], today: date, currency_digits: Mapping, company_digits: int) -> dict:
    """Totals by currency and in company currency, and what the reminder claims."""
    totals: dict[str | int, float] = {}
    for item in covered:
        totals[item.currency] = totals.get(item.currency, 0.0) + item.residual
    claimed = claimed_items(covered, today)
    return {
        "totals": tuple(
            (currency, _round(amount, currency_digits.get(currency, 2))) for currency, amount in totals.items()
        ),
        "total_company": _round(math.fsum(item.company_amount for item in covered), company_digits),
        "claimed_company": _round(math.fsum(item.company_amount for item in claimed), company_digits),
        "claimed_move_ids": tuple(dict.fromkeys(item.move_id for item in claimed)),
    }


def _capped(level: FollowupLevel, cap: FollowupLevel | None) -> FollowupLevel:
    """A catch-up start (``engine/catch_up.py``): no item receives a level above it with this step."""
    return cap if cap is not None and level.days > cap.days else level


def _review(
    today: date,
    levels: list[FollowupLevel],
    items: list[OpenItem],
    situation: PartnerSituation,
    currency_digits: Mapping,
    company_digits: int,
    cap: FollowupLevel | None = None,
) -> _Review:
    active = [item for item in items if item.residual > 0 and not item.excluded]
    covered = _covered_items(levels, items, today)
    due_levels = {item.key: level_due_for_item(levels, item, today) for item in covered}
    due_levels = {key: _capped(level, cap) for key, level in due_levels.items() if level}
    resting = resting_status(today, items, situation.agreement_running)
    common = {
        "max_days_late": max(((today - item.due_date).days for item in active if item.due_date < today), default=0),
        "resting_status": resting,
        "open_tasks": situation.open_tasks,
        **_amounts(covered, today, currency_digits, company_digits),
    }
    return _Review(
        today=today,
        levels=levels,
        active=active,
        covered=covered,
        due_levels=due_levels,
        level=max(due_levels.values(), key=lambda level: level.days, default=None),
        common=common,
        status_waiting=TO_CONTACT if situation.open_tasks else resting,
        company_digits=company_digits,
    )


def _next_date(review: _Review, rules: ContactRules, contact_day: date | None, assume_received: bool) -> date | None:
    """The first day a level falls due (after the step, when ``assume_received``), past the contact gap."""
    candidates = []
    for item in review.active:
        reached = item.reached_days
        if assume_received and item.key in review.due_levels:
            reached = review.due_levels[item.key].days
        candidate = _next_level_date(review.levels, item, reached, review.today)
        if candidate:
            candidates.append(candidate)
    if not candidates:
        return None
    earliest = min(candidates)
    if contact_day is not None:
        earliest = max(earliest, rules.calendar.add_business_days(contact_day, rules.min_gap_business_days))
    return rules.calendar.add_business_days(max(earliest, review.today), 0)


def _without_step(review: _Review, situation: PartnerSituation, rules: ContactRules) -> PartnerDecision | None:
    """The decision when the customer is excluded or paused, or no step is due: else None."""
    partner_id, common = situation.partner_id, review.common
    held_action = "skip" if review.level else "none"
    if situation.excluded:
        return PartnerDecision(partner_id, held_action, "excluded", "excluded", **common)
    if situation.paused_until and situation.paused_until >= review.today:
        resume = rules.calendar.add_business_days(situation.paused_until + timedelta(days=1), 0)
        return PartnerDecision(partner_id, held_action, "paused", "paused", next_date=resume, **common)
    if review.level is None:
        next_date = _next_date(review, rules, situation.last_contact, assume_received=False)
        return PartnerDecision(partner_id, "none", "nothing_due", review.status_waiting, next_date=next_date, **common)
    return None


def _step_values(review: _Review) -> dict:
    """The values of a decision about the customer's step: its level and the invoices it covers."""
    item_levels = {key: level.id for key, level in review.due_levels.items()}
    return {
        "level": review.level,
        "move_ids": tuple(dict.fromkeys(item.move_id for item in review.covered)),
        "item_levels": item_levels,
        "newly_due_move_ids": frozenset(
            item.move_id for item in review.covered if item_levels.get(item.key) == review.level.id
        ),
        **review.common,
    }


def _held_back(review: _Review, situation: PartnerSituation, rules: ContactRules, step: dict) -> PartnerDecision | None:
    """The decision when a rule holds the due step back today (calendar, gap, credits, minimum): else None."""
    partner_id, today, calendar = situation.partner_id, review.today, rules.calendar
    allowed = today
    if situation.last_contact is not None and rules.min_gap_business_days:
        allowed = calendar.add_business_days(situation.last_contact, rules.min_gap_business_days)
    if not calendar.is_business_day(today):
        next_date = max(calendar.next_business_day(today), allowed)
        return PartnerDecision(
            partner_id, "skip", "not_business_day", review.status_waiting, next_date=next_date, **step
        )
    if allowed > today:
        return PartnerDecision(partner_id, "skip", "contact_gap", review.status_waiting, next_date=allowed, **step)
    if awaits_reconciliation(situation.unmatched_payments, review.company_digits):
        # Someone must match the payment first: the collector's task keeps the customer on today's worklist.
        return PartnerDecision(partner_id, "skip", "unmatched_payment", TO_CONTACT, next_date=today, **step)
    if review.total_company <= 0:
        return PartnerDecision(partner_id, "skip", "covered_by_credit", "ok", next_date=None, **step)
    if review.total_company < review.level.min_amount:
        next_date = _next_date(review, rules, situation.last_contact, assume_received=True)
        return PartnerDecision(partner_id, "skip", "below_minimum", review.status_waiting, next_date=next_date, **step)
    return None


def _contact(review: _Review, situation: PartnerSituation, rules: ContactRules, step: dict) -> PartnerDecision:
    """The step goes out today on the level's channels; those without a contact point are missing."""
    level = review.level
    channels = tuple(channel for channel in CHANNELS if channel in level.channels)
    missing = tuple(
        channel for channel in channels if channel not in _MANUAL_CHANNELS and channel not in situation.contact_points
    )
    needs_collector = missing or not level.auto_execute or "call" in channels
    return PartnerDecision(
        situation.partner_id,
        "contact",
        "due",
        TO_CONTACT if needs_collector else review.status_waiting,
        channels=channels,
        missing_channels=missing,
        next_date=_next_date(review, rules, review.today, assume_received=True),
        **step,
    )


def decide_partner(
    *,
    today: date,
    levels: Iterable[FollowupLevel],
    items: Iterable[OpenItem],
    situation: PartnerSituation,
    rules: ContactRules | None = None,
    currency_digits: Mapping[str | int, int] | None = None,
    company_digits: int = 2,
    catch_up_level: FollowupLevel | None = None,
) -> PartnerDecision:
    """What the run does for one customer today (see :class:`PartnerDecision`).

    ``catch_up_level`` is the start of a catch-up (``CatchUp.start_level``): no item gets a level above it.

    In order: no open items; excluded, paused or nothing due; a due step held back by the plan's
    calendar, the contact gap, unmatched incoming payments, open credits or the level's minimum; else the
    step goes out.

    >>> from datetime import date
    >>> late = OpenItem(move_id=1, due_date=date(2026, 3, 2), currency="EUR", residual=100.0)
    >>> paid = PartnerSituation(partner_id=7, unmatched_payments=100.0)
    >>> held = decide_partner(today=date(2026, 3, 16), levels=[FollowupLevel(id=2, days=5)], items=[late],
    ...                       situation=paid)
    >>> held.action, held.reason, held.status
    ('skip', 'unmatched_payment', 'to_contact')
    """
    rules = rules or ContactRules()
    items = [item for item in items if item.residual]
    if not items:
        return PartnerDecision(situation.partner_id, "none", "no_open_items", "ok")
    review = _review(
        today, sorted_levels(levels), items, situation, currency_digits or {}, company_digits, catch_up_level
    )
    decision = _without_step(review, situation, rules)
    if decision is None:
        step = _step_values(review)
        decision = _held_back(review, situation, rules, step) or _contact(review, situation, rules, step)
    return decision
