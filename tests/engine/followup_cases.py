"""Shared cases of the follow-up engine tests: reference levels, open items and a ``decide`` shortcut.

Reference dates (2026, Monday-to-Friday calendar unless stated): see ``test_followup.py``.
"""

from datetime import date, timedelta

from collections_addon.engine import FollowupLevel, OpenItem, PartnerSituation, decide_partner

TODAY = date(2026, 3, 16)  # Monday

PRE = FollowupLevel(id=1, days=-3)  # reminder three days before the due date
L5 = FollowupLevel(id=2, days=5)
L15 = FollowupLevel(id=3, days=15)
L30 = FollowupLevel(id=4, days=30)
LEVELS = [PRE, L5, L15, L30]


def item(move_id, days_late, residual=100.0, *, today=TODAY, currency="EUR", **kwargs):
    """An open item whose due date is ``days_late`` days before ``today`` (negative = not due yet)."""
    return OpenItem(
        move_id=move_id,
        due_date=today - timedelta(days=days_late),
        currency=currency,
        residual=residual,
        **kwargs,
    )


def situation(**kwargs):
    return PartnerSituation(partner_id=kwargs.pop("partner_id", 7), **kwargs)


def decide(items, *, levels=LEVELS, today=TODAY, **kwargs):
    kwargs.setdefault("situation", situation())
    return decide_partner(today=today, levels=levels, items=items, **kwargs)


# The first reminder only from 100 (the minimum amount of a level).
L5_MIN100 = FollowupLevel(id=2, days=5, min_amount=100.0)
MIN_LEVELS = [L5_MIN100, L30]
