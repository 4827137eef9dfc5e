"""A/B tests of templates and scripts: which variant a customer gets, and whether the variants differ.

A customer's variant depends only on the test's key, the customer and the weights: the SHA-256 of
``"<test key>:<customer id>"`` picks a point in the total weight, and the variants (sorted by their code, so
the order the caller lists them in does not matter) share the range in proportion to their whole weights. The
same customer gets the same variant on every run and on every machine (Python's ``hash()`` is salted per
process and is never used); another test key shuffles the customers anew.

The comparison of two variants is the two-proportion z-test (two-sided, pooled) with Wilson score intervals
for each rate; it is a normal approximation, reliable once each variant has a few successes and a few failures.

>>> assign_variant(42, "level-2-email", {"a": 50, "b": 50})
'a'
>>> assign_variant(42, "level-2-email", {"b": 50, "a": 50})
'a'
>>> result = compare_variants(30, 100, 50, 100)
>>> result.rate_a, result.rate_b, result.significant
(0.3, 0.5, True)
>>> [round(bound, 3) for bound in result.interval_a], round(result.p_value, 4)
([0.219, 0.396], 0.0039)
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from statistics import NormalDist

# A variant's success: a contacted customer who paid something within this many days (one of the recovery
# windows of ``recovery.RECOVERY_WINDOWS``).
AB_TEST_WINDOW_DAYS = 30

DEFAULT_CONFIDENCE = 0.95
# Hex digits of the SHA-256 read as the customer's point: 64 bits, so the modulo's bias is below 1e-15.
HASH_HEX_DIGITS = 16


def _check_weights(weights: Mapping[Hashable, int]) -> None:
    if not weights:
        raise ValueError("An A/B test needs at least one variant with a weight.")
    for variant, weight in weights.items():
        if isinstance(weight, bool) or not isinstance(weight, int) or weight < 0:
            raise ValueError(f"The weight of variant {variant!r} must be a whole number from 0 (got {weight!r}).")
    if sum(weights.values()) <= 0:
        raise ValueError("The weights of an A/B test must not all be 0.")


def _variant_order(variant: Hashable):
    return (0, variant, "") if isinstance(variant, (int, float)) else (1, 0, str(variant))


def assign_variant(customer_id: Hashable, test_key: str, weights: Mapping[Hashable, int]) -> Hashable:
    """The variant of ``customer_id`` in test ``test_key``, drawn in proportion to the whole ``weights``.

    A variant of weight 0 is never drawn (a promoted winner keeps 100, the others 0).

    >>> assign_variant(7, "t", {"a": 0, "b": 3})
    'b'
    >>> assign_variant(7, "t", {"a": 0})
    Traceback (most recent call last):
    ...
    ValueError: The weights of an A/B test must not all be 0.
    """
    _check_weights(weights)
    digest = hashlib.sha256(f"{test_key}:{customer_id}".encode()).hexdigest()
    point = int(digest[:HASH_HEX_DIGITS], 16) % sum(weights.values())
    for variant in sorted(weights, key=_variant_order):
        if point < weights[variant]:
            return variant
        point -= weights[variant]
    raise AssertionError("unreachable: the point lies within the total weight")


@dataclass(frozen=True)
class VariantComparison:
    """Two variants' success rates, their Wilson intervals, the z-test's two-sided p-value.

    A variant without trials has no rate and no interval (None); the p-value is None unless both have trials.
    ``significant``: the p-value is below ``1 - confidence``.
    """

    rate_a: float | None
    rate_b: float | None
    interval_a: tuple[float, float] | None
    interval_b: tuple[float, float] | None
    difference: float | None
    p_value: float | None
    significant: bool
    confidence: float


def _check_counts(successes: int, trials: int, name: str) -> None:
    for value, what in ((successes, "successes"), (trials, "trials")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"The {what} of variant {name} must be a whole number from 0 (got {value!r}).")
    if successes > trials:
        raise ValueError(f"Variant {name} has {successes} successes in {trials} trials: at most one per trial.")


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"The confidence must lie between 0 and 1, both excluded (got {confidence!r}).")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(successes: int, trials: int, confidence: float = DEFAULT_CONFIDENCE) -> tuple[float, float]:
    """The Wilson score interval of the rate ``successes / trials`` (sound near 0 and 1, unlike the Wald one).

    >>> wilson_interval(0, 10)[0], round(wilson_interval(0, 10)[1], 4)
    (0.0, 0.2775)
    >>> wilson_interval(0, 0)
    Traceback (most recent call last):
    ...
    ValueError: A rate needs at least one trial (got 0).
    """
    _check_counts(successes, trials, "")
    if trials == 0:
        raise ValueError("A rate needs at least one trial (got 0).")
    z = _z(confidence)
    rate = successes / trials
    centre = (rate + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z / (1 + z * z / trials) * math.sqrt(rate * (1 - rate) / trials + z * z / (4 * trials * trials))
    # At 0 and at every trial the bound is exactly the rate; the formula leaves a rounding crumb there.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return low, high


def two_proportion_p_value(successes_a: int, trials_a: int, successes_b: int, trials_b: int) -> float:
    """The two-sided p-value of the pooled two-proportion z-test; 1.0 when the pooled rate is 0 or 1.

    >>> two_proportion_p_value(5, 10, 5, 10), two_proportion_p_value(0, 10, 0, 20)
    (1.0, 1.0)
    """
    pooled = (successes_a + successes_b) / (trials_a + trials_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / trials_a + 1 / trials_b))
    if spread == 0:
        return 1.0
    z = abs(successes_a / trials_a - successes_b / trials_b) / spread
    return min(1.0, max(0.0, 1 - math.erf(z / math.sqrt(2))))


def compare_variants(
    successes_a: int, trials_a: int, successes_b: int, trials_b: int, confidence: float = DEFAULT_CONFIDENCE
) -> VariantComparison:
    """Compare variant A (``successes_a`` of ``trials_a``) with variant B.

    >>> compare_variants(0, 0, 3, 10).p_value is None
    True
    >>> compare_variants(3, 2, 0, 0)
    Traceback (most recent call last):
    ...
    ValueError: Variant A has 3 successes in 2 trials: at most one per trial.
    """
    _check_counts(successes_a, trials_a, "A")
    _check_counts(successes_b, trials_b, "B")
    _z(confidence)
    rate_a = successes_a / trials_a if trials_a else None
    rate_b = successes_b / trials_b if trials_b else None
    p_value = None
    if trials_a and trials_b:
        p_value = two_proportion_p_value(successes_a, trials_a, successes_b, trials_b)
    return VariantComparison(
        rate_a=rate_a,
        rate_b=rate_b,
        interval_a=wilson_interval(successes_a, trials_a, confidence) if trials_a else None,
        interval_b=wilson_interval(successes_b, trials_b, confidence) if trials_b else None,
        difference=rate_b - rate_a if p_value is not None else None,
        p_value=p_value,
        significant=p_value is not None and p_value < 1 - confidence,
        confidence=confidence,
    )
