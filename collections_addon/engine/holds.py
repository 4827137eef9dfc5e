"""One hold model: what keeps the follow-up away from a customer or some of its invoices, and until when.

Disputes, promises, agreements, protests at the notary, manual pauses, exclusions and customer replies
all hold reminders back the same way. A :class:`Hold` says what holds (``kind``, one of
:data:`HOLD_KINDS`), who put it, since and until when, what it covers (the whole customer, or some
invoices or receivable lines) and why. The engine decides whether a hold applies to an item today
(:func:`holds_applying`), when a person reviews it (:func:`review_date`) and which holds end today
(:func:`expiring`); the models keep the holds and their history.

>>> from dataclasses import replace
>>> from datetime import date
>>> reply = Hold("reply", since=date(2026, 3, 16), reason="Customer replied: paying on Friday")
>>> dispute = Hold("dispute", since=date(2026, 3, 2), who=7, move_ids={10}, reason="Wrong price")
>>> [hold.kind for hold in holds_applying([dispute, reply], 10, date(2026, 3, 16))]
['reply', 'dispute']
>>> [hold.kind for hold in holds_applying([dispute, reply], 11, date(2026, 3, 16))]
['reply']
>>> handled = replace(reply, lifted=date(2026, 3, 17))  # the collector marked the reply handled
>>> holds_applying([handled], 11, date(2026, 3, 17))
()
>>> exclusion = Hold("exclusion", since=date(2026, 3, 16), who=2, reason="In court")
>>> review_date(exclusion, 90, BusinessCalendar())  # 90 days later is a Sunday: the Monday after
datetime.date(2026, 6, 15)

Resuming never re-sends what was sent. A hold keeps no level of its own: while it applies the run leaves
its items alone, and each item keeps the level it reached (``OpenItem.reached_days``). Once the hold no
longer applies, :func:`~collections_addon.engine.followup.level_due_for_item` gives the highest level the
item has reached and not received yet: one step, the one the calendar has reached, never the levels that
passed during the hold one by one, and never again the one the customer already had.

>>> from datetime import timedelta
>>> from .followup import FollowupLevel, level_due_for_item
>>> from .open_items import OpenItem
>>> steps = [FollowupLevel(id=1, days=5), FollowupLevel(id=2, days=30), FollowupLevel(id=3, days=60)]
>>> due = date(2026, 1, 1)
>>> item = OpenItem(move_id=10, due_date=due, currency="EUR", residual=100.0, reached_days=5)
>>> level_due_for_item(steps, item, due + timedelta(days=70)).id  # the day after the hold ended
3
>>> level_due_for_item(steps, replace(item, reached_days=60), due + timedelta(days=71)) is None
True

How today's holds map onto hold kinds (the run still reads them as before; ``followup.py`` is unchanged):

================================================  ==========  ======================================
today                                             kind        covers
================================================  ==========  ======================================
``OpenItem.hold == "notary"`` (a protest in       protest     the protested receivable line
``NOTARY_HOLD_STATES``)
``OpenItem.hold == "agreement"``                  agreement   the agreement's invoices
``OpenItem.hold == "dispute"`` (open dispute)     dispute     the disputed invoices
``OpenItem.hold == "promise"`` (open, until its   promise     the promised invoices; until the
pause date)                                                   promise's ``pause_until``
``OpenItem.hold == "no_followup"`` (Odoo's flag)  exclusion   that receivable line
the customer's *Follow-up Paused Until*           pause       the whole customer; until that date
(decision reason ``paused``)
the customer's *Excluded from Follow-up* (and     exclusion   the whole customer; until that date,
*Excluded Until*; decision reason ``excluded``)               else reviewed every N days
(new) an inbound reply of the customer            reply       the whole customer; until handled
================================================  ==========  ======================================

>>> ITEM_HOLD_KINDS["notary"], CUSTOMER_HOLD_KINDS["paused"]
('protest', 'pause')

A reply waits for the collector, not for a date: while it holds, the customer is on the worklist.

>>> waits_for_person([reply, dispute]), waits_for_person([dispute])
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .bounds import HOLD_REVIEW_DAYS, REPLY_HOLD_DAYS
from .business_calendar import BusinessCalendar
from .open_items import OpenItem

# What holds, in the order the worklist names the hold when several apply: the customer-wide holds a person
# put by hand first (as the run checks "excluded" before "paused"), then a reply waiting for the collector,
# then the invoice holds in the order of open_items.HOLD_CODES (notary, agreement, dispute, promise).
HOLD_KINDS = ("exclusion", "pause", "reply", "protest", "agreement", "dispute", "promise")
# These are records about some invoices (a protest about one receivable line): they never hold a whole customer.
INVOICE_HOLD_KINDS = ("protest", "agreement", "dispute", "promise")
# Holds put by hand that may have no end date: they come back for a review every N days, so none is forgotten.
# The others end with their record (a reply is handled, a dispute resolved, an agreement and a protest closed).
REVIEWED_HOLD_KINDS = ("exclusion", "pause")
# Holds that wait for a person rather than for a date or a record: the customer's follow-up is held and the
# customer is "to contact" (on the worklist) until the collector handles it, so a reply is never missed.
WAITING_HOLD_KINDS = ("reply",)
# How often an exclusion or pause without an end date is reviewed when the company sets nothing: a quarter,
# often enough that a forgotten exclusion comes back, rarely enough not to nag about a lawsuit.
DEFAULT_HOLD_REVIEW_DAYS = 90

# The item holds of today (OpenItem.hold, one of open_items.HOLD_CODES) as hold kinds: a title at the notary
# is held by its protest; Odoo's own "no follow-up" flag on a receivable line excludes that line.
ITEM_HOLD_KINDS = {
    "notary": "protest",
    "agreement": "agreement",
    "dispute": "dispute",
    "promise": "promise",
    "no_followup": "exclusion",
}
# The customer-wide holds of today (followup.PartnerSituation), by the reason of the decision they give.
CUSTOMER_HOLD_KINDS = {"excluded": "exclusion", "paused": "pause"}

# Every day counts when no calendar is given: the hold ends on its own date.
_EVERY_DAY = BusinessCalendar(workdays=range(7))


def _check_day(value: object, what: str) -> None:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError(f"{what} must be a date, got {value!r}.")


def _ids(values: Iterable[int], what: str) -> frozenset[int]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ValueError(f"A hold's {what} must be a set of ids, got {values!r}.")
    ids = frozenset(values)
    wrong = [value for value in ids if isinstance(value, bool) or not isinstance(value, int) or value <= 0]
    if wrong:
        raise ValueError(f"A hold's {what} must be positive whole ids, got {sorted(map(repr, wrong))}.")
    return ids


@dataclass(frozen=True)
class Hold:
    """What holds reminders back: ``kind`` (one of HOLD_KINDS) since ``since``, until ``until`` included.

    ``until`` None: until lifted. ``who`` is the user who put the hold (None: nobody in particular, the
    run, the customer's reply or the portal). No ``move_ids`` nor ``line_ids``: the whole customer.
    ``lifted`` is the day a person or the record ended the hold (the reply handled, the dispute resolved,
    the exclusion unticked): it no longer applies from that day on.
    """

    kind: str
    since: date
    until: date | None = None
    who: int | None = None
    move_ids: frozenset[int] = frozenset()
    line_ids: frozenset[int] = frozenset()
    reason: str = ""
    lifted: date | None = None

    def __post_init__(self):
        if self.kind not in HOLD_KINDS:
            raise ValueError(f"Unknown hold kind {self.kind!r}: expected one of {HOLD_KINDS}.")
        _check_day(self.since, f"The start of a {self.kind} hold")
        for name, day in (("end", self.until), ("lifting day", self.lifted)):
            if day is not None:
                _check_day(day, f"The {name} of a {self.kind} hold")
                if day < self.since:
                    raise ValueError(
                        f"A {self.kind} hold cannot have its {name} ({day}) before its start ({self.since})."
                    )
        if self.who is not None and (isinstance(self.who, bool) or not isinstance(self.who, int) or self.who <= 0):
            raise ValueError(f"A hold's user must be a positive id or None, got {self.who!r}.")
        if not isinstance(self.reason, str):
            raise ValueError(f"A hold's reason must be text, got {type(self.reason).__name__}.")
        object.__setattr__(self, "move_ids", _ids(self.move_ids, "invoices"))
        object.__setattr__(self, "line_ids", _ids(self.line_ids, "receivable lines"))
        if self.kind in INVOICE_HOLD_KINDS and self.customer_wide:
            raise ValueError(f"A {self.kind} holds invoices, not a whole customer: give its invoices or lines.")

    @property
    def customer_wide(self) -> bool:
        return not self.move_ids and not self.line_ids

    def covers(self, item: OpenItem | int | None) -> bool:
        """Whether the hold covers ``item`` (an open item, an invoice id, or None: the customer as a whole).

        A hold of some receivable lines covers those lines' items, not their invoice as a whole.
        """
        if self.customer_wide:
            return True
        if isinstance(item, OpenItem):
            return item.move_id in self.move_ids or (item.line_id is not None and item.line_id in self.line_ids)
        return item is not None and item in self.move_ids

    def active_on(self, day: date) -> bool:
        """Whether the hold holds on ``day``: started, not past its end, not lifted."""
        if day < self.since or (self.until is not None and day > self.until):
            return False
        return self.lifted is None or day < self.lifted


def _check_holds(holds: Iterable[Hold]) -> list[Hold]:
    holds = list(holds)
    wrong = [hold for hold in holds if not isinstance(hold, Hold)]
    if wrong:
        raise ValueError(f"Expected Hold values, got {type(wrong[0]).__name__}.")
    return holds


def _ordered(holds: Iterable[Hold]) -> tuple[Hold, ...]:
    return tuple(sorted(holds, key=lambda hold: (HOLD_KINDS.index(hold.kind), hold.since)))


def holds_applying(holds: Iterable[Hold], item: OpenItem | int | None, today: date) -> tuple[Hold, ...]:
    """The holds that keep the follow-up away from ``item`` today, in the order of HOLD_KINDS.

    ``item`` is an open item, an invoice id, or None for the customer as a whole (its customer-wide holds
    only). A customer-wide hold applies to every item; an invoice's hold to its items; a hold no longer
    applies after its end date or from the day it was lifted (a reply: handled).

    >>> pause = Hold("pause", since=date(2026, 3, 2), until=date(2026, 3, 13), who=5, reason="On holiday")
    >>> holds_applying([pause], None, date(2026, 3, 13)) == (pause,), holds_applying([pause], None, date(2026, 3, 16))
    (True, ())
    """
    _check_day(today, "today")
    if isinstance(item, bool) or not isinstance(item, (OpenItem, int, type(None))):
        raise ValueError(f"Expected an open item, an invoice id or None, got {item!r}.")
    if isinstance(item, int) and item <= 0:
        raise ValueError(f"An invoice id is positive, got {item}.")
    return _ordered(hold for hold in _check_holds(holds) if hold.active_on(today) and hold.covers(item))


def item_hold_kind(item: OpenItem) -> str | None:
    """The kind of hold that keeps an open item out of the follow-up today, as the run reads it (None: not held).

    An item excluded without a hold code is held by Odoo's "no follow-up" flag: an exclusion.

    >>> item_hold_kind(OpenItem(1, date(2026, 3, 2), "EUR", 10.0, excluded=True, hold="notary"))
    'protest'
    >>> item_hold_kind(OpenItem(1, date(2026, 3, 2), "EUR", 10.0, excluded=True))
    'exclusion'
    """
    if not item.excluded:
        return None
    return ITEM_HOLD_KINDS[item.hold or "no_followup"]


def _review_day(day: date, calendar: BusinessCalendar) -> date:
    try:
        return calendar.add_business_days(day, 0)
    except OverflowError:
        raise ValueError(f"No business day follows {day} before the year 9999 ends.") from None


def review_date(
    hold: Hold,
    review_every_days: int = DEFAULT_HOLD_REVIEW_DAYS,
    calendar: BusinessCalendar = _EVERY_DAY,
    *,
    reviewed: date | None = None,
) -> date | None:
    """The day a person reviews ``hold``, on the company's next business day (None: nothing to review).

    A hold with an end date is reviewed on its end date (it resumes by itself; the review task tells the
    collector). An exclusion or pause without one every ``review_every_days`` days from its start, or from
    the last review (``reviewed``). Other holds without an end date end with their record; a lifted hold
    needs no review.

    >>> promise = Hold("promise", since=date(2026, 3, 2), until=date(2026, 3, 14), move_ids={4})
    >>> review_date(promise, calendar=BusinessCalendar())  # a Saturday: the Monday after
    datetime.date(2026, 3, 16)
    >>> exclusion = Hold("exclusion", since=date(2026, 3, 2), who=2)
    >>> review_date(exclusion, 30, BusinessCalendar(), reviewed=date(2026, 4, 1))
    datetime.date(2026, 5, 1)
    >>> review_date(Hold("reply", since=date(2026, 3, 2))) is None
    True
    """
    if not isinstance(hold, Hold):
        raise ValueError(f"Expected a Hold, got {type(hold).__name__}.")
    HOLD_REVIEW_DAYS.check(review_every_days, "The days between two reviews of a hold")
    if not isinstance(calendar, BusinessCalendar):
        raise ValueError(f"Expected a BusinessCalendar, got {type(calendar).__name__}.")
    if reviewed is not None:
        _check_day(reviewed, "The day of the last review")
        if reviewed < hold.since:
            raise ValueError(f"A hold cannot be reviewed ({reviewed}) before it started ({hold.since}).")
    if hold.lifted is not None:
        return None
    if hold.until is not None:
        return _review_day(hold.until, calendar)
    if hold.kind not in REVIEWED_HOLD_KINDS:
        return None
    try:
        next_review = (reviewed or hold.since) + timedelta(days=int(review_every_days))
    except OverflowError:
        raise ValueError(
            f"A review {review_every_days} days after {reviewed or hold.since} falls after 9999."
        ) from None
    return _review_day(next_review, calendar)


def expiring(holds: Iterable[Hold], today: date, calendar: BusinessCalendar = _EVERY_DAY) -> tuple[Hold, ...]:
    """The holds whose end date is reviewed today: their review task is due, and they resume by themselves.

    Without a calendar, the holds that end today. With the company's calendar, on a business day also
    those that ended since the last business day (a hold ending on a Saturday is reviewed on Monday).
    A hold lifted by today needs no review.

    >>> friday = Hold("pause", since=date(2026, 3, 2), until=date(2026, 3, 13), who=5)
    >>> saturday = Hold("exclusion", since=date(2026, 3, 2), until=date(2026, 3, 14), who=5)
    >>> [hold.until.day for hold in expiring([friday, saturday], date(2026, 3, 13))]
    [13]
    >>> [hold.until.day for hold in expiring([friday, saturday], date(2026, 3, 16), BusinessCalendar())]
    [14]
    """
    _check_day(today, "today")
    if not isinstance(calendar, BusinessCalendar):
        raise ValueError(f"Expected a BusinessCalendar, got {type(calendar).__name__}.")
    return _ordered(
        hold
        for hold in _check_holds(holds)
        if hold.until is not None
        and (hold.lifted is None or hold.lifted > today)
        and hold.until <= today
        and _review_day(hold.until, calendar) == today
    )


def waits_for_person(holds: Iterable[Hold]) -> bool:
    """Whether one of ``holds`` (those applying today) waits for a person (WAITING_HOLD_KINDS): the customer
    is to be contacted by the collector, not left resting until a date."""
    return any(hold.kind in WAITING_HOLD_KINDS for hold in _check_holds(holds))


def reply_hold_end(replied: date, hold_days: int = 0) -> date | None:
    """The last day a reply received on ``replied`` holds the customer when nobody marks it handled.

    ``hold_days`` is the company's setting: 0 holds until the collector handles the reply (None: no end date).
    The follow-up resumes by itself the day after; the collector's task stays until done.

    >>> reply_hold_end(date(2026, 3, 16), 7)
    datetime.date(2026, 3, 23)
    >>> reply_hold_end(date(2026, 3, 16)) is None
    True
    """
    _check_day(replied, "The day of a reply")
    REPLY_HOLD_DAYS.check(hold_days, "The days a reply holds the follow-up")
    return replied + timedelta(days=int(hold_days)) if hold_days else None


def customer_hold_days(holds: Iterable[Hold], today: date) -> tuple[bool, date | None]:
    """How the customer-wide holds applying ``today`` hold the customer as a whole: (excluded, paused until).

    An exclusion excludes; any other hold pauses until its end date, or today while it has none (it is read
    again each day, until lifted).

    >>> reply = Hold("reply", since=date(2026, 3, 16))
    >>> customer_hold_days([reply], date(2026, 3, 17))
    (False, datetime.date(2026, 3, 17))
    >>> customer_hold_days([Hold("exclusion", since=date(2026, 3, 2))], date(2026, 3, 17))
    (True, None)
    """
    _check_day(today, "today")
    holds = _check_holds(holds)
    pausing = [hold.until or today for hold in holds if hold.kind != "exclusion"]
    return any(hold.kind == "exclusion" for hold in holds), max(pausing, default=None)
