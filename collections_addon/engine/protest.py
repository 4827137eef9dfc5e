"""Notary protest: the legal window, the lifecycle and what may be protested.

Brazilian law (Lei 9.492/97) gives the debtor three business days after the
title is protocolled at the notary to pay; the day of the protocol is not
counted and a day without normal bank hours is not a business day. Some states
count from the debtor's notification instead, and one counts calendar days.
All of it is a :class:`ProtestRule`, never a constant in the code.

>>> from datetime import date
>>> from .business_calendar import BusinessCalendar
>>> bank_days = BusinessCalendar(holidays={date(2026, 4, 21)})
>>> protest_deadline(ProtestRule(), bank_days, protocol_date=date(2026, 4, 17))  # Friday; Tuesday 21 is a holiday
datetime.date(2026, 4, 23)
>>> step_problem("withdraw", "notified", date(2026, 4, 24), today=date(2026, 4, 24),
...              dates=ProtestDates(sent=date(2026, 4, 16), protocol=date(2026, 4, 17)),
...              deadline=date(2026, 4, 23))
'window_closed'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .bounds import PROTEST_WINDOW_DAYS
from .business_calendar import BusinessCalendar
from .states import StateMachine

PROTEST_STATES = (
    "draft",
    "sent",
    "protocolled",
    "notified",
    "paid",
    "withdrawn",
    "suspended",
    "protested",
    "settled",
    "cancelled",
)
# A receivable has at most one protest in these states: the title is at the notary or on its way.
OPEN_STATES = frozenset({"draft", "sent", "protocolled", "notified", "suspended", "protested", "settled"})
# The debtor's window to pay at the notary runs in these states.
WINDOW_STATES = frozenset({"sent", "protocolled", "notified"})
FINAL_STATES = frozenset({"paid", "withdrawn", "cancelled"})
# The title is at the notary (or suspended there by a court): the customer's status says so and the invoice page
# offers no promise or dispute.
AT_NOTARY_STATES = WINDOW_STATES | {"suspended"}
# The invoice behind the title cannot be reset or cancelled while its protest is in one of these states.
TITLE_LOCKED_STATES = AT_NOTARY_STATES | {"protested"}
# The last day to pay is known (and reminded of) in these states.
DEADLINE_STATES = frozenset({"protocolled", "notified"})
# The daily job follows protests in these states, and settled ones still waiting for their release letter.
DAILY_STATES = WINDOW_STATES | {"protested"}
# Reaching one of these states answers the protest's open tasks (the last day to pay, an invoice paid meanwhile).
TASK_CLOSING_STATES = frozenset({"paid", "withdrawn", "cancelled", "settled", "protested"})
# Reaching one of these states may change whether the customer counts as protested (the sales warning).
PROTESTED_FLAG_STATES = frozenset({"protested", "settled", "cancelled"})
START_EVENTS = ("protocol", "notification")
SEND_MEANS = ("bank", "center", "in_person")
# Who paid a fee to the notary: the creditor's fees may be re-billed to the debtor.
COST_PAYERS = ("creditor", "debtor")

# The columns of the protest board: the way to the notary and back, then the endings.
BOARD_STATES = (
    "draft",
    "sent",
    "protocolled",
    "notified",
    "suspended",
    "protested",
    "settled",
    "paid",
    "withdrawn",
    "cancelled",
)
# How pressing the last day to pay is; see deadline_urgency.
URGENCY_CODES = ("later", "soon", "today", "late")
# "soon": this many days or fewer are left.
SOON_DAYS = 2

# The lifecycle, one table like every other state machine of the engine (engine/states.py).
PROTEST_STEPS = StateMachine(
    PROTEST_STATES,
    {
        "send": ({"draft"}, "sent"),
        "protocol": ({"sent"}, "protocolled"),
        "notify": ({"protocolled"}, "notified"),
        "pay": ({"protocolled", "notified"}, "paid"),
        "withdraw": ({"sent", "protocolled", "notified", "suspended"}, "withdrawn"),
        "suspend": ({"protocolled", "notified"}, "suspended"),
        "protest": ({"notified", "suspended"}, "protested"),
        "settle": ({"protested"}, "settled"),
        "cancel": ({"draft", "settled"}, "cancelled"),
    },
)
# action: (states it starts from, state it leads to)
TRANSITIONS = PROTEST_STEPS.transitions
PROTEST_ACTIONS = tuple(TRANSITIONS)

# Why an invoice cannot be protested, in the order they are checked.
ELIGIBILITY_CODES = (
    "not_invoice",
    "draft",
    # Before "paid": an agreement settles its invoices with its own entry, which is not a payment.
    "negotiation",
    "paid",
    "not_due",
    "disputed",
    "promise",
    "open_protest",
)

# A rule of more than a month is a typo, not a state law.
MAX_WINDOW_DAYS = PROTEST_WINDOW_DAYS.maximum
# Bank holidays are read this many days beyond twice the window: any window of up to a month, whatever the weekends.
HOLIDAY_MARGIN_DAYS = 60


@dataclass(frozen=True)
class ProtestRule:
    """When the debtor's window starts, how long it is and whether only business days count."""

    start: str = "protocol"
    days: int = 3
    business_days: bool = True

    def __post_init__(self):
        if self.start not in START_EVENTS:
            raise ValueError(f"The window starts at the protocol or the notification, not {self.start!r}.")
        if isinstance(self.days, bool) or not isinstance(self.days, int):
            raise ValueError(f"The window lasts a whole number of days, got {self.days!r}.")
        if PROTEST_WINDOW_DAYS.problem(self.days):
            raise ValueError(f"The window lasts {PROTEST_WINDOW_DAYS} days, got {self.days}.")


