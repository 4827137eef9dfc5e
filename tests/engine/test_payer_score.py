"""The payer score: worked examples computed by hand, and the properties every history and weight keeps."""

import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collections_addon.engine import (
    SCORE_REASON_CODES,
    PaidInvoice,
    PayerHistory,
    PayerScore,
    PromiseOutcome,
    ScoreWeights,
    expected_recovery,
    payer_score,
    predicted_pay_date,
    recovery_probability,
    recovery_urgency,
)
from tests.engine.conftest import PROPERTIES, TODAY

D = Decimal
WEIGHTS = ScoreWeights()


def paid(days_ago, days_late, amount=100, after_reminder=False):
    """An invoice paid ``days_ago`` days before TODAY, ``days_late`` days after its due date."""
    paid_date = TODAY - timedelta(days=days_ago)
    return PaidInvoice(paid_date - timedelta(days=days_late), paid_date, amount, after_reminder)


def promise(days_ago, kept):
    return PromiseOutcome(TODAY - timedelta(days=days_ago), kept)


def score(history, weights=WEIGHTS, today=TODAY):
    return payer_score(history, weights, today)


def explained(result):
    return [(reason.code, reason.value, reason.points) for reason in result.reasons]


def codes(result):
    return [reason.code for reason in result.reasons]


# ----------------------------------------------------------------------
# Worked examples
# ----------------------------------------------------------------------


def test_a_customer_who_always_pays_on_time_scores_100():
    result = score(PayerHistory(paid=[paid(10, 0), paid(40, -5), paid(200, 0)]))
    assert (result.score, result.average_days_late, result.paid_count) == (100, 0, 3)
    assert explained(result) == [("pays_on_time", 3, 0)]


def test_days_late_are_weighted_by_amount():
    # (900 x 20 + 100 x 0) / 1000 = 18 days, both paid more than 90 days ago: no trend.
    result = score(PayerHistory(paid=[paid(100, 20, 900), paid(120, 0, 100)]))
    assert (result.average_days_late, result.trend_days, result.typical_days_late, result.score) == (18, 0, 18, 82)


def test_paying_later_lately_costs_its_own_points():
    # Window average (10 + 30) / 2 = 20; recent (last 90 days) 30: trend +10; typical 20 + 0.5 x 10 = 25.
    result = score(PayerHistory(paid=[paid(200, 10), paid(30, 30)]))
    assert (result.average_days_late, result.trend_days, result.typical_days_late) == (20, 10, 25)
    assert explained(result) == [
        ("average_days_late", 20, 20),
        ("trend_days", 10, 5),
    ]
    assert result.score == 75


def test_paying_earlier_lately_is_shown_but_not_rewarded_beyond_the_average():
    result = score(PayerHistory(paid=[paid(200, 30), paid(30, 10)]))
    assert (result.average_days_late, result.trend_days, result.typical_days_late, result.score) == (20, -10, 20, 80)
    assert codes(result) == ["average_days_late"]


def test_share_paid_after_a_reminder_counts_by_amount():
    # 300 of 400 paid after a reminder: 75 % x 20 points = 15.
    result = score(PayerHistory(paid=[paid(10, 0, 300, after_reminder=True), paid(20, 0, 100)]))
    assert (result.after_reminder_percent, result.score) == (75, 85)
    assert explained(result) == [("after_reminder_share", 75, 15)]


def test_promises_disputes_and_protests_each_take_points_up_to_their_cap():
    history = PayerHistory(
        paid=[paid(10, 0)],
        promises=[promise(days, kept=False) for days in (5, 50, 100, 150)] + [promise(20, kept=True)],
        disputes=1,
        protests=3,
    )
    result = score(history)
    # Promises 4 x 10 capped at 30; disputes 5; protests 3 x 20 capped at 40.
    assert explained(result) == [
        ("protests", 3, 40),
        ("broken_promises", 4, 30),
        ("disputes", 1, 5),
    ]
    assert (result.score, result.kept_promises, result.broken_promises) == (25, 1, 4)


def test_the_score_never_goes_below_zero():
    history = PayerHistory(
        paid=[paid(10, 200, after_reminder=True)], promises=[promise(day, False) for day in range(1, 5)], protests=5
    )
    assert score(history).score == 0


