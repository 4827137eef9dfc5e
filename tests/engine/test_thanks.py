"""Thanking a paid customer: ``thanks_due`` (once per episode, only for overdue debt that was chased)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from collections_addon.engine import thanks_due

from .followup_cases import TODAY, item

LAST = date(2026, 3, 9)


def due(items=(), **kwargs):
    values = {"reminded_days": 5, "last_contact": LAST, "thanked": None, **kwargs}
    return thanks_due(TODAY, list(items), **values)


def test_reminded_and_nothing_overdue_is_thanked():
    assert due()
    assert due([item(1, -10)]), "an invoice not yet due is no debt to chase"
    assert due([item(1, 8, residual=-20.0)]), "an open credit is nothing owed"


def test_something_still_overdue_is_not_thanked_held_or_not():
    assert not due([item(1, 1)])
    assert not due([item(1, 8, excluded=True, hold="promise")]), "a promise is not a payment"


def test_never_reminded_or_only_before_the_due_date_is_not_thanked():
    assert not due(reminded_days=None)
    assert not due(reminded_days=-3)
    assert not due(last_contact=None)


def test_an_agreement_under_way_is_not_a_payment():
    assert not due(agreement_running=True)


def test_once_per_episode_and_again_after_a_new_reminder():
    assert not due(thanked=LAST)
    assert not due(thanked=LAST + timedelta(days=1))
    assert due(thanked=LAST - timedelta(days=1)), "a reminder after the last thank-you opens a new episode"


@given(st.integers(min_value=-60, max_value=60), st.integers(min_value=-30, max_value=30))
def test_thanked_at_most_once_per_last_contact(thanked_offset, contact_offset):
    last_contact = TODAY - timedelta(days=abs(contact_offset))
    thanked = last_contact + timedelta(days=thanked_offset)
    result = thanks_due(TODAY, [], reminded_days=5, last_contact=last_contact, thanked=thanked)
    assert result == (thanked < last_contact)
