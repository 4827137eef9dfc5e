"""A/B tests: stable, proportional assignment; Wilson intervals and the two-proportion z-test by hand."""

import math
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collections_addon.engine.ab_test import (
    assign_variant,
    compare_variants,
    two_proportion_p_value,
    wilson_interval,
)
from tests.engine.conftest import PROPERTIES

CUSTOMERS = range(1, 20_001)

# ----------------------------------------------------------------------
# Assignment
# ----------------------------------------------------------------------


def test_the_assignment_is_pinned_across_runs_and_machines():
    # Fixed values: a change in the hash or the split would move customers between variants mid-test.
    drawn = "".join(assign_variant(customer, "level-2-email", {"a": 1, "b": 1}) for customer in range(1, 17))
    assert drawn == "bbaaabbabbbabbab"
    assert assign_variant("42", "level-2-email", {"a": 50, "b": 50}) == "a"  # the text of the id is hashed
    assert assign_variant(42, "level-2-email", {"a": 50, "b": 50}) == "a"


def test_the_assignment_follows_the_weights_over_many_customers():
    counts = Counter(assign_variant(customer, "reminder-1", {"a": 70, "b": 20, "c": 10}) for customer in CUSTOMERS)
    assert abs(counts["a"] / len(CUSTOMERS) - 0.7) < 0.02
    assert abs(counts["b"] / len(CUSTOMERS) - 0.2) < 0.02
    assert abs(counts["c"] / len(CUSTOMERS) - 0.1) < 0.02


def test_another_test_key_shuffles_the_customers():
    first = [assign_variant(customer, "test-1", {"a": 1, "b": 1}) for customer in range(1, 1001)]
    second = [assign_variant(customer, "test-2", {"a": 1, "b": 1}) for customer in range(1, 1001)]
    agree = sum(one == two for one, two in zip(first, second, strict=True))
    assert 400 < agree < 600


def test_a_variant_of_weight_zero_is_never_drawn():
    assert {assign_variant(customer, "t", {"old": 0, "winner": 100}) for customer in range(500)} == {"winner"}


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({}, "at least one variant"),
        ({"a": 0, "b": 0}, "must not all be 0"),
        ({"a": -1, "b": 2}, "whole number from 0"),
        ({"a": 0.5, "b": 0.5}, "whole number from 0"),
        ({"a": True}, "whole number from 0"),
    ],
)
def test_bad_weights_are_refused(weights, message):
    with pytest.raises(ValueError, match=message):
        assign_variant(1, "t", weights)


@PROPERTIES
@given(
    st.one_of(st.integers(), st.text(max_size=20)),
    st.text(max_size=20),
    st.dictionaries(st.sampled_from("abcde"), st.integers(min_value=0, max_value=100), min_size=1).filter(
        lambda weights: sum(weights.values()) > 0
    ),
)
def test_the_assignment_is_stable_and_draws_a_weighted_variant(customer, key, weights):
    variant = assign_variant(customer, key, weights)
    assert weights[variant] > 0
    assert assign_variant(customer, key, dict(reversed(list(weights.items())))) == variant


# ----------------------------------------------------------------------
# Comparison
# ----------------------------------------------------------------------


def test_wilson_interval_by_hand():
    # 30 of 100 at 95 %: z = 1.959964; centre = (0.3 + z^2/200) / (1 + z^2/100) = 0.30728...;
    # half = z / (1 + z^2/100) * sqrt(0.21/100 + z^2/40000) = 0.08835...
    low, high = wilson_interval(30, 100)
    assert low == pytest.approx(0.21895, abs=1e-5)
    assert high == pytest.approx(0.39585, abs=1e-5)
    assert wilson_interval(10, 10)[1] == 1.0


def test_the_z_test_by_hand():
    # Pooled 0.4; spread = sqrt(0.24 * 0.02) = 0.069282; z = 0.2 / 0.069282 = 2.88675; p = erfc(z / sqrt 2).
    expected = math.erfc(0.2 / math.sqrt(0.24 * 0.02) / math.sqrt(2))
    assert two_proportion_p_value(30, 100, 50, 100) == pytest.approx(expected)
    assert two_proportion_p_value(30, 100, 50, 100) == pytest.approx(0.003892, abs=1e-6)
    result = compare_variants(30, 100, 50, 100)
    assert result.significant
    assert result.difference == pytest.approx(0.2)


def test_a_small_difference_on_few_customers_is_not_significant():
    result = compare_variants(3, 10, 5, 10)
    assert not result.significant
    assert result.p_value > 0.05


def test_a_higher_confidence_asks_for_more():
    # p = 0.0039: significant at 99 % too, not at 99.9 %.
    assert compare_variants(30, 100, 50, 100, confidence=0.99).significant
    assert not compare_variants(30, 100, 50, 100, confidence=0.999).significant


def test_without_trials_there_is_no_rate_and_no_verdict():
    result = compare_variants(0, 0, 0, 0)
    assert (result.rate_a, result.interval_a, result.p_value, result.difference, result.significant) == (
        None,
        None,
        None,
        None,
        False,
    )
    one_sided = compare_variants(4, 10, 0, 0)
    assert one_sided.rate_a == 0.4
    assert one_sided.interval_b is None
    assert not one_sided.significant


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1, 10, 0, 10), "whole number from 0"),
        ((1, 10, 11, 10), "at most one per trial"),
        ((1, 10, 1, 10, 1.0), "between 0 and 1"),
        ((1, 10, 1, 10, 0), "between 0 and 1"),
        ((1.5, 10, 1, 10), "whole number from 0"),
    ],
)
def test_bad_counts_are_refused(args, message):
    with pytest.raises(ValueError, match=message):
        compare_variants(*args)


COUNTS = st.integers(min_value=1, max_value=5000).flatmap(
    lambda trials: st.tuples(st.integers(min_value=0, max_value=trials), st.just(trials))
)


@PROPERTIES
@given(COUNTS, st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_the_interval_contains_the_rate(counts, confidence):
    successes, trials = counts
    low, high = wilson_interval(successes, trials, confidence)
    assert 0 <= low <= successes / trials <= high <= 1


@PROPERTIES
@given(COUNTS, COUNTS)
def test_the_p_value_is_symmetric_and_a_probability(first, second):
    forward = compare_variants(*first, *second)
    backward = compare_variants(*second, *first)
    assert 0 <= forward.p_value <= 1
    assert forward.p_value == pytest.approx(backward.p_value)
    assert forward.significant == (forward.p_value < 0.05)
    assert forward.difference == pytest.approx(-backward.difference)


@PROPERTIES
@given(COUNTS)
def test_equal_rates_give_a_p_value_of_one(counts):
    successes, trials = counts
    assert compare_variants(successes, trials, successes * 2, trials * 2).p_value == pytest.approx(1.0)
