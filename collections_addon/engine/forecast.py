"""The cash-in forecast: expected cash per week, and how it compared with what came in.

Three sources, each an ``Inflow`` (a day, an amount, the probability it is paid then), all given by the caller:

- agreement instalments: their due day, probability 1 unless the caller gives a rate (the plan's kept rate);
- promises to pay: their promised day, weighted by a kept rate (the caller combines the customer's and the
  collector's);
- open invoices: their predicted pay day and probability (from the payer score).

Weeks start on Monday: the first is the week of ``today``. An inflow dated before that Monday (a late
instalment, a broken-looking promise still open) is expected now and counts in the first week; one dated on or
after the end of the last week is outside the horizon and left out. Amounts are exact (amount * probability):
the caller rounds to its currency.

>>> from datetime import date
>>> today = date(2026, 3, 18)  # a Wednesday
>>> weeks = weekly_forecast(today, [Inflow(date(2026, 3, 20), 1000)], [Inflow(date(2026, 3, 24), 500, "0.6")],
...                         [Inflow(date(2026, 2, 1), 200, "0.25"), Inflow(date(2026, 6, 1), 999, 1)], weeks=2)
>>> [(week.start.isoformat(), week.instalments, week.promises, week.open_items, week.total) for week in weeks]
[('2026-03-16', Decimal('1000'), Decimal('0'), Decimal('50.00'), Decimal('1050.00')), \
('2026-03-23', Decimal('0'), Decimal('300.0'), Decimal('0'), Decimal('300.0'))]
>>> [(row.expected, row.actual, row.difference, row.ratio) for row in compare_forecast(weeks, [(today, 900)])]
[(Decimal('1050.00'), Decimal('900'), Decimal('-150.00'), Decimal('0.86')), \
(Decimal('300.0'), Decimal('0'), Decimal('-300.0'), Decimal('0.00'))]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .recovery import _amount as _number

FORECAST_WEEKS = 8
MAX_WEEKS = 104
WEEK_DAYS = 7
# The ratio actual / expected of a week is given to this many decimals.
RATIO_QUANTUM = Decimal("0.01")
ZERO = Decimal(0)
SOURCES = ("instalments", "promises", "open_items")
# Weeks of cash received before the current one that forecasts are compared with.
ACTUAL_WEEKS = 12
# A week's first forecast is kept while one of the weeks it forecast (its own and the 7 after) can still be compared
# with the cash received: older ones are deleted.
KEPT_FORECAST_WEEKS = ACTUAL_WEEKS + FORECAST_WEEKS - 1


def kept_rate(kept: int, decided: int) -> Decimal | None:
    """The share of decided (kept or broken) promises that were kept; None without any.

    >>> kept_rate(2, 3), kept_rate(0, 0)
    (Decimal('0.6666666666666666666666666667'), None)
    """
    if kept < 0 or decided < kept:
        raise ValueError(f"{kept} kept promises out of {decided} decided ones: use 0 <= kept <= decided.")
    return Decimal(kept) / decided if decided else None


def promise_probability(customer_rate: Decimal | None, collector_rate: Decimal | None) -> Decimal:
    """The chance an open promise is paid on its date: the mean of the customer's and the collector's kept rates,
    leaving out a rate with no history; with neither, the promise counts in full.

    >>> promise_probability(Decimal(1) / 2, Decimal(2) / 3) * 300
    Decimal('175.0000000000000000000000000')
    >>> promise_probability(None, Decimal("0.5")), promise_probability(None, None)
    (Decimal('0.5'), Decimal('1'))
    """
    rates = [rate for rate in (customer_rate, collector_rate) if rate is not None]
    return sum(rates) / len(rates) if rates else Decimal(1)


@dataclass(frozen=True)
class Inflow:
    """Cash expected on ``day``: ``amount`` (from 0) paid with ``probability`` (from 0 to 1)."""

    day: date
    amount: Decimal
    probability: Decimal = Decimal(1)

    def __post_init__(self):
        amount = _number(self.amount, f"The amount expected on {self.day}")
        probability = _number(self.probability, f"The probability of the amount expected on {self.day}")
        if amount < 0:
            raise ValueError(f"The amount expected on {self.day} is {amount}: use an amount from 0.")
        if not 0 <= probability <= 1:
            raise ValueError(f"The probability of the amount expected on {self.day} is {probability}: use 0 to 1.")
        object.__setattr__(self, "amount", amount)
        object.__setattr__(self, "probability", probability)

    @property
    def expected(self) -> Decimal:
        """The amount weighted by its probability."""
        return self.amount * self.probability


@dataclass(frozen=True)
class ForecastWeek:
    """The cash expected in the week starting on Monday ``start``, by source, and its total."""

    start: date
    instalments: Decimal
    promises: Decimal
    open_items: Decimal

    @property
    def total(self) -> Decimal:
        return self.instalments + self.promises + self.open_items


@dataclass(frozen=True)
class ForecastCheck:
    """A week's forecast against what came in: ``difference`` is actual - expected; ``ratio`` actual / expected
    (None when nothing was expected)."""

    start: date
    expected: Decimal
    actual: Decimal
    difference: Decimal
    ratio: Decimal | None


def week_start(day: date) -> date:
    """The Monday of ``day``'s week.

    >>> week_start(date(2026, 3, 22)), week_start(date(2026, 3, 16))
    (datetime.date(2026, 3, 16), datetime.date(2026, 3, 16))
    """
    return day - timedelta(days=day.weekday())


def _week_index(first: date, day: date, weeks: int) -> int | None:
    """The week ``day`` falls in (before the first: the first), None beyond the horizon."""
    index = max(0, (day - first).days // WEEK_DAYS)
    return index if index < weeks else None


def weekly_forecast(
    today: date,
    instalments: Iterable[Inflow],
    promises: Iterable[Inflow],
    open_items: Iterable[Inflow],
    weeks: int = FORECAST_WEEKS,
) -> list[ForecastWeek]:
    """The expected cash of each of the ``weeks`` weeks from ``today``'s week, by source (rules: module docstring).

    >>> weekly_forecast(date(2026, 3, 16), [], [], [], weeks=0)
    Traceback (most recent call last):
    ...
    ValueError: A forecast covers 1 to 104 weeks (got 0).
    """
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"A forecast covers 1 to {MAX_WEEKS} weeks (got {weeks!r}).")
    first = week_start(today)
    sums = {source: [ZERO] * weeks for source in SOURCES}
    for source, inflows in zip(SOURCES, (instalments, promises, open_items), strict=True):
        for inflow in inflows:
            index = _week_index(first, inflow.day, weeks)
            if index is not None:
                sums[source][index] += inflow.expected
    return [
        ForecastWeek(
            start=first + timedelta(days=WEEK_DAYS * index),
            instalments=sums["instalments"][index],
            promises=sums["promises"][index],
            open_items=sums["open_items"][index],
        )
        for index in range(weeks)
    ]


def compare_forecast(forecast: list[ForecastWeek], actual: Iterable[tuple[date, Decimal]]) -> list[ForecastCheck]:
    """Each forecast week against the cash that came in, ``actual`` being (day, amount) receipts.

    A receipt outside the forecast's weeks is left out (before the first Monday too: it was not forecast).

    >>> compare_forecast([], [])
    []
    """
    if not forecast:
        return []
    first = forecast[0].start
    received = [ZERO] * len(forecast)
    for day, amount in actual:
        offset = (day - first).days
        if 0 <= offset < WEEK_DAYS * len(forecast):
            received[offset // WEEK_DAYS] += _number(amount, f"The amount received on {day}")
    rows = []
    for week, got in zip(forecast, received, strict=True):
        expected = week.total
        ratio = (got / expected).quantize(RATIO_QUANTUM, ROUND_HALF_UP) if expected else None
        rows.append(ForecastCheck(week.start, expected, got, got - expected, ratio))
    return rows
