"""The payer score: how well a customer pays (0 to 100), why, and when its overdue items will likely be paid.

A plain rule set, no statistical model: every point taken off is a reason (a code and a value that the
Odoo layer turns into a sentence) and every weight is a field of :class:`ScoreWeights` an admin tunes.

How the score is counted, from the customer's own history within ``lookback_days`` before today:

- A customer who paid at least one invoice in the window starts at 100; one who paid none starts at
  ``neutral_score`` (reason ``no_history``): a new customer is neither a good nor a poor payer.
- Days late of a paid invoice: paid date minus due date, never below 0 (paying early earns nothing more
  than paying on time). Averages are weighted by amount: a large invoice paid late weighs more.
- ``average_days_late``: the average over the window. ``trend_days``: the average of the invoices paid in
  the last ``recent_days`` minus the window's average (positive: paying later lately; 0 when none was).
- Typical days late: the average, plus ``trend_weight`` (0 to 1) of the trend when it worsens. It takes
  ``points_per_day_late`` per day, up to ``max_late_points``; the part due to the trend is its own reason.
- ``after_reminder_share``: the share of the amount paid only after the first reminder, as a percent; it
  takes ``after_reminder_points`` x that share.
- Each broken promise whose date is in the window, each dispute and each protest (counted by the caller
  over the same window) takes its points, each kind up to its cap.
- The score is 100 (or the neutral score) minus the points, rounded half up, never below 0.

So the score never rises when an invoice is paid later, when a promise is broken, or when a weight grows,
and never falls when an invoice is paid on time. Reasons come in order of points taken off (largest
first, ties in the order of ``SCORE_REASON_CODES``); a customer who lost no point has the reason ``pays_on_time``.

>>> from datetime import date
>>> today = date(2026, 3, 16)
>>> paid = [PaidInvoice(date(2026, 1, 10), date(2026, 1, 22), 1000), PaidInvoice(date(2026, 2, 10),
...         date(2026, 2, 22), 1000, after_reminder=True)]
>>> history = PayerHistory(paid=paid, promises=[PromiseOutcome(date(2026, 2, 1), kept=False)])
>>> result = payer_score(history, ScoreWeights(), today)
>>> result.score, result.average_days_late, result.trend_days
(68, 12, 0)
>>> [(reason.code, reason.value, reason.points) for reason in result.reasons]
[('average_days_late', 12, 12), ('after_reminder_share', 50, 10), ('broken_promises', 1, 10)]
>>> payer_score(PayerHistory(), ScoreWeights(), today).reasons
(ScoreReason(code='no_history', value=0, points=50),)
>>> predicted_pay_date(date(2026, 3, 10), result, today)
datetime.date(2026, 3, 22)
>>> recovery_probability(68, 30), expected_recovery("1000.00", 0.5, recovery_urgency(0))
(0.522, Decimal('1000.00'))
>>> customer_expected_recovery("1000.00", 68, 30, 15)
Decimal('783.00')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from .bounds import AMOUNT, POSITIVE_AMOUNT, Bound
from .schedule import _exact, _round_half_up

# Every reason a score gives, in the order ties are listed.
SCORE_REASON_CODES = (
    "no_history",
    "average_days_late",
    "trend_days",
    "after_reminder_share",
    "broken_promises",
    "disputes",
    "protests",
    "pays_on_time",
)
MAX_SCORE = 100
# The default score of a customer with no paid invoice in the window: the middle band.
NEUTRAL_SCORE = 50

# The ranges of the weights an admin tunes (above them is a typo).
LOOKBACK_DAYS = Bound(30, 3650, whole=True)
RECENT_DAYS = Bound(1, 3650, whole=True)
SCORE_POINTS = Bound(0, MAX_SCORE)
TREND_WEIGHT = Bound(0, 1)
HALF_LIFE_DAYS = Bound(1, 3650)

# Recovery probability: a score of 0 still pays sometimes; the chance halves after this many days late.
MIN_PROBABILITY = Fraction(5, 100)
RECOVERY_HALF_LIFE_DAYS = 90
# Urgency: 1 when the next step (level, promise or protest deadline) is this many days away or more, or none
# is scheduled; rising linearly to MAX_URGENCY when it is today or past.
URGENCY_HORIZON_DAYS = 30
MAX_URGENCY = 2
URGENCY = Bound(1, MAX_URGENCY)
PROBABILITY = Bound(0, 1)


@dataclass(frozen=True)
class ScoreWeights:
    """What each fact of the history costs, in points of the score; every field is tuned by an admin."""

    lookback_days: int = 365
    recent_days: int = 90
    neutral_score: int = NEUTRAL_SCORE
    points_per_day_late: float = 1
    max_late_points: float = 40
    trend_weight: float = 0.5
    after_reminder_points: float = 20
    broken_promise_points: float = 10
    max_promise_points: float = 30
    dispute_points: float = 5
    max_dispute_points: float = 15
    protest_points: float = 20
    max_protest_points: float = 40

    def __post_init__(self):
        for field in fields(self):
            _bound(field.name).check(getattr(self, field.name), f"The weight {field.name}")
        if self.recent_days > self.lookback_days:
            raise ValueError(
                f"The recent period ({self.recent_days} days) must fit in the lookback window "
                f"({self.lookback_days} days): shorten it or lengthen the window."
            )


def _bound(name: str) -> Bound:
    special = {
        "lookback_days": LOOKBACK_DAYS,
        "recent_days": RECENT_DAYS,
        "neutral_score": Bound(0, MAX_SCORE, whole=True),
        "trend_weight": TREND_WEIGHT,
    }
    return special.get(name, SCORE_POINTS)


@dataclass(frozen=True)
class PaidInvoice:
    """A settled invoice: when it was due, when it was paid in full, how much, and whether a reminder was needed."""

    due_date: date
    paid_date: date
    amount: Decimal | int | float | str
    after_reminder: bool = False

    @property
    def days_late(self) -> int:
        return max(0, (self.paid_date - self.due_date).days)


@dataclass(frozen=True)
class PromiseOutcome:
    """A promise to pay whose outcome is known: ``date`` is the day promised."""

    date: date
    kept: bool


@dataclass(frozen=True)
class PayerHistory:
    """What the customer did; ``disputes`` and ``protests`` are counted by the caller over the lookback window."""

    paid: Iterable[PaidInvoice] = ()
    promises: Iterable[PromiseOutcome] = ()
    disputes: int = 0
    protests: int = 0

    def __post_init__(self):
        object.__setattr__(self, "paid", tuple(self.paid))
        object.__setattr__(self, "promises", tuple(self.promises))


@dataclass(frozen=True)
class ScoreReason:
    """A fact that moved the score: its code (``SCORE_REASON_CODES``), its value (days, percent, count), its points."""

    code: str
    value: int
    points: int


@dataclass(frozen=True)
class PayerScore:
    """The score and its reasons, and the figures behind them (days rounded half up, percent of amount)."""

    score: int
    reasons: tuple[ScoreReason, ...]
    average_days_late: int
    trend_days: int
    typical_days_late: int
    after_reminder_percent: int
    paid_count: int
    kept_promises: int
    broken_promises: int
    disputes: int
    protests: int

    @property
    def no_history(self) -> bool:
        return self.paid_count == 0


# ----------------------------------------------------------------------
# Checking the history
# ----------------------------------------------------------------------


def _check_day(value, what: str) -> None:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError(f"{what} must be a date, got {value!r}.")


def _check_count(value, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what} must be a whole number, 0 or more, got {value!r}.")


def _check_history(history: PayerHistory, today: date) -> None:
    _check_day(today, "today")
    for item in history.paid:
        if not isinstance(item, PaidInvoice):
            raise ValueError(f"The paid history holds PaidInvoice values, got {item!r}.")
        _check_day(item.due_date, "An invoice's due date")
        _check_day(item.paid_date, "An invoice's paid date")
        if item.paid_date > today:
            raise ValueError(f"An invoice paid on {item.paid_date} is in the future of {today}: check the dates.")
        if POSITIVE_AMOUNT.problem(_exact(item.amount, "An invoice's amount")):
            raise ValueError(f"A paid invoice's amount must be {POSITIVE_AMOUNT}, got {item.amount!r}.")
    for promise in history.promises:
        if not isinstance(promise, PromiseOutcome):
            raise ValueError(f"The promises hold PromiseOutcome values, got {promise!r}.")
        _check_day(promise.date, "A promise's date")
    _check_count(history.disputes, "The number of disputes")
    _check_count(history.protests, "The number of protests")


# ----------------------------------------------------------------------
# The score
# ----------------------------------------------------------------------


def _average_days(items: list[PaidInvoice]) -> Fraction:
    """Days late weighted by amount; 0 for no invoice."""
    total = sum((Fraction(_exact(item.amount)) for item in items), Fraction(0))
    if not total:
        return Fraction(0)
    return sum((Fraction(_exact(item.amount)) * item.days_late for item in items), Fraction(0)) / total


def _after_reminder_share(items: list[PaidInvoice]) -> Fraction:
    total = sum((Fraction(_exact(item.amount)) for item in items), Fraction(0))
    reminded = sum((Fraction(_exact(item.amount)) for item in items if item.after_reminder), Fraction(0))
    return reminded / total if total else Fraction(0)


def _whole(value: Fraction) -> int:
    return int(_round_half_up(value, 0))


def _capped(count: int, each: float, cap: float) -> Fraction:
    return min(Fraction(_exact(cap)), Fraction(_exact(each)) * count)


def _late_points(paid: list[PaidInvoice], weights: ScoreWeights, today: date) -> tuple[dict, tuple]:
    """Reason points and values of lateness, and (average, trend, typical) days, from the invoices in the window."""
    recent_start = today - timedelta(days=weights.recent_days)
    average = _average_days(paid)
    recent = [item for item in paid if item.paid_date > recent_start]
    trend = _average_days(recent) - average if recent else Fraction(0)
    typical = average + Fraction(_exact(weights.trend_weight)) * max(Fraction(0), trend)
    per_day, cap = Fraction(_exact(weights.points_per_day_late)), Fraction(_exact(weights.max_late_points))
    average_points = min(cap, per_day * average)
    share = _after_reminder_share(paid)
    points = {
        "average_days_late": (average_points, _whole(average)),
        "trend_days": (min(cap, per_day * typical) - average_points, _whole(trend)),
        "after_reminder_share": (Fraction(_exact(weights.after_reminder_points)) * share, _whole(share * 100)),
    }
    return points, (average, trend, typical)


def _count_points(broken: int, history: PayerHistory, weights: ScoreWeights) -> dict:
    """Reason points and values of the broken promises, disputes and protests, each kind up to its cap."""
    return {
        "broken_promises": (_capped(broken, weights.broken_promise_points, weights.max_promise_points), broken),
        "disputes": (_capped(history.disputes, weights.dispute_points, weights.max_dispute_points), history.disputes),
        "protests": (_capped(history.protests, weights.protest_points, weights.max_protest_points), history.protests),
    }


def _reasons(points: dict) -> tuple[ScoreReason, ...]:
    """The facts that took points off (and no_history), largest first, ties in the order of SCORE_REASON_CODES."""
    kept = [(code, value) for code, value in points.items() if value[0] > 0 or code == "no_history"]
    kept.sort(key=lambda pair: (-pair[1][0], SCORE_REASON_CODES.index(pair[0])))
    return tuple(ScoreReason(code, value, _whole(lost)) for code, (lost, value) in kept)


def payer_score(history: PayerHistory, weights: ScoreWeights, today: date) -> PayerScore:
    """The customer's score on ``today`` from ``history`` with ``weights`` (see the module's rules).

    >>> today = date(2026, 3, 16)
    >>> on_time = PayerHistory(paid=[PaidInvoice(date(2026, 3, 1), date(2026, 2, 20), "250.00")])
    >>> payer_score(on_time, ScoreWeights(), today).score, payer_score(on_time, ScoreWeights(), today).reasons
    (100, (ScoreReason(code='pays_on_time', value=1, points=0),))
    >>> payer_score(PayerHistory(protests=1), ScoreWeights(neutral_score=70), today).score
    50
    >>> ScoreWeights(recent_days=400)
    Traceback (most recent call last):
    ...
    ValueError: The recent period (400 days) must fit in the lookback window (365 days): shorten it or lengthen \
