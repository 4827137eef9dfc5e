"""The cash-in forecast: weeks from Monday, the weights of each source, the horizon, the check after the fact."""

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collections_addon.engine.forecast import (
    FORECAST_WEEKS,
    Inflow,
    compare_forecast,
    week_start,
    weekly_forecast,
)
from tests.engine.conftest import PROPERTIES, TODAY, WED

D = Decimal


def day(offset, start=TODAY):
    return start + timedelta(days=offset)


def test_eight_weeks_from_the_monday_of_today():
    weeks = weekly_forecast(WED, [], [], [])
    assert len(weeks) == FORECAST_WEEKS == 8
    assert weeks[0].start == day(-2, WED)
    assert [week.start.weekday() for week in weeks] == [0] * 8
    assert all(week.total == 0 for week in weeks)


def test_each_source_is_weighted_and_kept_apart():
    weeks = weekly_forecast(
        TODAY,
        instalments=[Inflow(day(1), 1000), Inflow(day(8), 1000, "0.9")],
        promises=[Inflow(day(2), 400, "0.75"), Inflow(day(9), 100, 0)],
        open_items=[Inflow(day(6), 300, "0.5")],
    )
    assert (weeks[0].instalments, weeks[0].promises, weeks[0].open_items) == (D(1000), D(300), D(150))
    assert weeks[0].total == D(1450)
    assert (weeks[1].instalments, weeks[1].promises, weeks[1].total) == (D(900), D(0), D(900))


def test_late_inflows_count_now_and_those_beyond_the_horizon_not_at_all():
    weeks = weekly_forecast(TODAY, [Inflow(day(-40), 100)], [], [Inflow(day(56), 500), Inflow(day(55), 70)])
    assert weeks[0].instalments == 100
    # Day 55 is the Sunday of the eighth week; day 56 the Monday after the horizon.
    assert weeks[-1].open_items == 70
    assert sum(week.total for week in weeks) == 170


def test_the_week_of_a_sunday_starts_on_the_monday_before():
    assert week_start(day(6)) == TODAY


def test_compare_forecast_buckets_receipts_by_week():
    weeks = weekly_forecast(TODAY, [Inflow(day(1), 1000)], [], [], weeks=3)
    rows = compare_forecast(weeks, [(day(0), 600), (day(6), "500"), (day(9), 200), (day(-1), 999), (day(21), 999)])
    assert [(row.expected, row.actual, row.difference, row.ratio) for row in rows] == [
        (D(1000), D(1100), D(100), D("1.10")),
        (D(0), D(200), D(200), None),
        (D(0), D(0), D(0), None),
    ]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Inflow(TODAY, -1), "use an amount from 0"),
        (lambda: Inflow(TODAY, 10, "1.5"), "use 0 to 1"),
        (lambda: Inflow(TODAY, 10, -0.1), "use 0 to 1"),
        (lambda: Inflow(TODAY, "ten"), "must be a number"),
        (lambda: weekly_forecast(TODAY, [], [], [], weeks=0), "1 to 104 weeks"),
        (lambda: weekly_forecast(TODAY, [], [], [], weeks=2.5), "1 to 104 weeks"),
    ],
)
def test_bad_input_is_refused_with_a_reason(build, message):
    with pytest.raises(ValueError, match=message):
        build()


CENTS = st.integers(min_value=0, max_value=10_000_000).map(lambda cents: D(cents) / 100)
PROBABILITIES = st.integers(min_value=0, max_value=100).map(lambda percent: D(percent) / 100)
INFLOWS = st.lists(
    st.builds(Inflow, st.integers(min_value=-30, max_value=120).map(day), CENTS, PROBABILITIES), max_size=10
)


@PROPERTIES
@given(st.integers(min_value=0, max_value=6), INFLOWS, INFLOWS, INFLOWS, st.integers(min_value=1, max_value=20))
def test_the_totals_are_the_weighted_inputs_inside_the_horizon(offset, instalments, promises, open_items, weeks):
    today = day(offset)
    forecast = weekly_forecast(today, instalments, promises, open_items, weeks=weeks)
    end = week_start(today) + timedelta(weeks=weeks)
    for source, inflows in (("instalments", instalments), ("promises", promises), ("open_items", open_items)):
        inside = sum((inflow.amount * inflow.probability for inflow in inflows if inflow.day < end), D(0))
        assert sum((getattr(week, source) for week in forecast), D(0)) == inside
    assert [week.start for week in forecast] == [week_start(today) + timedelta(weeks=n) for n in range(weeks)]


@PROPERTIES
@given(INFLOWS, st.lists(st.tuples(st.integers(min_value=-10, max_value=70).map(day), CENTS), max_size=10))
def test_the_check_keeps_the_forecast_and_counts_the_receipts_in_its_weeks(inflows, receipts):
    forecast = weekly_forecast(TODAY, inflows, [], [])
    rows = compare_forecast(forecast, receipts)
    assert [row.expected for row in rows] == [week.total for week in forecast]
    inside = sum((amount for receipt_day, amount in receipts if TODAY <= receipt_day < day(56)), D(0))
    assert sum((row.actual for row in rows), D(0)) == inside
    assert all(row.difference == row.actual - row.expected for row in rows)
