"""Whether the company's bank data is fresh enough for the follow-up to remind anyone.

A reminder claims what the books say is open; the books know of a payment only once the bank
statement is imported and reconciled. When a bank journal's last statement line is older than the
company's limit (``max_age_days``; 0 = no limit), the run sends nothing automatically.

>>> from datetime import date
>>> stale_journals(date(2026, 3, 16), 3, {1: date(2026, 3, 13), 2: date(2026, 3, 12), 3: None})
(2,)
>>> stale_journals(date(2026, 3, 16), 0, {2: date(2020, 1, 1)})
()
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from datetime import date

from .bounds import Bound

# How old the last bank statement line may be, in days (0: the check is off, as installed).
BANK_AGE_DAYS = Bound(0, 365, whole=True)


def stale_journals(today: date, max_age_days: int, last_lines: Mapping[Hashable, date | None]) -> tuple:
    """The journals (keys of ``last_lines``) whose last statement line is more than ``max_age_days`` old.

    ``last_lines`` gives each bank journal's latest statement line date; a journal that never had one
    (``None``: not in use, e.g. the default bank journal of a company that banks elsewhere) is not
    checked. A line dated today or ``max_age_days`` ago is fresh.

    >>> stale_journals(date(2026, 3, 16), 1, {"Bank": date(2026, 3, 15), "Savings": date(2026, 3, 14)})
    ('Savings',)
    """
    if max_age_days < 0:
        raise ValueError("The bank statements' maximum age cannot be negative.")
    if not max_age_days:
        return ()
    return tuple(
        journal for journal, last in last_lines.items() if last is not None and (today - last).days > max_age_days
    )