def test_only_the_lookback_window_counts():
    old = PayerHistory(paid=[paid(400, 60)], promises=[promise(400, kept=False)])
    result = score(old)
    assert (result.score, result.paid_count, result.broken_promises, codes(result)) == (50, 0, 0, ["no_history"])
    assert score(old, ScoreWeights(lookback_days=730)).score == 50  # 60 days late capped at 40; 10 a promise


def test_a_promise_dated_after_today_is_not_counted_yet():
    result = score(PayerHistory(paid=[paid(1, 0)], promises=[promise(-3, kept=True)]))
    assert (result.kept_promises, result.broken_promises) == (0, 0)


def test_ties_are_listed_in_the_order_of_the_reason_codes():
    history = PayerHistory(paid=[paid(10, 10)], promises=[promise(3, kept=False)])
    assert codes(score(history)) == ["average_days_late", "broken_promises"]
    assert SCORE_REASON_CODES.index("average_days_late") < SCORE_REASON_CODES.index("broken_promises")


# ----------------------------------------------------------------------
# No history
# ----------------------------------------------------------------------


def test_no_history_is_the_neutral_score_with_its_reason():
    result = score(PayerHistory())
    assert (result.score, result.no_history, result.typical_days_late) == (50, True, 0)
    assert explained(result) == [("no_history", 0, 50)]
    assert score(PayerHistory(), ScoreWeights(neutral_score=70)).score == 70
    assert codes(score(PayerHistory(), ScoreWeights(neutral_score=100))) == ["no_history"]


def test_no_paid_invoice_still_counts_promises_disputes_and_protests():
    result = score(PayerHistory(promises=[promise(10, kept=False)], disputes=2))
    assert result.score == 30
    assert codes(result) == ["no_history", "broken_promises", "disputes"]


# ----------------------------------------------------------------------
# Weights and input checks
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"points_per_day_late": -1}, "The weight points_per_day_late must be 0 to 100, got -1"),
        ({"trend_weight": 1.5}, "The weight trend_weight must be 0 to 1, got 1.5"),
        ({"lookback_days": 10}, "The weight lookback_days must be 30 to 3650, got 10"),
        ({"lookback_days": 100.5}, "lookback_days must be 30 to 3650"),
        ({"neutral_score": 101}, "neutral_score must be 0 to 100"),
        ({"max_protest_points": float("nan")}, "max_protest_points must be 0 to 100"),
        ({"dispute_points": "5"}, "dispute_points must be 0 to 100"),
        ({"recent_days": 0}, "recent_days must be 1 to 3650"),
        ({"recent_days": 120, "lookback_days": 90}, r"recent period \(120 days\) must fit in the lookback window"),
    ],
)
def test_weights_out_of_range_are_refused_naming_the_weight(values, message):
    with pytest.raises(ValueError, match=message):
        ScoreWeights(**values)


@pytest.mark.parametrize("name", [field.name for field in dataclasses.fields(ScoreWeights)])
def test_every_weight_is_checked(name):
    with pytest.raises(ValueError, match=f"The weight {name} must be"):
        ScoreWeights(**{name: -1})


@pytest.mark.parametrize(
    ("history", "message"),
    [
        (PayerHistory(paid=[paid(-1, 0)]), "in the future of 2026-03-16"),
        (PayerHistory(paid=[paid(1, 0, amount=0)]), "amount must be above 0"),
        (PayerHistory(paid=[paid(1, 0, amount="abc")]), "is not a number"),
        (PayerHistory(paid=[("2026-01-01", "2026-01-02", 10)]), "holds PaidInvoice values"),
        (PayerHistory(promises=[date(2026, 1, 1)]), "hold PromiseOutcome values"),
        (PayerHistory(disputes=-1), "number of disputes must be a whole number, 0 or more"),
        (PayerHistory(protests=True), "number of protests must be a whole number"),
    ],
)
def test_a_wrong_history_is_refused_saying_what_is_wrong(history, message):
    with pytest.raises(ValueError, match=message):
        score(history)