@dataclass(frozen=True)
class ProtestDates:
    """The dates recorded so far on a protest; None while the step has not happened."""

    sent: date | None = None
    protocol: date | None = None
    notification: date | None = None
    protest: date | None = None
    settlement: date | None = None
    release_letter: date | None = None


def window_start(rule: ProtestRule, protocol_date: date | None, notification_date: date | None) -> date | None:
    """The day the debtor's window starts (never counted itself): the protocol or the notification, by the rule.

    >>> window_start(ProtestRule(start="notification"), date(2026, 3, 5), None) is None
    True
    >>> window_start(ProtestRule(), date(2026, 3, 5), date(2026, 3, 6))
    datetime.date(2026, 3, 5)
    """
    return protocol_date if rule.start == "protocol" else notification_date


def protest_deadline(
    rule: ProtestRule,
    calendar: BusinessCalendar,
    protocol_date: date | None,
    notification_date: date | None = None,
) -> date | None:
    """The last day the debtor may pay at the notary (and the creditor may withdraw).

    The start day is never counted. With business days, the window is the
    next ``days`` business days of ``calendar``; with calendar days it ends
    ``days`` later, moved to the next business day when the notary is closed
    then. None while the start event has not happened.

    >>> from .business_calendar import BusinessCalendar
    >>> weekdays = BusinessCalendar()
    >>> protest_deadline(ProtestRule(), weekdays, date(2026, 3, 7))  # Saturday: Mon, Tue, Wed
    datetime.date(2026, 3, 11)
    >>> protest_deadline(ProtestRule(business_days=False), weekdays, date(2026, 3, 4))  # Wed + 3 = Sat -> Mon
    datetime.date(2026, 3, 9)
    >>> protest_deadline(ProtestRule(start="notification"), weekdays, date(2026, 3, 2)) is None
    True
    """
    start = window_start(rule, protocol_date, notification_date)
    if start is None:
        return None
    if not rule.business_days:
        return calendar.next_business_day(start + timedelta(days=rule.days), include_today=True)
    deadline = start
    for _ in range(rule.days):
        deadline = calendar.next_business_day(deadline)
    return deadline


def holiday_horizon(start: date, days: int) -> date:
    """The last day whose bank holidays a window of ``days`` starting on ``start`` may need.

    Twice the window plus :data:`HOLIDAY_MARGIN_DAYS`: generous, as holidays and weekends only push the
    last day later.

    >>> holiday_horizon(date(2026, 3, 5), 3)
    datetime.date(2026, 5, 10)
    """
    return start + timedelta(days=days * 2 + HOLIDAY_MARGIN_DAYS)


