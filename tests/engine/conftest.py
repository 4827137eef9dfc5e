"""What the engine tests share: the reference days, calendars, property-test settings and builders.

Test modules import the values (``from tests.engine.conftest import TODAY, GOOD_FRIDAY``); the
fixtures below hand the same values to tests that take them as arguments. Every day here is
checked against its weekday by ``test_the_reference_days_are_the_weekdays_they_are_named_for``.
"""

from datetime import date, timedelta

import pytest
from hypothesis import settings

from collections_addon.engine import BusinessCalendar, FollowupLevel

# The Odoo tests' day too (tests/common.py): a Monday.
TODAY = date(2026, 3, 16)

# A reference week of 2026, Monday to the next Wednesday.
MON = date(2026, 3, 2)
TUE = date(2026, 3, 3)
WED = date(2026, 3, 4)
THU = date(2026, 3, 5)
FRI = date(2026, 3, 6)
SAT = date(2026, 3, 7)
SUN = date(2026, 3, 8)
NEXT_MON = date(2026, 3, 9)
NEXT_TUE = date(2026, 3, 10)
NEXT_WED = date(2026, 3, 11)

# Public holidays of 2026 around Easter.
GOOD_FRIDAY = date(2026, 4, 3)
EASTER_MONDAY = date(2026, 4, 6)

MON_FRI = BusinessCalendar()
MON_SAT = BusinessCalendar(workdays={0, 1, 2, 3, 4, 5})
EVERY_DAY = BusinessCalendar(workdays=range(7))

# Property tests: enough examples to find the edges, no deadline (the machine is shared), no example database.
PROPERTIES = settings(max_examples=300, deadline=None, database=None)

# (day, weekday) pairs the tests rely on.
WEEKDAYS = (
    (TODAY, 0),
    (MON, 0),
    (TUE, 1),
    (WED, 2),
    (THU, 3),
    (FRI, 4),
    (SAT, 5),
    (SUN, 6),
    (NEXT_MON, 0),
    (NEXT_TUE, 1),
    (NEXT_WED, 2),
    (GOOD_FRIDAY, 4),
    (EASTER_MONDAY, 0),
)


def due_date(days_late, today=TODAY):
    """The due date of an invoice ``days_late`` days late on ``today`` (negative: not due yet)."""
    return today - timedelta(days=days_late)


def level(level_id, days, **values):
    """A follow-up level ``days`` after the due date (negative: before it), e-mail only unless told."""
    return FollowupLevel(id=level_id, days=days, **values)


def levels(*days, **values):
    """Levels at these days, numbered from 1 in the order given."""
    return [level(number, day, **values) for number, day in enumerate(days, start=1)]


@pytest.fixture
def today():
    return TODAY


@pytest.fixture
def mon_fri():
    return MON_FRI
