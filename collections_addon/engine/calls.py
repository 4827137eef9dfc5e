"""When a collector may call a customer, who to call first, and what a call's outcome leads to.

Datetimes in and out are naive UTC, as Odoo stores them; call windows and
holidays are in the customer's local time (``tz``).

>>> from datetime import date, datetime
>>> rules = CallRules(holidays=frozenset({date(2026, 4, 3)}))
>>> friday_noon = datetime(2026, 3, 27, 15, 0)  # 12:00 in Sao Paulo (UTC-3)
>>> call_allowed_at(friday_noon, rules, [], "America/Sao_Paulo") is None
True
>>> call_allowed_at(datetime(2026, 3, 27, 23, 30), rules, [], "America/Sao_Paulo")  # 20:30 local
'outside_window'
>>> call_allowed_at(friday_noon, rules, [datetime(2026, 3, 27, 13, 0)], "America/Sao_Paulo")
'too_soon'
>>> next_call_slot(datetime(2026, 3, 27, 23, 30), rules, [], "America/Sao_Paulo")  # Saturday 08:00 local
datetime.datetime(2026, 3, 28, 11, 0)
>>> after_call("no_answer", friday_noon, rules, [], "America/Sao_Paulo")
CallFollowUp(action='retry', retry_at=datetime.datetime(2026, 3, 27, 19, 0), pause_until=None, reason='no_answer')
>>> after_call("promise", friday_noon, rules, [], "America/Sao_Paulo").pause_until
datetime.date(2026, 4, 3)
>>> call_priority(1000.0, 15, 50)
900.0
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from .bounds import CALL_INTERVAL_HOURS, CALL_PERIOD_DAYS, DAY_HOURS, MAX_CALLS
from .payer_score import customer_expected_recovery

CALL_OUTCOMES = ("will_pay", "promise", "dispute", "refused", "no_answer", "voicemail", "wrong_number")
REACHED_OUTCOMES = frozenset({"will_pay", "promise", "dispute", "refused"})
# Outcomes that pause the follow-up (a promise to pay, a dispute), until a date the collector may give.
PAUSE_OUTCOMES = ("promise", "dispute")
# The state a logged call leaves its contact in: a call that reached the customer is delivered.
_OUTCOME_EVENT_STATES = {"no_answer": "sent", "voicemail": "sent", "wrong_number": "failed"}
# A promise or a dispute logged without a date pauses the follow-up this many days after the call.
DEFAULT_PAUSE_DAYS = 7
# A plan's call rules unless its manager sets others: at most 3 calls a week, 4 hours apart.
DEFAULT_MAX_CALLS = 3
DEFAULT_CALL_PERIOD_DAYS = 7
DEFAULT_CALL_INTERVAL_HOURS = 4.0
# What call_allowed_at answers when a call is not allowed, in the order the rules are checked.
BLOCK_REASONS = ("holiday", "outside_window", "too_soon", "cap_reached")
# Why a planned call waits (call_wait): planned for later, or one of the rules above.
WAIT_REASONS = ("planned", *BLOCK_REASONS)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def hours_label(hours: float) -> str:
    """``hours`` of a day as HH:MM (8.5 is 08:30); anything else as typed (-1, 1e+300, inf), never an error."""
    if isinstance(hours, bool) or not isinstance(hours, (int, float)):
        return repr(hours)
    if not (math.isfinite(hours) and 0 <= hours <= 24):
        return f"{hours:g}"
    minutes = round(hours * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def window_problem(start: float, end: float) -> str | None:
    """Why hours ``start`` to ``end`` make no call window: "outside_day" (a time that is not 00:00 to 24:00),
    "ends_before_start" (the end is not after the start); None when they do.

    >>> window_problem(8, 20), window_problem(20, 8), window_problem(8, 25), window_problem(8, float("inf"))
    (None, 'ends_before_start', 'outside_day', 'outside_day')
    """
    if DAY_HOURS.problem(start) or DAY_HOURS.problem(end):
        return "outside_day"
    if not start < end:
        return "ends_before_start"
    return None


@dataclass(frozen=True)
class CallWindow:
    """Calls are allowed on ``weekday`` from ``start`` to ``end`` (local hours, end exclusive)."""

    weekday: int
    start: float
    end: float

    def __post_init__(self):
        if not isinstance(self.weekday, int) or not 0 <= self.weekday <= 6:
            raise ValueError(f"Call window {self.weekday!r} {self.start}-{self.end}: the weekday must be 0 to 6.")
        if window_problem(self.start, self.end):
            raise ValueError(f"Call window {self}: the start must be before the end, both between 00:00 and 24:00.")

    def __str__(self) -> str:
        return f"{WEEKDAY_NAMES[self.weekday]} {hours_label(self.start)}-{hours_label(self.end)}"

    def bounds(self, day: date) -> tuple[datetime, datetime]:
        """The window on local ``day`` as naive local datetimes (the end may be the next midnight)."""
        midnight = datetime.combine(day, time())
        return midnight + timedelta(hours=self.start), midnight + timedelta(hours=self.end)


DEFAULT_WINDOWS: tuple[CallWindow, ...] = (
    *(CallWindow(weekday, 8.0, 20.0) for weekday in range(5)),
    CallWindow(5, 8.0, 14.0),
)


@dataclass(frozen=True)
class CallRules:
    """When calls are allowed and how often a customer may be called."""

    windows: tuple[CallWindow, ...] = DEFAULT_WINDOWS
    holidays: frozenset[date] = frozenset()
    max_calls: int = DEFAULT_MAX_CALLS
    period_days: int = DEFAULT_CALL_PERIOD_DAYS
    min_interval_hours: float = DEFAULT_CALL_INTERVAL_HOURS

    def __post_init__(self):
        # Models build these from recordsets and lists; keep the rules hashable whatever they pass.
        object.__setattr__(self, "windows", tuple(self.windows))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        if not self.windows:
            raise ValueError("no call window: add at least one")
        for window in self.windows:
            if not isinstance(window, CallWindow):
                raise ValueError(f"Call windows must be CallWindow values, got {window!r}.")
        if self.max_calls < MAX_CALLS.minimum:
            raise ValueError(f"The maximum number of calls cannot be negative (got {self.max_calls}); 0 means no cap.")
        if self.period_days < CALL_PERIOD_DAYS.minimum:
            raise ValueError(f"The period of the call cap must be at least one day (got {self.period_days}).")
        if self.min_interval_hours < CALL_INTERVAL_HOURS.minimum:
            raise ValueError(
                f"The minimum interval between calls cannot be negative (got {self.min_interval_hours} hours)."
            )

    @property
    def period(self) -> timedelta:
        return timedelta(days=self.period_days)

    @property
    def min_interval(self) -> timedelta:
        return timedelta(hours=self.min_interval_hours)

    def windows_on(self, weekday: int) -> list[CallWindow]:
        return [window for window in self.windows if window.weekday == weekday]


def _zone(tz: str | None) -> tzinfo:
    # timezone.utc rather than ZoneInfo("UTC"): it works even where no time zone database is installed.
    if not tz:
        return timezone.utc
    try:
        return ZoneInfo(tz)
    except (KeyError, ValueError, TypeError, OSError):
        # A partner's tz comes from user input or old data: a wrong name must not stop the worklist.
        return timezone.utc


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _to_local(moment: datetime, zone: tzinfo) -> datetime:
    return moment.replace(tzinfo=timezone.utc).astimezone(zone).replace(tzinfo=None)


def _to_utc(local: datetime, zone: tzinfo) -> datetime:
    # A wall time skipped by a DST change keeps the offset from before the change (fold=0), so it lands
    # as far after the change as it was after the skipped clock time: 02:30 becomes 03:30 when 02:00 jumps to 03:00.
    return local.replace(tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)


def _in_window(local: datetime, rules: CallRules) -> bool:
    for window in rules.windows_on(local.weekday()):
        start, end = window.bounds(local.date())
        if start <= local < end:
            return True
    return False


def _blocking_calls(
    moment: datetime, rules: CallRules, calls: Sequence[datetime]
) -> tuple[list[datetime], list[datetime]]:
    """The calls too close to ``moment`` and the calls in the cap period ending at ``moment``."""
    interval = rules.min_interval
    too_close = [call for call in calls if interval and abs(moment - call) < interval]
    in_period = sorted(call for call in calls if moment - rules.period < call <= moment)
    return too_close, in_period


def _reason(moment: datetime, local: datetime, rules: CallRules, calls: Sequence[datetime]) -> str | None:
    if local.date() in rules.holidays:
        return "holiday"
    if not _in_window(local, rules):
        return "outside_window"
    too_close, in_period = _blocking_calls(moment, rules, calls)
    if too_close:
        return "too_soon"
    if rules.max_calls and len(in_period) >= rules.max_calls:
        return "cap_reached"
    return None


def call_allowed_at(
    moment: datetime, rules: CallRules, previous_calls: Sequence[datetime], tz: str | None = None
) -> str | None:
    """``None`` when a call at ``moment`` is allowed, else the first reason of :data:`BLOCK_REASONS` that applies.

    The minimum interval applies on both sides of a call (a call logged later
    than ``moment`` also makes it too soon); the cap counts the calls in
    ``(moment - period_days, moment]``.
    """
    moment = _naive_utc(moment)
    calls = [_naive_utc(call) for call in previous_calls]
    return _reason(moment, _to_local(moment, _zone(tz)), rules, calls)


def _next_window_start(moment: datetime, local: datetime, rules: CallRules, zone: tzinfo) -> datetime:
    """The first window start after ``moment`` (UTC); every weekday within the next 8 days is looked at."""
    candidates = []
    for offset in range(9):
        day = local.date() + timedelta(days=offset)
        for window in rules.windows_on(day.weekday()):
            start = _to_utc(window.bounds(day)[0], zone)
            if start > moment:
                candidates.append(start)
    return min(candidates)


def _next_day_start(local: datetime, zone: tzinfo) -> datetime:
    return _to_utc(datetime.combine(local.date() + timedelta(days=1), time()), zone)


def next_call_slot(
    after: datetime,
    rules: CallRules,
    previous_calls: Sequence[datetime],
    tz: str | None = None,
    horizon_days: int = 90,
) -> datetime | None:
    """The earliest moment from ``after`` on when a call is allowed, ``None`` if none within ``horizon_days``.

    Each blocked moment jumps straight to the next moment that could lift the
    block: the next day for a holiday, the next window start, the end of the
    minimum interval, or when enough calls leave the cap period.
    """
    if horizon_days < 0:
        raise ValueError(f"The horizon cannot be negative (got {horizon_days} days).")
    after = _naive_utc(after)
    zone = _zone(tz)
    deadline = after + timedelta(days=horizon_days)
    # Older calls can neither be too close nor in the cap period of any moment from `after` on.
    reach = max(rules.period, rules.min_interval)
    calls = sorted(call for call in map(_naive_utc, previous_calls) if call > after - reach)
    moment = after
    while moment <= deadline:
        local = _to_local(moment, zone)
        reason = _reason(moment, local, rules, calls)
        if reason is None:
            return moment
        if reason == "holiday":
            moment = _next_day_start(local, zone)
        elif reason == "outside_window":
            moment = _next_window_start(moment, local, rules, zone)
        else:
            too_close, in_period = _blocking_calls(moment, rules, calls)
            if reason == "too_soon":
                moment = max(too_close) + rules.min_interval
            else:
                # Enough of the oldest calls must leave the period to get back under the cap.
                moment = in_period[len(in_period) - rules.max_calls] + rules.period
    return None


def call_wait(
    now: datetime,
    planned_at: datetime | None,
    rules: CallRules,
    previous_calls: Sequence[datetime],
    tz: str | None = None,
) -> tuple[str | None, datetime | None]:
    """Whether a call planned at ``planned_at`` can be made at ``now``, and when it can.

    Returns ``(None, now)`` when the call can be made now, else the first reason of
    :data:`WAIT_REASONS` that applies and the next moment the call is allowed
    (``None`` when there is none within :func:`next_call_slot`'s horizon). A call
    planned for later waits for its planned time even if the rules would allow it now:
    a retry is planned after the interval on purpose.

    >>> rules = CallRules()
    >>> call_wait(datetime(2026, 3, 27, 15, 0), None, rules, [], "America/Sao_Paulo")
    (None, datetime.datetime(2026, 3, 27, 15, 0))
    >>> call_wait(datetime(2026, 3, 27, 23, 30), None, rules, [], "America/Sao_Paulo")  # 20:30 local
    ('outside_window', datetime.datetime(2026, 3, 28, 11, 0))
    >>> call_wait(datetime(2026, 3, 27, 15, 0), datetime(2026, 3, 27, 19, 0), rules, [], "America/Sao_Paulo")
    ('planned', datetime.datetime(2026, 3, 27, 19, 0))
    """
    now = _naive_utc(now)
    if planned_at is not None and _naive_utc(planned_at) > now:
        return "planned", next_call_slot(_naive_utc(planned_at), rules, previous_calls, tz)
    reason = call_allowed_at(now, rules, previous_calls, tz)
    if reason is None:
        return None, now
    return reason, next_call_slot(now, rules, previous_calls, tz)


def call_priority(amount_due: float, days_late: int, score: int | None = None, days_to_next_step: int = 0) -> float:
    """Higher is called first: the customer's expected recovery with the call as its next step, due now.

    The worklist's own order (:func:`customer_expected_recovery`): the amount due weighted by the chance
    the customer pays (its payer ``score``, None when never scored, and ``days_late``) and by urgency.

    >>> call_priority(1000.0, 0, 100), call_priority(1000.0, 0, 100, days_to_next_step=None), call_priority(0.0, 9)
    (2000.0, 1000.0, 0.0)
    """
    return float(customer_expected_recovery(amount_due, score, days_late, days_to_next_step))


@dataclass(frozen=True)
class CallFollowUp:
    """What to do after a call: nothing, call again, check the phone number, or pause the follow-up."""

    action: str
    retry_at: datetime | None = None
    pause_until: date | None = None
    reason: str = ""


def after_call(
    outcome: str,
    called_at: datetime,
    rules: CallRules,
    previous_calls: Sequence[datetime],
    tz: str | None = None,
    pause_until: date | None = None,
    default_pause_days: int = DEFAULT_PAUSE_DAYS,
) -> CallFollowUp:
    """The follow-up of a call at ``called_at`` that ended with ``outcome`` (one of :data:`CALL_OUTCOMES`).

    ``previous_calls`` are the calls made before this one: this call is added to them, even when one of
    them has the same time (two collectors may log a call to the customer in the same second: two calls).
    """
    if outcome not in CALL_OUTCOMES:
        raise ValueError(f"Unknown call outcome {outcome!r}; expected one of {', '.join(CALL_OUTCOMES)}.")
    called_at = _naive_utc(called_at)
    if outcome in ("no_answer", "voicemail"):
        calls = [*(_naive_utc(call) for call in previous_calls), called_at]
        retry_at = next_call_slot(called_at, rules, calls, tz)
        return CallFollowUp("retry", retry_at=retry_at, reason="no_answer" if retry_at else "no_slot")
    if outcome == "wrong_number":
        return CallFollowUp("flag_phone", reason="wrong_number")
    if outcome in PAUSE_OUTCOMES:
        call_day = _to_local(called_at, _zone(tz)).date()
        if isinstance(pause_until, datetime):
            pause_until = pause_until.date()
        if pause_until is None:
            if default_pause_days < 1:
                raise ValueError(f"The default pause must be at least one day (got {default_pause_days}).")
            pause_until = call_day + timedelta(days=default_pause_days)
        elif pause_until <= call_day:
            raise ValueError(f"the pause date must be after the call ({pause_until} is not after {call_day})")
        return CallFollowUp("pause", pause_until=pause_until, reason=outcome)
    return CallFollowUp("none", reason="reached" if outcome == "will_pay" else "refused")


def call_event_state(outcome: str) -> str:
    """The contact state of a call logged with ``outcome``: unanswered calls were sent, a wrong number failed,
    a call that reached the customer was delivered.

    >>> call_event_state("voicemail"), call_event_state("wrong_number"), call_event_state("promise")
    ('sent', 'failed', 'delivered')
    """
    if outcome not in CALL_OUTCOMES:
        raise ValueError(f"Unknown call outcome {outcome!r}; expected one of {', '.join(CALL_OUTCOMES)}.")
    return _OUTCOME_EVENT_STATES.get(outcome, "delivered")


def default_pause_until(call_day: date) -> date:
    """The day a promise or a dispute logged on ``call_day`` without a date pauses the follow-up until.

    >>> default_pause_until(date(2026, 3, 16))
    datetime.date(2026, 3, 23)
    """
    return call_day + timedelta(days=DEFAULT_PAUSE_DAYS)