def eligibility_problem(
    *,
    is_customer_invoice: bool,
    posted: bool,
    residual: float,
    due_date: date | None,
    today: date,
    disputed: bool = False,
    negotiating: bool = False,
    promised: bool = False,
    open_protest: bool = False,
) -> str | None:
    """Why this receivable cannot go to the notary (a code of ``ELIGIBILITY_CODES``); None if it can.

    >>> eligibility_problem(is_customer_invoice=True, posted=True, residual=100.0,
    ...                     due_date=date(2026, 3, 10), today=date(2026, 3, 10))
    'not_due'
    >>> eligibility_problem(is_customer_invoice=True, posted=True, residual=100.0,
    ...                     due_date=date(2026, 3, 9), today=date(2026, 3, 10)) is None
    True
    """
    if not is_customer_invoice:
        return "not_invoice"
    if not posted:
        return "draft"
    if negotiating:
        return "negotiation"
    if residual <= 0:
        return "paid"
    if due_date is None or due_date >= today:
        return "not_due"
    if disputed:
        return "disputed"
    if promised:
        return "promise"
    if open_protest:
        return "open_protest"
    return None


def step_problem(
    action: str,
    state: str,
    when: date | None,
    *,
    today: date,
    dates: ProtestDates,
    deadline: date | None = None,
) -> str | None:
    """Why ``action`` dated ``when`` cannot happen to a protest in ``state``; None if it can.

    Codes: ``state`` (not from this state), ``missing`` (no date), ``future``,
    ``before_sent``, ``before_protocol``, ``before_notification``,
    ``before_deadline`` (the window is still open), ``window_closed`` (a
    withdrawal after the last day), ``before_protest``, ``before_settlement``,
    ``before_release_letter`` and ``no_release_letter`` (the notary cancels
    only with the letter).

    >>> step_problem("protocol", "sent", date(2026, 3, 1), today=date(2026, 3, 5),
    ...              dates=ProtestDates(sent=date(2026, 3, 2)))
    'before_sent'
    >>> step_problem("protest", "notified", date(2026, 3, 10), today=date(2026, 3, 10),
    ...              dates=ProtestDates(protocol=date(2026, 3, 5), notification=date(2026, 3, 6)),
    ...              deadline=date(2026, 3, 10)) is None
    True
    """
    if action not in TRANSITIONS:
        raise ValueError(f"Unknown protest step {action!r}; expected one of {', '.join(PROTEST_ACTIONS)}.")
    if not PROTEST_STEPS.allows(action, state):
        return "state"
    if action == "cancel" and state == "draft":
        return None  # a proposal that never went to the notary is simply dropped
    if when is None:
        return "missing"
    if when > today:
        return "future"
    # Each step comes after the facts it builds on.
    earlier = {
        "send": (),
        "protocol": (("before_sent", dates.sent),),
        "notify": (("before_protocol", dates.protocol),),
        "pay": (("before_protocol", dates.protocol),),
        "withdraw": (("before_sent", dates.sent),),
        "suspend": (("before_protocol", dates.protocol),),
        "protest": (
            ("before_protocol", dates.protocol),
            ("before_notification", dates.notification),
            ("before_deadline", deadline),
        ),
        "settle": (("before_protest", dates.protest),),
        "cancel": (("before_settlement", dates.settlement), ("before_release_letter", dates.release_letter)),
    }[action]
    for code, earliest in earlier:
        if earliest is not None and when < earliest:
            return code
    if action == "withdraw" and state != "suspended" and deadline is not None and when > deadline:
        return "window_closed"
    if action == "cancel" and dates.release_letter is None:
        return "no_release_letter"
    return None


def target_state(action: str) -> str:
    """The state a protest reaches with ``action``.

    >>> target_state("notify")
    'notified'
    """
    if action not in TRANSITIONS:
        raise ValueError(f"Unknown protest step {action!r}; expected one of {', '.join(PROTEST_ACTIONS)}.")
    return TRANSITIONS[action][1]


def deadline_reminder(deadline: date | None, today: date, reminded: date | None) -> str | None:
    """Which task the last day to pay calls for today: ``last_day``, ``outcome`` or None.

    One task on the last day, and one more once that day passed without an
    outcome; ``reminded`` is the day of the last such task.

    >>> deadline_reminder(date(2026, 3, 11), date(2026, 3, 11), None)
    'last_day'
    >>> deadline_reminder(date(2026, 3, 11), date(2026, 3, 12), date(2026, 3, 11))
    'outcome'
    >>> deadline_reminder(date(2026, 3, 11), date(2026, 3, 13), date(2026, 3, 12)) is None
    True
    """
    if deadline is None or today < deadline:
        return None
    if today == deadline:
        return "last_day" if reminded is None or reminded < deadline else None
    return "outcome" if reminded is None or reminded <= deadline else None