def test_wrong_dates_and_weights_are_refused():
    with pytest.raises(ValueError, match="today must be a date"):
        payer_score(PayerHistory(), WEIGHTS, "2026-03-16")
    with pytest.raises(ValueError, match="weights must be a ScoreWeights"):
        payer_score(PayerHistory(), {"lookback_days": 365}, TODAY)


# ----------------------------------------------------------------------
# Predictions and the worklist's order
# ----------------------------------------------------------------------


def test_predicted_pay_date_adds_the_typical_days_late_never_before_today():
    result = score(PayerHistory(paid=[paid(200, 10), paid(30, 30)]))  # typical 25
    assert predicted_pay_date(TODAY - timedelta(days=5), result, TODAY) == TODAY + timedelta(days=20)
    assert predicted_pay_date(TODAY - timedelta(days=40), result, TODAY) == TODAY
    assert predicted_pay_date(TODAY - timedelta(days=3), score(PayerHistory()), TODAY) == TODAY
    assert predicted_pay_date(TODAY + timedelta(days=10), 0, TODAY) == TODAY + timedelta(days=10)
    with pytest.raises(ValueError, match="typical days late must be a whole number, 0 or more"):
        predicted_pay_date(TODAY, -1, TODAY)


def test_recovery_probability_worked_examples():
    assert recovery_probability(100, 0) == 1.0
    assert recovery_probability(100, 90) == 0.5
    assert recovery_probability(100, 180) == 0.3333
    assert recovery_probability(50, -10) == recovery_probability(50, 0) == 0.525
    assert recovery_probability(50, 30, half_life_days=30) == 0.2625
    with pytest.raises(ValueError, match="The score must be 0 to 100"):
        recovery_probability(101, 0)
    with pytest.raises(ValueError, match="days late must be a whole number"):
        recovery_probability(50, 1.5)


def test_urgency_and_expected_recovery():
    assert [recovery_urgency(days) for days in (None, 45, 30, 24, 0, -3)] == [1, 1, 1, Fraction(6, 5), 2, 2]
    assert expected_recovery(D("1000.00"), 0.5, recovery_urgency(24)) == D("600.00")
    assert expected_recovery("333.33", 0.3333, 1) == D("111.10")  # 111.099889 half up
    assert expected_recovery(0, 1, 2) == 0
    with pytest.raises(ValueError, match="The urgency must be 1 to 2"):
        expected_recovery(100, 0.5, 3)
    with pytest.raises(ValueError, match="The urgency must be 1 to 2"):
        expected_recovery(100, 0.5, Fraction(1, 2))
    with pytest.raises(ValueError, match="The amount must be 0 to"):
        expected_recovery(-1, 0.5, 1)
    with pytest.raises(ValueError, match="days to the next step must be a whole number or None"):
        recovery_urgency("soon")


def test_the_worklist_order_puts_a_large_likely_urgent_item_first():
    good, poor = recovery_probability(90, 10), recovery_probability(30, 10)
    items = {
        "large good urgent": expected_recovery(5000, good, recovery_urgency(0)),
        "large poor": expected_recovery(5000, poor, recovery_urgency(None)),
        "small good": expected_recovery(200, good, recovery_urgency(None)),
    }
    assert sorted(items, key=items.get, reverse=True) == ["large good urgent", "large poor", "small good"]


# ----------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------

invoices = st.builds(
    paid,
    days_ago=st.integers(0, 500),
    days_late=st.integers(-30, 400),
    amount=st.decimals(D("0.01"), D("100000"), places=2),
    after_reminder=st.booleans(),
)
promises = st.builds(promise, days_ago=st.integers(-30, 500), kept=st.booleans())
histories = st.builds(
    PayerHistory,
    paid=st.lists(invoices, max_size=8),
    promises=st.lists(promises, max_size=5),
    disputes=st.integers(0, 6),
    protests=st.integers(0, 4),
)
points = st.integers(0, 100)
weights = st.builds(
    ScoreWeights,
    lookback_days=st.integers(90, 730),
    recent_days=st.integers(1, 90),
    neutral_score=st.integers(0, 100),
    points_per_day_late=st.floats(0, 5),
    max_late_points=points,
    trend_weight=st.floats(0, 1),
    after_reminder_points=points,
    broken_promise_points=points,
    max_promise_points=points,
    dispute_points=points,
    max_dispute_points=points,
    protest_points=points,
    max_protest_points=points,
)


