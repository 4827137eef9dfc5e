"""Agreements: their states and steps, the plan's limits and plan status (``engine.negotiation``)."""

import dataclasses
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import collections_addon.engine as engine
from collections_addon.engine import (
    AGREEMENT_HOLDING_STATES,
    AGREEMENT_INTERNAL_STATES,
    AGREEMENT_PENDING_STATES,
    AGREEMENT_STATES,
    AGREEMENT_STEPS,
    LIMIT_CODES,
    PLAN_STATES,
    Installment,
    LimitViolation,
    NegotiationLimits,
    build_schedule,
    check_limits,
    max_installments_for_minimum,
    plan_status,
    to_decimal,
)

D = Decimal
# No example database: failures are reported with their seed; .hypothesis/ keeps only its git-ignored cache.
PROPERTIES = settings(max_examples=300, deadline=None, database=None)


def amounts(schedule):
    return [item.amount for item in schedule]


def units_to_decimal(units, digits):
    return Decimal(units).scaleb(-digits)


# ----------------------------------------------------------------------
# Public names
# ----------------------------------------------------------------------

PUBLIC_NAMES = (
    "NegotiationLimits",
    "LimitViolation",
    "check_limits",
    "max_installments_for_minimum",
    "plan_status",
    "AGREEMENT_STATES",
    "AGREEMENT_STEPS",
)


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_every_public_name_is_exported_from_the_engine(name):
    assert name in engine.__all__
    assert getattr(engine, name) is not None


def test_constants():
    assert LIMIT_CODES == ("discount", "installments", "min_installment", "waiver")
    assert set(PLAN_STATES) == {"active", "done", "broken"}


def test_agreement_states_and_steps():
    assert AGREEMENT_STATES == ("draft", "proposed", "to_approve", "accepted", "active", "done", "broken", "cancelled")
    assert AGREEMENT_STEPS.states == AGREEMENT_STATES
    assert set(AGREEMENT_HOLDING_STATES) > set(AGREEMENT_PENDING_STATES)
    assert set(AGREEMENT_INTERNAL_STATES) <= set(AGREEMENT_STATES)
    assert set(AGREEMENT_HOLDING_STATES) <= set(AGREEMENT_STATES)


@pytest.mark.parametrize(
    ("action", "sources", "target"),
    [
        ("edit_terms", ("draft",), None),
        ("compute", ("draft",), None),
        ("propose", ("draft",), "proposed"),
        ("submit", ("draft",), "to_approve"),
        ("approve", ("to_approve",), "proposed"),
        ("refuse", ("to_approve",), "cancelled"),
        ("send", ("proposed", "active"), None),
        ("accept", ("proposed",), "accepted"),
        ("decline", ("proposed", "to_approve"), "cancelled"),
        ("book", ("accepted",), "active"),
        ("reset", ("proposed", "to_approve", "cancelled"), "draft"),
        ("cancel", ("draft", "proposed", "to_approve", "accepted", "active", "broken"), "cancelled"),
        ("fulfil", ("active", "broken"), "done"),
        ("break", ("active",), "broken"),
    ],
)
def test_agreement_steps(action, sources, target):
    """The table the agreement's buttons, portal and daily job ask (each row was an inline check before)."""
    assert AGREEMENT_STEPS.sources(action) == sources
    for state in sources:
        assert AGREEMENT_STEPS.target(action, state) == (target or state)
    for state in set(AGREEMENT_STATES) - set(sources):
        assert AGREEMENT_STEPS.problem(action, state) == "wrong_state"


def test_every_agreement_step_is_tested():
    assert set(AGREEMENT_STEPS.actions) == {
        "edit_terms", "compute", "propose", "submit", "approve", "refuse", "send", "accept", "decline", "book",
        "reset", "cancel", "fulfil", "break",
    }  # fmt: skip


def test_done_and_cancelled_agreements_are_final():
    for state in ("done", "cancelled"):
        assert [action for action in AGREEMENT_STEPS.actions if AGREEMENT_STEPS.allows(action, state)] == (
            ["reset"] if state == "cancelled" else []
        )


def test_results_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        NegotiationLimits().max_installments = 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        LimitViolation("discount", D(1), D(2)).code = "x"


