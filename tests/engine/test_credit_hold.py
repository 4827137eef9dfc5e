"""Credit hold (``engine.credit_hold``): which conditions put a customer on hold, and what lifts it."""

from hypothesis import given
from hypothesis import strategies as st

from collections_addon.engine.credit_hold import (
    CREDIT_HOLD_REASONS,
    CreditHoldFacts,
    CreditHoldRules,
    credit_hold_reasons,
    level_holds,
)

EVERYTHING = CreditHoldRules(from_level_days=20, broken_promise=True, broken_agreement=True, protested=True)


def test_each_reason_holds_on_its_own():
    assert credit_hold_reasons(EVERYTHING, CreditHoldFacts(level_days=20, overdue=True)) == ("level",)
    assert credit_hold_reasons(EVERYTHING, CreditHoldFacts(broken_promises=1)) == ("broken_promise",)
    assert credit_hold_reasons(EVERYTHING, CreditHoldFacts(broken_agreements=1)) == ("broken_agreement",)
    assert credit_hold_reasons(EVERYTHING, CreditHoldFacts(protested=True)) == ("protested",)


def test_reasons_come_in_their_order():
    facts = CreditHoldFacts(level_days=60, overdue=True, broken_promises=1, broken_agreements=2, protested=True)
    assert credit_hold_reasons(EVERYTHING, facts) == CREDIT_HOLD_REASONS


def test_a_level_before_the_hold_level_does_not_hold():
    assert credit_hold_reasons(EVERYTHING, CreditHoldFacts(level_days=5, overdue=True)) == ()


def test_paying_what_is_overdue_lifts_the_level_hold():
    assert credit_hold_reasons(EVERYTHING, CreditHoldFacts(level_days=60, overdue=False)) == ()


def test_a_plan_without_hold_settings_never_holds():
    facts = CreditHoldFacts(level_days=60, overdue=True, broken_promises=1, broken_agreements=1, protested=True)
    assert not CreditHoldRules().holds_ever
    assert credit_hold_reasons(CreditHoldRules(), facts) == ()


def test_a_plan_holds_only_for_the_reasons_it_switched_on():
    facts = CreditHoldFacts(level_days=60, overdue=True, broken_promises=1, broken_agreements=1, protested=True)
    assert credit_hold_reasons(CreditHoldRules(broken_agreement=True), facts) == ("broken_agreement",)


@given(
    from_days=st.one_of(st.none(), st.integers(-10, 120)),
    level_days=st.one_of(st.none(), st.integers(-10, 120)),
    overdue=st.booleans(),
)
def test_level_hold_is_reached_level_and_overdue(from_days, level_days, overdue):
    expected = from_days is not None and level_days is not None and level_days >= from_days and overdue
    assert level_holds(from_days, level_days, overdue) is expected


@given(
    rules=st.builds(
        CreditHoldRules,
        from_level_days=st.one_of(st.none(), st.integers(0, 90)),
        broken_promise=st.booleans(),
        broken_agreement=st.booleans(),
        protested=st.booleans(),
    ),
    facts=st.builds(
        CreditHoldFacts,
        level_days=st.one_of(st.none(), st.integers(-5, 90)),
        overdue=st.booleans(),
        broken_promises=st.integers(0, 3),
        broken_agreements=st.integers(0, 3),
        protested=st.booleans(),
    ),
)
def test_nothing_left_to_hold_for_means_no_hold(rules, facts):
    reasons = credit_hold_reasons(rules, facts)
    assert set(reasons) <= set(CREDIT_HOLD_REASONS)
    settled = CreditHoldFacts(level_days=facts.level_days)
    assert credit_hold_reasons(rules, settled) == ()
    if not rules.holds_ever:
        assert reasons == ()