@PROPERTIES
@given(histories, weights)
def test_score_is_within_0_and_100_and_reasons_are_ordered_by_impact(history, weights):
    result = score(history, weights)
    assert isinstance(result, PayerScore)
    assert 0 <= result.score <= 100
    assert result.reasons
    assert all(reason.code in SCORE_REASON_CODES for reason in result.reasons)
    ranks = [(-reason.points, SCORE_REASON_CODES.index(reason.code)) for reason in result.reasons]
    assert [rank[0] for rank in ranks] == sorted(rank[0] for rank in ranks)
    assert len({reason.code for reason in result.reasons}) == len(result.reasons)
    assert ("no_history" in codes(result)) == result.no_history


@PROPERTIES
@given(histories, weights, st.data())
def test_score_never_rises_when_an_invoice_is_paid_later(history, weights, data):
    if not history.paid:
        return
    index = data.draw(st.integers(0, len(history.paid) - 1))
    more = data.draw(st.integers(1, 200))
    item = history.paid[index]
    # Due earlier, paid the same day: later, and still in the same windows.
    later = dataclasses.replace(item, due_date=item.due_date - timedelta(days=more))
    changed = dataclasses.replace(history, paid=[*history.paid[:index], later, *history.paid[index + 1 :]])
    assert score(changed, weights).score <= score(history, weights).score


@PROPERTIES
@given(histories, weights, st.integers(0, 500))
def test_a_broken_promise_never_raises_the_score(history, weights, days_ago):
    changed = dataclasses.replace(history, promises=[*history.promises, promise(days_ago, kept=False)])
    assert score(changed, weights).score <= score(history, weights).score


@PROPERTIES
@given(histories, weights, st.integers(0, 500), st.integers(-30, 0), st.decimals(D("0.01"), D("100000"), places=2))
def test_another_invoice_paid_on_time_never_lowers_the_score(history, weights, days_ago, days_late, amount):
    changed = dataclasses.replace(history, paid=[*history.paid, paid(days_ago, days_late, amount)])
    assert score(changed, weights).score >= score(history, weights).score


@PROPERTIES
@given(histories, weights, st.sampled_from(["dispute_points", "protest_points", "points_per_day_late"]))
def test_a_heavier_weight_never_raises_the_score(history, weights, name):
    heavier = dataclasses.replace(weights, **{name: min(100, getattr(weights, name) + 5)})
    assert score(history, heavier).score <= score(history, weights).score


@PROPERTIES
@given(histories, weights, st.randoms(use_true_random=False))
def test_the_score_is_deterministic_whatever_the_order_of_the_history(history, weights, random):
    shuffled_paid, shuffled_promises = list(history.paid), list(history.promises)
    random.shuffle(shuffled_paid)
    random.shuffle(shuffled_promises)
    shuffled = dataclasses.replace(history, paid=shuffled_paid, promises=shuffled_promises)
    assert score(shuffled, weights) == score(history, weights) == score(history, weights)


@PROPERTIES
@given(histories, st.integers(-400, 400), st.integers(0, 400))
def test_predicted_pay_date_is_never_before_today_nor_the_due_date(history, due_offset, today_offset):
    today = TODAY + timedelta(days=today_offset)
    due = TODAY + timedelta(days=due_offset)
    predicted = predicted_pay_date(due, payer_score(history, WEIGHTS, today), today)
    assert predicted >= today
    assert predicted >= due


@PROPERTIES
@given(st.integers(0, 100), st.integers(0, 100), st.integers(-50, 5000), st.integers(0, 5000))
def test_recovery_probability_is_a_probability_monotonic_in_score_and_days(low, high, days, more):
    low, high = min(low, high), max(low, high)
    probability = recovery_probability(low, days)
    assert 0 <= probability <= 1
    assert recovery_probability(high, days) >= probability
    assert recovery_probability(low, days + more) <= probability


@PROPERTIES
@given(st.integers(-100, 100), st.integers(0, 100))
def test_urgency_is_between_1_and_2_and_grows_as_the_step_nears(days, sooner):
    assert 1 <= recovery_urgency(days) <= 2
    assert recovery_urgency(days - sooner) >= recovery_urgency(days)