def test_limits_default_to_no_discount_one_instalment_no_minimum():
    limits = NegotiationLimits()
    assert limits == NegotiationLimits(D(0), 1, D(0))
    assert limits.max_discount_percent == 0 and isinstance(limits.max_discount_percent, Decimal)
    assert limits.min_installment_amount == 0 and isinstance(limits.min_installment_amount, Decimal)
    assert hash(limits) == hash(NegotiationLimits())


def test_limits_read_floats_and_strings_as_exact_decimals():
    limits = NegotiationLimits(max_discount_percent=12.5, max_installments=6, min_installment_amount="50.00")
    assert limits.max_discount_percent == D("12.5")
    assert limits.min_installment_amount == D("50.00")
    assert NegotiationLimits(max_discount_percent=100).max_discount_percent == 100


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_discount_percent": -1}, r"the maximum discount cannot be negative \(got -1%\)"),
        ({"max_discount_percent": 100.5}, r"the maximum discount cannot exceed 100% \(got 100.5%\)"),
        ({"max_discount_percent": None}, r"the maximum discount must be a number"),
        ({"max_installments": 0}, r"the maximum number of instalments must be at least 1 \(got 0\)"),
        ({"max_installments": -2}, r"must be at least 1"),
        ({"max_installments": 3.0}, r"must be a whole number"),
        ({"min_installment_amount": -0.01}, r"the minimum instalment cannot be negative"),
        ({"min_installment_amount": float("nan")}, r"finite"),
    ],
)
def test_limits_reject(kwargs, message):
    with pytest.raises(ValueError, match=message):
        NegotiationLimits(**kwargs)


# ----------------------------------------------------------------------
# check_limits
# ----------------------------------------------------------------------

LIMITS = NegotiationLimits(max_discount_percent=D(10), max_installments=6, min_installment_amount=D(100))


def test_inside_the_limits_nothing_is_reported():
    schedule = build_schedule(1000, 100, 6, date(2026, 1, 5), "monthly")  # 10% exactly, 6 x 150
    assert check_limits(1000, 100, schedule, LIMITS) == []


def test_every_limit_beyond_is_reported_in_order():
    schedule = build_schedule(1000, 150, 12, date(2026, 1, 5), "monthly")  # 850 / 12: 70.84 x 10, 70.83 x 2
    assert check_limits(1000, 150, schedule, LIMITS) == [
        LimitViolation("discount", D(10), D("15.00")),
        LimitViolation("installments", D(6), D(12)),
        LimitViolation("min_installment", D(100), D("70.83")),
    ]


def test_the_discount_percentage_is_rounded_to_two_places_half_up():
    one = build_schedule(100000, 10004, 1, date(2026, 1, 5), "weekly")
    assert check_limits(100000, 10004, one, LIMITS) == []  # 10.004% -> 10.00%
    one = build_schedule(100000, 10005, 1, date(2026, 1, 5), "weekly")
    assert check_limits(100000, 10005, one, LIMITS) == [LimitViolation("discount", D(10), D("10.01"))]
    one = build_schedule(300, 100, 1, date(2026, 1, 5), "weekly")
    assert check_limits(300, 100, one, NegotiationLimits(max_discount_percent=40)) == []
    [violation] = check_limits(300, 100, one, NegotiationLimits(max_discount_percent="33.32"))
    assert violation.proposed == D("33.33") and str(violation.proposed) == "33.33"


def test_the_charges_waived_are_a_percentage_of_the_charges():
    limits = NegotiationLimits(max_waiver_percent=50)
    one = build_schedule(1040, 0, 1, date(2026, 1, 5), "weekly")
    assert check_limits(1000, 0, one, limits, charges=80, waived=40) == []
    [violation] = check_limits(1000, 0, one, limits, charges=80, waived="40.01")
    assert violation == LimitViolation("waiver", D(50), D("50.01"))
    assert check_limits(1000, 0, one, NegotiationLimits(), charges=80) == []
    assert check_limits(1000, 0, one, NegotiationLimits(), charges=0, waived=0) == []


@pytest.mark.parametrize(
    ("charges", "waived", "message"),
    [
        (10, -1, r"the charges waived cannot be negative"),
        (10, "10.01", r"the charges waived \(10.01\) cannot exceed the charges \(10\)"),
        (0, 1, r"cannot exceed the charges"),
        (-1, 0, r"the charges cannot be negative"),
    ],
)
def test_an_impossible_waiver_is_refused(charges, waived, message):
    one = build_schedule(1000, 0, 1, date(2026, 1, 5), "weekly")
    with pytest.raises(ValueError, match=message):
        check_limits(1000, 0, one, NegotiationLimits(max_waiver_percent=100), charges=charges, waived=waived)