def release_letter_overdue(settlement_date: date | None, issued: bool, days: int, today: date) -> bool:
    """A settled protest still waits for its release letter ``days`` after the settlement.

    >>> release_letter_overdue(date(2026, 3, 2), False, 5, date(2026, 3, 7))
    True
    >>> release_letter_overdue(date(2026, 3, 2), False, 5, date(2026, 3, 6))
    False
    """
    if issued or settlement_date is None:
        return False
    return today >= settlement_date + timedelta(days=max(days, 0))


def days_to_settlement(protest_date: date | None, settlement_date: date | None) -> int | None:
    """Calendar days from the registered protest to the settlement of the debt.

    >>> days_to_settlement(date(2026, 3, 2), date(2026, 3, 20))
    18
    """
    if protest_date is None or settlement_date is None:
        return None
    return max((settlement_date - protest_date).days, 0)


def auto_settlement_date(last_payment: date | None, protest_date: date | None, today: date) -> date:
    """The settlement date the daily job records for a protested title found paid.

    The day of the last payment, but never before the protest (a payment made while the title was at the
    notary settles the debt the day it was protested) and never after ``today``; ``today`` when the payment
    or the protest date is unknown.

    >>> auto_settlement_date(date(2026, 3, 12), date(2026, 3, 11), today=date(2026, 3, 16))
    datetime.date(2026, 3, 12)
    >>> auto_settlement_date(date(2026, 3, 9), date(2026, 3, 11), today=date(2026, 3, 16))
    datetime.date(2026, 3, 11)
    >>> auto_settlement_date(None, date(2026, 3, 11), today=date(2026, 3, 16))
    datetime.date(2026, 3, 16)
    """
    settled_on = max(last_payment or today, protest_date or today)
    return min(settled_on, today)


def board_folded(state: str, count: int) -> bool:
    """Whether the board folds the column of ``state``: when it is empty, or the protests in it are over.

    >>> board_folded("protocolled", 0), board_folded("protocolled", 2), board_folded("withdrawn", 5)
    (True, False, True)
    """
    if state not in PROTEST_STATES:
        raise ValueError(f"Unknown protest state {state!r}; expected one of {', '.join(PROTEST_STATES)}.")
    return count == 0 or state in FINAL_STATES


def deadline_urgency(state: str, deadline: date | None, today: date) -> str | None:
    """How pressing the last day to pay is (a code of ``URGENCY_CODES``); None while no window runs.

    ``late``: the last day passed and the notary's outcome (paid or protested) is not recorded yet.

    >>> deadline_urgency("protocolled", date(2026, 3, 11), date(2026, 3, 11))
    'today'
    >>> last_day = date(2026, 3, 11)
    >>> [deadline_urgency("notified", last_day, date(2026, 3, day)) for day in (6, 9, 12)]
    ['later', 'soon', 'late']
    >>> deadline_urgency("protested", last_day, date(2026, 3, 12)) is None
    True
    """
    if state not in WINDOW_STATES or deadline is None:
        return None
    days_left = (deadline - today).days
    if days_left < 0:
        return "late"
    if days_left == 0:
        return "today"
    return "soon" if days_left <= SOON_DAYS else "later"


def urgency_ranges(today: date) -> dict[str, tuple[date | None, date | None]]:
    """The last days to pay of each urgency code on ``today``: (first, last) day, both included; None is open.

    The same answer as :func:`deadline_urgency` for a protest whose window runs, as ranges a search can use.

    >>> ranges = urgency_ranges(date(2026, 3, 11))
    >>> ranges["today"], ranges["soon"]
    ((datetime.date(2026, 3, 11), datetime.date(2026, 3, 11)), (datetime.date(2026, 3, 12), datetime.date(2026, 3, 13)))
    >>> ranges["late"][1], ranges["later"][0]
    (datetime.date(2026, 3, 10), datetime.date(2026, 3, 14))
    """
    day = timedelta(days=1)
    soon = today + timedelta(days=SOON_DAYS)
    return {
        "later": (soon + day, None),
        "soon": (today + day, soon),
        "today": (today, today),
        "late": (None, today - day),
    }
