"""The customer's collection status, and what the run writes on the customer and its invoices.

After each batch the run records, per customer, the status, the level reached,
the next and last dates and the step still to do (the worklist's "due level").
Which of these change depends on how the step went (:data:`STEP_OUTCOMES`):

- ``done``: every channel of the step was queued;
- ``attempted``: the run tried, a channel could not go out (no address, opted out);
- ``waiting``: a step is due that the run does not do itself (a manual step);
- ``resting``: nothing to do today (nothing due, held back, paused, excluded).

>>> from datetime import date
>>> today = date(2026, 3, 16)
>>> outcome = step_outcome("contact", executed=False, attempted=True)
>>> outcome
'attempted'
>>> step = StepResult("contact", "due", "overdue", "overdue", level_id=2, next_date=date(2026, 4, 1))
>>> state = customer_state(step, outcome, today, level_id=1, last_date=date(2026, 3, 2))
>>> state.status, state.level_id, state.due_level_id, state.next_date == today
('to_contact', 1, 2, True)
>>> highest_by_days([(7, 30), None, (5, 20)])
(7, 30)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .open_items import HOLD_CODES, OpenItem

# The customer's collection status: what is going on, never "up to date" while something is overdue.
STATUSES = ("ok", "overdue", "to_contact", "promised", "agreement", "disputed", "notary", "paused", "excluded")
# A person has something to do for the customer: the worklist shows it.
TO_CONTACT = "to_contact"
# The status a hold gives the customer when everything it owes late is held (see HOLD_CODES).
HOLD_STATUS = {
    "notary": "notary",
    "agreement": "agreement",
    "dispute": "disputed",
    "promise": "promised",
    "no_followup": "overdue",
}
# Work waiting for a person (an open task of the follow-up): the customer stays on the worklist.
TASK_CODES = ("call", "failed_contact", "broken_promise", "manual_step")
STEP_OUTCOMES = ("done", "attempted", "waiting", "resting")


@dataclass(frozen=True)
class StepResult:
    """What the state bookkeeping needs of a decision (see ``followup.PartnerDecision``)."""

    action: str
    reason: str
    status: str
    status_when_done: str
    level_id: int | None = None
    auto_execute: bool = True
    next_date: date | None = None


@dataclass(frozen=True)
class CustomerState:
    """What the run writes on the customer for one company."""

    status: str
    level_id: int | None
    next_date: date | None
    last_date: date | None
    due_level_id: int | None = None


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
            return HOLD_STATUS[code]
    return "agreement" if agreement_running else "ok"


def thanks_due(
    today: date,
    items: Iterable[OpenItem],
    *,
    reminded_days: int | None,
    last_contact: date | None,
    thanked: date | None,
    agreement_running: bool = False,
) -> bool:
    """Whether the customer is thanked today: it was reminded of overdue debt and nothing is overdue anymore.

    ``reminded_days`` is the ``days`` of the level the customer reached (None: never reminded; negative: only
    a reminder before the due date, nothing was ever chased). Once per episode: a thank-you on or after
    the last contact is not repeated until a new reminder goes out. Late debt held by a promise, a dispute or
    the notary is still owed, and an agreement under way replaced the invoices rather than paid them.

    >>> paid = []
    >>> thanks_due(date(2026, 3, 16), paid, reminded_days=5, last_contact=date(2026, 3, 2), thanked=None)
    True
    >>> thanks_due(date(2026, 3, 16), paid, reminded_days=5, last_contact=date(2026, 3, 2), thanked=date(2026, 3, 9))
    False
    >>> late = OpenItem(move_id=1, due_date=date(2026, 3, 2), currency="EUR", residual=10.0)
    >>> thanks_due(date(2026, 3, 16), [late], reminded_days=5, last_contact=date(2026, 3, 9), thanked=None)
    False
    """
    if reminded_days is None or reminded_days < 0 or last_contact is None or agreement_running:
        return False
    if thanked is not None and thanked >= last_contact:
        return False
    return not any(item.residual > 0 and item.due_date < today for item in items)


# The channels a plan may thank on besides e-mail: a text message, like the reminder that came before it.
THANKS_TEXT_CHANNELS = ("sms", "whatsapp")


def thanks_channel(last_channels: Iterable[str], ready: Iterable[str]) -> str | None:
    """The channel of a customer's thank-you: that of its last reminder (``last_channels``: the channels the last
    reminder step went out on, latest first) when it is a text channel the plan has a thank-you for and the
    customer can receive (``ready``), else e-mail when ready, else None.

    >>> thanks_channel(["sms"], {"sms", "email"}), thanks_channel(["email", "whatsapp"], {"whatsapp", "email"})
    ('sms', 'whatsapp')
    >>> thanks_channel(["sms"], {"email", "whatsapp"}), thanks_channel(["letter"], {"sms", "email"})
    ('email', 'email')
    >>> thanks_channel([], {"sms"}) is None
    True
    """
    ready = set(ready)
    for channel in last_channels:
        if channel in THANKS_TEXT_CHANNELS and channel in ready:
            return channel
    return "email" if "email" in ready else None


def task_code(channel: str, state: str) -> str:
    """The kind of open task (one of TASK_CODES) an event with an open task stands for.

    >>> task_code("call", "queued"), task_code("promise", "failed"), task_code("task", "queued")
    ('call', 'broken_promise', 'manual_step')
    >>> task_code("email", "failed"), task_code("call", "failed")
    ('failed_contact', 'failed_contact')
    """
    if channel == "call" and state == "queued":
        return "call"
    if channel == "promise":
        return "broken_promise"
    if channel == "task":
        return "manual_step"
    return "failed_contact"


def step_outcome(action: str, *, executed: bool, attempted: bool) -> str:
    """How the customer's step went in this batch (one of STEP_OUTCOMES).

    >>> step_outcome("contact", executed=True, attempted=True)
    'done'
    >>> step_outcome("contact", executed=False, attempted=False), step_outcome("skip", executed=False, attempted=False)
    ('waiting', 'resting')
    """
    if executed:
        return "done"
    if action == "contact":
        return "attempted" if attempted else "waiting"
    return "resting"


def customer_state(
    step: StepResult,
    outcome: str,
    today: date,
    *,
    level_id: int | None,
    last_date: date | None,
    from_run: bool = True,
) -> CustomerState:
    """The customer's state after the batch, from its current ``level_id`` and ``last_date``.

    ``from_run`` is False for a status refresh, which contacts no one.

    >>> step = StepResult("contact", "due", "to_contact", "to_contact", level_id=3, auto_execute=True,
    ...                   next_date=date(2026, 4, 10))
    >>> state = customer_state(step, "done", date(2026, 3, 16), level_id=2, last_date=None)
    >>> state.status, state.level_id, state.due_level_id, str(state.next_date)  # a call to make: on today's worklist
    ('to_contact', 3, 3, '2026-03-16')
    >>> manual = StepResult("contact", "due", "to_contact", "overdue", level_id=4, auto_execute=False)
    >>> customer_state(manual, "waiting", date(2026, 3, 16), level_id=3, last_date=None).level_id
    4
    >>> customer_state(manual, "waiting", date(2026, 3, 16), level_id=3, last_date=None, from_run=False).level_id
    3
    """
    if outcome not in STEP_OUTCOMES:
        raise ValueError(f"Unknown step outcome {outcome!r}: expected one of {STEP_OUTCOMES}.")
    if outcome == "done":
        status = step.status_when_done
        if status == TO_CONTACT:
            # A call to make: on today's worklist, whatever the next step's date.
            return CustomerState(status, step.level_id, today, today, step.level_id)
        return CustomerState(status, step.level_id, step.next_date, today)
    if outcome == "attempted":
        # Tried but not complete (a channel failed): the worklist shows it today.
        return CustomerState(TO_CONTACT, level_id, today, last_date, step.level_id)
    if outcome == "waiting":
        # The collector's step: its task was just scheduled, the level shows what to do.
        shown_level = step.level_id if not step.auto_execute and from_run else level_id
        return CustomerState(step.status, shown_level, today, last_date, step.level_id)
    return _resting_state(step, level_id, last_date)


def _resting_state(step: StepResult, level_id: int | None, last_date: date | None) -> CustomerState:
    if step.reason == "no_open_items":
        return CustomerState(step.status, None, step.next_date, last_date)
    due_level_id = None
    if step.status == TO_CONTACT and step.level_id and not step.auto_execute:
        # Waiting for a person (a weekend, the contact gap): the worklist still shows the step.
        due_level_id = step.level_id
    return CustomerState(step.status, level_id, step.next_date, last_date, due_level_id)


def highest_by_days(levels: Iterable[tuple[int, int] | None]) -> tuple[int, int] | None:
    """The level an invoice shows among ``(level id, days)`` candidates: the highest days win.

    ``None`` stands for no level; among levels with the same days the later one wins.

    >>> highest_by_days([None, (2, 5)]), highest_by_days([(2, 5), (9, 5)]), highest_by_days([None])
    ((2, 5), (9, 5), None)
    """
    best = None
    for level in levels:
        if level is not None and (best is None or level[1] >= best[1]):
            best = level
    return best