def test_the_maximum_waiver_is_a_percentage():
    with pytest.raises(ValueError, match=r"the maximum waiver of the charges cannot exceed 100%"):
        NegotiationLimits(max_waiver_percent=101)
    assert NegotiationLimits(max_waiver_percent="12.5").max_waiver_percent == D("12.5")


def test_no_discount_allowed_by_default():
    one = build_schedule(100, "0.01", 1, date(2026, 1, 5), "weekly")
    assert check_limits(100, "0.01", one, NegotiationLimits()) == [LimitViolation("discount", D(0), D("0.01"))]
    # 0.004% rounds to 0.00%: not a discount the limits see
    one = build_schedule(1000, "0.04", 1, date(2026, 1, 5), "weekly")
    assert check_limits(1000, "0.04", one, NegotiationLimits()) == []


def test_instalment_count_at_the_limit_is_allowed():
    schedule = build_schedule(1200, 0, 6, date(2026, 1, 5), "monthly")
    assert check_limits(1200, 0, schedule, LIMITS) == []
    schedule = build_schedule(1400, 0, 7, date(2026, 1, 5), "monthly")
    assert check_limits(1400, 0, schedule, LIMITS) == [LimitViolation("installments", D(6), D(7))]
    assert isinstance(check_limits(1400, 0, schedule, LIMITS)[0].allowed, Decimal)


def test_smallest_instalment_against_the_minimum():
    limits = NegotiationLimits(max_installments=10, min_installment_amount=D("333.33"))
    schedule = build_schedule(1000, 0, 3, date(2026, 1, 5), "monthly")  # 333.34, 333.33, 333.33
    assert check_limits(1000, 0, schedule, limits) == []
    limits = NegotiationLimits(max_installments=10, min_installment_amount=D("333.34"))
    assert check_limits(1000, 0, schedule, limits) == [LimitViolation("min_installment", D("333.34"), D("333.33"))]
    # compared exactly: 333.333 is not reached by 333.33
    limits = NegotiationLimits(max_installments=10, min_installment_amount=D("333.333"))
    assert [v.code for v in check_limits(1000, 0, schedule, limits)] == ["min_installment"]


def test_no_minimum_means_no_minimum_violation():
    schedule = build_schedule("0.02", 0, 3, date(2026, 1, 5), "weekly")  # a 0.00 instalment
    assert check_limits("0.02", 0, schedule, NegotiationLimits(max_installments=3)) == []


def test_check_limits_works_on_a_schedule_edited_by_hand():
    schedule = [Installment(1, date(2026, 1, 5), D("900.00")), Installment(2, date(2026, 2, 5), D("50.00"))]
    assert check_limits(950, 0, schedule, NegotiationLimits(max_installments=2, min_installment_amount=100)) == [
        LimitViolation("min_installment", D(100), D("50.00"))
    ]


def test_check_limits_accepts_floats():
    schedule = build_schedule(1000.0, 99.999, 2, date(2026, 1, 5), "monthly")
    assert check_limits(1000.0, 100.0, schedule, LIMITS) == []


@pytest.mark.parametrize(
    ("total", "discount", "schedule", "limits", "message"),
    [
        (0, 0, [Installment(1, date(2026, 1, 5), D(1))], LIMITS, r"the amount due must be above zero"),
        (100, -1, [Installment(1, date(2026, 1, 5), D(1))], LIMITS, r"cannot be negative"),
        (100, 101, [Installment(1, date(2026, 1, 5), D(1))], LIMITS, r"cannot exceed the amount due"),
        (100, 0, [], LIMITS, r"the schedule has no instalment"),
        (100, 0, [Installment(1, date(2026, 1, 5), D(1))], None, r"the limits must be NegotiationLimits"),
    ],
)
def test_check_limits_rejects(total, discount, schedule, limits, message):
    with pytest.raises(ValueError, match=message):
        check_limits(total, discount, schedule, limits)


@st.composite
def limits_strategy(draw):
    return NegotiationLimits(
        max_discount_percent=draw(st.decimals(0, 100, places=2)),
        max_installments=draw(st.integers(1, 36)),
        min_installment_amount=draw(st.decimals(0, 5000, places=2)),
    )


