"""The bank-freshness rule: a bank journal whose last statement line is too old holds the run back."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collections_addon.engine import BANK_AGE_DAYS, stale_journals

TODAY = date(2026, 3, 16)


def test_off_by_default_whatever_the_dates():
    assert stale_journals(TODAY, 0, {1: date(2000, 1, 1)}) == ()


def test_exactly_the_limit_is_fresh_one_more_day_is_stale():
    assert stale_journals(TODAY, 5, {1: TODAY - timedelta(days=5)}) == ()
    assert stale_journals(TODAY, 5, {1: TODAY - timedelta(days=6)}) == (1,)


def test_a_journal_never_used_is_not_checked():
    assert stale_journals(TODAY, 5, {1: None, 2: TODAY}) == ()


def test_a_negative_limit_is_refused():
    with pytest.raises(ValueError):
        stale_journals(TODAY, -1, {})
    assert BANK_AGE_DAYS.problem(-1) == "below"
    assert BANK_AGE_DAYS.problem(0) is None


@given(st.integers(min_value=1, max_value=365), st.integers(min_value=-30, max_value=800))
def test_stale_exactly_when_older_than_the_limit(limit, age):
    assert (stale_journals(TODAY, limit, {"Bank": TODAY - timedelta(days=age)}) == ("Bank",)) == (age > limit)