the window.
    """
    if not isinstance(weights, ScoreWeights):
        raise ValueError(f"The weights must be a ScoreWeights, got {weights!r}.")
    _check_history(history, today)
    start = today - timedelta(days=weights.lookback_days)
    paid = [item for item in history.paid if item.paid_date > start]
    promises = [promise for promise in history.promises if start < promise.date <= today]
    broken = sum(1 for promise in promises if not promise.kept)
    points, (average, trend, typical) = _late_points(paid, weights, today)
    points.update(_count_points(broken, history, weights))
    start_score = Fraction(MAX_SCORE if paid else _exact(weights.neutral_score))
    if not paid:
        points["no_history"] = (MAX_SCORE - start_score, 0)
    lost = sum((value[0] for code, value in points.items() if code != "no_history"), Fraction(0))
    reasons = _reasons(points)
    if not reasons:
        reasons = (ScoreReason("pays_on_time", len(paid), 0),)
    return PayerScore(
        score=max(0, _whole(start_score - lost)),
        reasons=reasons,
        average_days_late=_whole(average),
        trend_days=_whole(trend),
        typical_days_late=_whole(typical),
        after_reminder_percent=points["after_reminder_share"][1],
        paid_count=len(paid),
        kept_promises=len(promises) - broken,
        broken_promises=broken,
        disputes=history.disputes,
        protests=history.protests,
    )


# ----------------------------------------------------------------------
# Predictions and the worklist's order
# ----------------------------------------------------------------------


def predicted_pay_date(due_date: date, typical: PayerScore | int, today: date) -> date:
    """When an open item will likely be paid: its due date plus the customer's typical days late, never before today.

    ``typical`` is a :class:`PayerScore` (its ``typical_days_late``; 0 without history) or a number of days.

    >>> predicted_pay_date(date(2026, 3, 10), 20, date(2026, 3, 16)), predicted_pay_date(date(2026, 3, 1), 5,
    ...     date(2026, 3, 16))
    (datetime.date(2026, 3, 30), datetime.date(2026, 3, 16))
    """
    _check_day(due_date, "The due date")
    _check_day(today, "today")
    days = typical.typical_days_late if isinstance(typical, PayerScore) else typical
    _check_count(days, "The typical days late")
    return max(today, due_date + timedelta(days=days))


def recovery_probability(score: int, days_late: int, half_life_days: int = RECOVERY_HALF_LIFE_DAYS) -> float:
    """The chance (0 to 1, 4 decimals) that an item ``days_late`` days late of a customer scoring ``score`` is paid.

    From the score (a score of 0 keeps ``MIN_PROBABILITY``), shrinking with time: halved at ``half_life_days``
    late, a third at twice that. An item not due yet (negative days) counts as 0 days late. Never higher for
    a lower score or a later item.

    >>> recovery_probability(100, 0), recovery_probability(100, 90), recovery_probability(0, 0)
    (1.0, 0.5, 0.05)
    """
    Bound(0, MAX_SCORE).check(score, "The score")
    if isinstance(days_late, bool) or not isinstance(days_late, int):
        raise ValueError(f"The days late must be a whole number, got {days_late!r}.")
    HALF_LIFE_DAYS.check(half_life_days, "The half-life")
    base = MIN_PROBABILITY + (1 - MIN_PROBABILITY) * Fraction(_exact(score)) / MAX_SCORE
    half_life = Fraction(_exact(half_life_days))
    return float(_round_half_up(base * half_life / (half_life + max(0, days_late)), 4))


def recovery_urgency(days_to_next_step: int | None) -> Fraction:
    """How pressing an item is: 1 (no step scheduled, or ``URGENCY_HORIZON_DAYS`` away or more) to 2 (today or past).

    The next step is the next level of the plan, the end of a promise or the protest deadline, whichever is
    first: the caller passes its days from today.

    >>> recovery_urgency(None), recovery_urgency(30), recovery_urgency(15), recovery_urgency(0), recovery_urgency(-4)
    (Fraction(1, 1), Fraction(1, 1), Fraction(3, 2), Fraction(2, 1), Fraction(2, 1))
    """
    if days_to_next_step is None:
        return Fraction(1)
    if isinstance(days_to_next_step, bool) or not isinstance(days_to_next_step, int):
        raise ValueError(f"The days to the next step must be a whole number or None, got {days_to_next_step!r}.")
    left = min(URGENCY_HORIZON_DAYS, max(0, days_to_next_step))
    return 1 + Fraction(MAX_URGENCY - 1) * Fraction(URGENCY_HORIZON_DAYS - left, URGENCY_HORIZON_DAYS)


def expected_recovery(amount, probability, urgency) -> Decimal:
    """What the worklist orders by, largest first: amount x probability x urgency, rounded half up to cents.

    >>> expected_recovery("1500.00", 0.4, recovery_urgency(15))
    Decimal('900.00')
    >>> expected_recovery(100, 1.5, 1)
    Traceback (most recent call last):
    ...
    ValueError: The probability must be 0 to 1, got 1.5.
    """
    amount = _exact(amount, "The amount")
    AMOUNT.check(amount, "The amount")
    PROBABILITY.check(probability, "The probability")
    if not isinstance(urgency, Fraction):
        URGENCY.check(urgency, "The urgency")
        urgency = Fraction(_exact(urgency))
    elif not 1 <= urgency <= MAX_URGENCY:
        raise ValueError(f"The urgency must be {URGENCY}, got {urgency}.")
    return _round_half_up(Fraction(amount) * Fraction(_exact(probability)) * urgency, 2)


def customer_expected_recovery(amount, score: int | None, days_late: int, days_to_next_step: int | None) -> Decimal:
    """A customer's *Expected Recovery*, the order of the worklist and of Calls Today, largest first.

    ``amount`` is what the customer owes (nothing, or a credit, expects 0), ``score`` its payer score (a
    customer never scored counts as ``NEUTRAL_SCORE``), ``days_late`` those of its oldest overdue item, and
    ``days_to_next_step`` the days to its next step (None: none scheduled): :func:`expected_recovery` of the
    amount with :func:`recovery_probability` and :func:`recovery_urgency`.

    >>> customer_expected_recovery("1000.00", 100, 0, None), customer_expected_recovery(1000.0, None, 0, 0)
    (Decimal('1000.00'), Decimal('1050.00'))
    >>> customer_expected_recovery(-50, 80, 10, 0)
    Decimal('0.00')
    """
    amount = _exact(amount, "The amount")
    if amount <= 0:
        return Decimal("0.00")
    score = NEUTRAL_SCORE if score is None else score
    probability = recovery_probability(score, days_late)
    return expected_recovery(amount, probability, recovery_urgency(days_to_next_step))