@PROPERTIES
@given(st.integers(1, 10**9), st.data(), st.integers(1, 48), limits_strategy())
def test_check_limits_reports_exactly_the_limits_beyond(total_units, data, count, limits):
    discount_units = data.draw(st.integers(0, total_units - 1))
    total, discount = units_to_decimal(total_units, 2), units_to_decimal(discount_units, 2)
    schedule = build_schedule(total, discount, count, date(2026, 1, 5), "monthly")
    violations = check_limits(total, discount, schedule, limits)
    codes = [violation.code for violation in violations]
    assert codes == [code for code in LIMIT_CODES if code in codes]  # stable order, no duplicates
    percent = (discount * 100 / total).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert ("discount" in codes) == (percent > limits.max_discount_percent)
    assert ("installments" in codes) == (count > limits.max_installments)
    smallest = min(amounts(schedule))
    assert ("min_installment" in codes) == (
        limits.min_installment_amount > 0 and smallest < limits.min_installment_amount
    )
    for violation in violations:
        assert isinstance(violation.allowed, Decimal) and isinstance(violation.proposed, Decimal)
        if violation.code == "min_installment":
            assert violation.proposed == smallest < violation.allowed
        else:
            assert violation.proposed > violation.allowed
    assert check_limits(total, discount, schedule, limits) == violations


# ----------------------------------------------------------------------
# max_installments_for_minimum
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("net", "minimum", "digits", "expected"),
    [
        (1000, "333.33", 2, 3),
        (1000, "333.34", 2, 2),
        (1000, 100, 2, 10),
        (1000, "99.99", 2, 10),  # 11 x 90.90 falls short
        (100, 100, 2, 1),
        (50, 100, 2, 1),  # below the minimum: paid at once
        (100, 50, 2, 2),
        (100, "33.333", 2, 2),  # compared exactly: 33.33 does not reach 33.333
        (1000, 0, 2, 100000),  # no minimum: one cent each at least
        (1000, "0.001", 2, 100000),
        (1000, 333, 0, 3),
        ("0.01", 0, 2, 1),
    ],
)
def test_max_installments_for_minimum(net, minimum, digits, expected):
    assert max_installments_for_minimum(net, minimum, digits) == expected


@pytest.mark.parametrize(
    ("net", "minimum", "message"),
    [
        (0, 10, r"the amount to pay must be above zero"),
        (-5, 10, r"the amount to pay must be above zero"),
        (100, -1, r"the minimum instalment cannot be negative"),
        (100, None, r"the minimum instalment must be a number"),
    ],
)
def test_max_installments_for_minimum_rejects(net, minimum, message):
    with pytest.raises(ValueError, match=message):
        max_installments_for_minimum(net, minimum)


