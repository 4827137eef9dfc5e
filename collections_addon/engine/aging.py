"""Aging buckets for statements and analysis.

>>> from datetime import date
>>> today = date(2026, 11, 30)
>>> aging([(date(2026, 12, 5), 100.0), (date(2026, 11, 20), 50.0), (date(2026, 8, 1), 25.0)], today)
[100.0, 50.0, 0.0, 0.0, 25.0]
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

DEFAULT_BOUNDS = (30, 60, 90)
# The aging and DSO reports look back this many month ends.
REPORT_MONTHS = 12


def bucket_ranges(bounds: tuple[int, ...] = DEFAULT_BOUNDS) -> list[tuple[int | None, int | None]]:
    """(days past due from, to) of each bucket, None where open: the buckets of ``aging``.

    >>> bucket_ranges()
    [(None, 0), (1, 30), (31, 60), (61, 90), (91, None)]
    """
    ranges = [(None, 0)]
    low = 1
    for high in bounds:
        ranges.append((low, high))
        low = high + 1
    ranges.append((low, None))
    return ranges


def month_ends_before(today: date, months: int) -> list[date]:
    """The last day of each of the ``months`` months before ``today``'s month, oldest first.

    >>> month_ends_before(date(2026, 3, 16), 3)
    [datetime.date(2025, 12, 31), datetime.date(2026, 1, 31), datetime.date(2026, 2, 28)]
    """
    ends = []
    end = today.replace(day=1) - timedelta(days=1)
    for _month in range(months):
        ends.append(end)
        end = end.replace(day=1) - timedelta(days=1)
    return ends[::-1]


def bucket_labels(bounds: tuple[int, ...] = DEFAULT_BOUNDS) -> list[str]:
    """['Not due', '1-30', '31-60', '61-90', '+90'] for the default bounds."""
    labels = ["Not due"]
    low = 1
    for high in bounds:
        labels.append(f"{low}-{high}")
        low = high + 1
    labels.append(f"+{bounds[-1]}")
    return labels


def aging(
    items: Iterable[tuple[date, float]], today: date, bounds: tuple[int, ...] = DEFAULT_BOUNDS, digits: int = 2
) -> list[float]:
    """Sum (due date, amount) pairs into buckets: not due, then days late up to each bound, then beyond."""
    if list(bounds) != sorted(set(bounds)) or not bounds or bounds[0] < 1:
        raise ValueError("Aging bounds must be increasing whole numbers of days, the first at least 1.")
    totals = [0.0] * (len(bounds) + 2)
    for due, amount in items:
        late = (today - due).days
        if late <= 0:
            index = 0
        else:
            index = next((position + 1 for position, high in enumerate(bounds) if late <= high), len(bounds) + 1)
        totals[index] += amount
    return [round(total, digits) + 0.0 for total in totals]