@PROPERTIES
@given(st.integers(1, 10**9), st.data(), st.integers(0, 3))
def test_max_installments_for_minimum_is_the_largest_count_check_limits_accepts(net_units, data, digits):
    minimum_units = data.draw(st.integers(0, 2 * net_units) | st.integers(max(net_units // 300, 1), net_units))
    net = units_to_decimal(net_units, digits)
    minimum = units_to_decimal(minimum_units, digits)
    count = max_installments_for_minimum(net, minimum, digits)
    assert count >= 1
    if minimum == 0:
        assert count == net_units  # one unit each at least
    elif net < minimum:
        assert count == 1
    else:
        # the smallest instalment of n is floor(net / n) units
        assert net_units // count >= minimum_units > net_units // (count + 1)
    if count <= 300:
        limits = NegotiationLimits(max_installments=1000, min_installment_amount=minimum)
        schedule = build_schedule(net, 0, count, date(2026, 1, 5), "weekly", digits=digits)
        if net >= minimum:
            assert min(amounts(schedule)) >= minimum
            assert check_limits(net, 0, schedule, limits) == []
        if minimum > 0:
            more = build_schedule(net, 0, count + 1, date(2026, 1, 5), "weekly", digits=digits)
            assert min(amounts(more)) < minimum
            assert [v.code for v in check_limits(net, 0, more, limits)] == ["min_installment"]


# ----------------------------------------------------------------------
# Plans
# ----------------------------------------------------------------------

PLAN = [(date(2026, 2, 2), D("333.34")), (date(2026, 3, 2), D("333.33")), (date(2026, 3, 31), D("333.33"))]


def paid_first(n):
    return [(day, D(0) if index < n else residual) for index, (day, residual) in enumerate(PLAN)]


@pytest.mark.parametrize(
    ("installments", "today", "expected"),
    [
        (PLAN, date(2026, 1, 15), "active"),
        (PLAN, date(2026, 2, 5), "active"),  # 3 grace days: 02-05 is the last one
        (PLAN, date(2026, 2, 6), "broken"),
        (paid_first(1), date(2026, 3, 5), "active"),
        (paid_first(1), date(2026, 3, 6), "broken"),
        (paid_first(2), date(2026, 3, 6), "active"),
        (paid_first(3), date(2026, 1, 1), "done"),  # paid ahead of time
        (paid_first(3), date(2030, 1, 1), "done"),
        ([(date(2026, 2, 2), D("0.00")), (date(2026, 3, 2), D("0.01"))], date(2026, 3, 6), "broken"),
        ([(date(2026, 2, 2), D("-5.00")), (date(2026, 3, 2), 0)], date(2027, 1, 1), "done"),  # overpaid
        ([(date(2026, 2, 2), 0.004)], date(2027, 1, 1), "done"),  # below half a cent
        ([(date(2026, 2, 2), 0.005)], date(2027, 1, 1), "broken"),
        ([(date(2026, 3, 31), "10"), (date(2026, 2, 2), "0")], date(2026, 3, 6), "active"),  # any order
        ([(date(2026, 3, 31), "10"), (date(2026, 2, 2), "1")], date(2026, 3, 6), "broken"),
    ],
)
def test_plan_status(installments, today, expected):
    assert plan_status(installments, today, 3) == expected


def test_plan_status_without_grace_days_and_with_currency_digits():
    assert plan_status([(date(2026, 2, 2), 1)], date(2026, 2, 2), 0) == "active"
    assert plan_status([(date(2026, 2, 2), 1)], date(2026, 2, 3), 0) == "broken"
    assert plan_status([(date(2026, 2, 2), "0.4")], date(2026, 3, 1), 0, digits=0) == "done"
    assert plan_status([(date(2026, 2, 2), "0.0004")], date(2026, 3, 1), 0, digits=3) == "done"
    assert plan_status([(date(2026, 2, 2), "0.0005")], date(2026, 3, 1), 0, digits=3) == "broken"


@pytest.mark.parametrize(
    ("installments", "today", "grace", "message"),
    [
        ([], date(2026, 1, 1), 3, r"a plan needs at least one instalment"),
        ([(date(2026, 2, 2),)], date(2026, 1, 1), 3, r"instalment 1 must be a \(due date, residual\) pair"),
        ([date(2026, 2, 2)], date(2026, 1, 1), 3, r"instalment 1 must be a \(due date, residual\) pair"),
        ([(date(2026, 2, 2), 0), ("2026-03-02", 1)], date(2026, 1, 1), 3, r"instalment 2's due date must be a date"),
        ([(date(2026, 2, 2), None)], date(2026, 1, 1), 3, r"instalment 1's residual must be a number"),
        (PLAN, date(2026, 1, 1), -1, r"the grace days must be at least 0"),
        (PLAN, "today", 3, r"today must be a date"),
    ],
)
def test_plan_status_rejects(installments, today, grace, message):
    with pytest.raises(ValueError, match=message):
        plan_status(installments, today, grace)


@PROPERTIES
@given(
    st.lists(
        st.tuples(
            st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
            st.decimals(min_value=-100, max_value=10000, places=3),
        ),
        min_size=1,
        max_size=30,
    ),
    st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 6, 30)),
    st.integers(0, 30),
    st.randoms(use_true_random=False),
)
def test_plan_status_properties(installments, today, grace, random):
    status = plan_status(installments, today, grace)
    open_dates = [day for day, residual in installments if to_decimal(residual) > 0]
    if not open_dates:
        expected = "done"
    elif min(open_dates) + timedelta(days=grace) < today:
        expected = "broken"
    else:
        expected = "active"
    assert status == expected
    shuffled = list(installments)
    random.shuffle(shuffled)
    assert plan_status(shuffled, today, grace) == status
    # time only makes an unpaid plan worse
    if status == "broken":
        assert plan_status(installments, today + timedelta(days=1), grace) == "broken"
