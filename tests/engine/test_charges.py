"""Legal charges: worked examples computed by hand, and the properties every profile and table keep."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from collections_addon.engine.charges import (
    CORRECTION_MODES,
    INTEREST_MODES,
    NO_CHARGES,
    ChargesProfile,
    charges_for,
    missing_months,
    months_between,
    next_month,
    profile_problem,
    stale,
)

D = Decimal
CONTRACT = ChargesProfile(fine_percent=2, interest_mode="contract", monthly_rate=1)
LEGAL = ChargesProfile(interest_mode="legal")
IPCA = ChargesProfile(correction_mode="ipca")


# ----------------------------------------------------------------------
# Worked examples
# ----------------------------------------------------------------------


def test_contract_rate_counts_a_thirtieth_of_the_month_per_day():
    # 45 days at 1 % a month: 1234.56 x 1 % x 45/30 = 18.5184; fine 2 % = 24.6912.
    result = charges_for("1234.56", date(2026, 3, 10), date(2026, 4, 24), CONTRACT, True)
    assert (result.days_late, result.fine, result.interest, result.correction) == (45, D("24.69"), D("18.52"), 0)
    assert result.total == D("1277.77")


def test_legal_table_counts_whole_months_whole_and_the_partial_month_pro_rata():
    # January whole: 0.60 % of 1000 = 6.00; 14 of February's 28 days at 0.55 %: 2.75.
    tables = {"taxa_legal": {date(2026, 1, 1): D("0.60"), date(2026, 2, 1): D("0.55")}}
    result = charges_for(1000, date(2025, 12, 31), date(2026, 2, 14), LEGAL, True, tables)
    assert (result.interest, result.total) == (D("8.75"), D("1008.75"))


def test_ipca_correction_compounds_month_by_month():
    # (1 + 0.50 %) x (1 + 0.31 % x 10/31) = 1.006005 -> 6.005 -> 6.01 (half up).
    tables = {"ipca": {date(2026, 2, 1): D("0.50"), date(2026, 3, 1): D("0.31")}}
    assert charges_for(1000, date(2026, 1, 31), date(2026, 3, 10), IPCA, False, tables).correction == D("6.01")


def test_deflation_never_takes_the_amount_below_its_nominal_value():
    tables = {"ipca": {date(2026, 2, 1): D("-0.50")}}
    assert charges_for(1000, date(2026, 1, 31), date(2026, 2, 28), IPCA, True, tables).correction == 0


def test_fine_interest_and_correction_combine():
    tables = {"taxa_legal": {date(2026, 2, 1): D("0.5")}, "ipca": {date(2026, 2, 1): D("0.4")}}
    profile = ChargesProfile(fine_percent=2, interest_mode="legal", correction_mode="ipca")
    result = charges_for(200, date(2026, 1, 31), date(2026, 2, 28), profile, True, tables)
    assert (result.fine, result.interest, result.correction, result.total) == (4, 1, D("0.80"), D("205.80"))


def test_grace_days_hold_everything_then_count_from_the_due_date():
    profile = ChargesProfile(fine_percent=2, interest_mode="contract", monthly_rate=3, grace_days=5)
    assert charges_for(300, date(2026, 3, 10), date(2026, 3, 15), profile, True).total == 300
    late = charges_for(300, date(2026, 3, 10), date(2026, 3, 16), profile, True)
    assert (late.fine, late.interest) == (6, D("1.80"))  # 300 x 3 % x 6/30


def test_nothing_before_or_on_the_due_date():
    for day in (date(2026, 3, 1), date(2026, 3, 10)):
        result = charges_for(100, date(2026, 3, 10), day, CONTRACT, True)
        assert (result.days_late, result.total) == (0, D("100.00"))


def test_half_a_cent_rounds_up():
    assert charges_for("0.25", date(2026, 3, 10), date(2026, 3, 11), ChargesProfile(fine_percent=2), True).fine == D(
        "0.01"
    )


def test_months_after_the_last_published_are_not_charged_yet():
    tables = {"taxa_legal": {date(2026, 1, 1): D("0.60")}}
    assert charges_for(1000, date(2025, 12, 31), date(2026, 2, 14), LEGAL, True, tables).interest == 6


def test_a_gap_in_the_table_is_refused_naming_the_months():
    tables = {"taxa_legal": {date(2026, 1, 1): 1, date(2026, 3, 1): 1}}
    with pytest.raises(ValueError, match="no value for 2026-02: enter the missing months"):
        charges_for(1000, date(2025, 12, 31), date(2026, 3, 5), LEGAL, True, tables)
    with pytest.raises(ValueError, match="no value for 2025-12"):
        charges_for(1000, date(2025, 11, 30), date(2026, 1, 5), LEGAL, True, tables)
    with pytest.raises(ValueError, match="ipca table is empty"):
        charges_for(1000, date(2025, 11, 30), date(2026, 1, 5), IPCA, True, {})


def test_refusals_say_what_to_fix():
    with pytest.raises(ValueError, match=r"above the cap for individuals \(2 %\): lower the fine to 2 %"):
        charges_for(100, date(2026, 3, 10), date(2026, 4, 9), ChargesProfile(fine_percent=10), True)
    assert charges_for(100, date(2026, 3, 10), date(2026, 4, 9), ChargesProfile(fine_percent=10), False).fine == 10
    with pytest.raises(ValueError, match="never negative"):
        charges_for(100, date(2026, 3, 10), date(2026, 4, 9), ChargesProfile(monthly_rate=-1), False)
    with pytest.raises(ValueError, match="taxa_legal table has a value out of range for 2026-03"):
        charges_for(100, date(2026, 3, 10), date(2026, 4, 9), LEGAL, False, {"taxa_legal": {date(2026, 3, 1): -1}})
    with pytest.raises(ValueError, match="Unknown interest mode 'selic': use one of none, contract, legal"):
        charges_for(1, date(2026, 1, 1), date(2026, 2, 1), ChargesProfile(interest_mode="selic"), False)
    assert "must be 0 to 365" in profile_problem(ChargesProfile(grace_days=-1), False)


def test_table_helpers():
    assert months_between(date(2026, 11, 15), date(2027, 1, 1)) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
    ]
    assert missing_months({date(2026, 1, 1): 1}, date(2025, 12, 5), date(2026, 2, 1)) == [
        date(2025, 12, 1),
        date(2026, 2, 1),
    ]
    table = {date(2026, 10, 1): D("0.1")}
    assert not stale(table, date(2026, 12, 31))
    assert stale(table, date(2027, 1, 1))
    assert stale(table, date(2026, 12, 7), months=1)


# ----------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------

TABLE_MONTHS = months_between(date(2024, 1, 1), date(2028, 12, 1))
percents = st.decimals(min_value=0, max_value=5, places=2)
amounts = st.decimals(min_value=0, max_value=10**7, places=2)
due_dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))


@st.composite
def tables(draw, deflation=False):
    # The Taxa Legal is never below zero (Lei 14.905/2024); the IPCA falls in a month of deflation.
    rates = st.decimals(min_value=0, max_value=3, places=2)
    variations = st.decimals(min_value=-1 if deflation else 0, max_value=3, places=2)
    return {
        "taxa_legal": {month: draw(rates) for month in TABLE_MONTHS},
        "ipca": {month: draw(variations) for month in TABLE_MONTHS},
    }


@st.composite
def profiles(draw, is_individual=True):
    cap = draw(st.decimals(min_value=0, max_value=10, places=2))
    fine = draw(st.decimals(min_value=0, max_value=cap if is_individual else 20, places=2))
    return ChargesProfile(
        fine_percent=fine,
        fine_cap_individual=cap,
        interest_mode=draw(st.sampled_from(INTEREST_MODES)),
        monthly_rate=draw(percents),
        correction_mode=draw(st.sampled_from(CORRECTION_MODES)),
        grace_days=draw(st.integers(0, 30)),
        no_charges=draw(st.booleans()),
    )


@settings(max_examples=150, deadline=None)
@given(amounts, due_dates, st.integers(-30, 700), st.integers(0, 400), profiles(), tables())
def test_never_decreases_with_time(principal, due, offset, more, profile, rate_tables):
    first = due + timedelta(days=offset)
    earlier = charges_for(principal, due, first, profile, True, rate_tables)
    later = charges_for(principal, due, first + timedelta(days=more), profile, True, rate_tables)
    for part in ("fine", "interest", "correction", "total"):
        assert getattr(earlier, part) <= getattr(later, part)


@settings(max_examples=150, deadline=None)
@given(amounts, due_dates, st.integers(-30, 700), st.booleans(), st.data())
def test_never_negative_and_the_total_is_the_exact_sum(principal, due, offset, individual, data):
    profile = data.draw(profiles(individual))
    result = charges_for(principal, due, due + timedelta(days=offset), profile, individual, data.draw(tables(True)))
    assert min(result.fine, result.interest, result.correction) >= 0
    assert result.total == result.principal + result.fine + result.interest + result.correction
    assert all(-part.as_tuple().exponent == 2 for part in (result.fine, result.interest, result.correction))


@settings(max_examples=150, deadline=None)
@given(amounts, due_dates, st.integers(1, 700), profiles(), tables())
def test_the_cap_is_respected_for_individuals(principal, due, offset, profile, rate_tables):
    result = charges_for(principal, due, due + timedelta(days=offset), profile, True, rate_tables)
    assert result.fine <= (principal * D(profile.fine_cap_individual) / 100).quantize(D("0.01"), "ROUND_HALF_UP")
    above = ChargesProfile(
        fine_percent=D(profile.fine_cap_individual) + D("0.01"), fine_cap_individual=profile.fine_cap_individual
    )
    with pytest.raises(ValueError, match="above the cap for individuals"):
        charges_for(principal, due, due + timedelta(days=offset), above, True, rate_tables)


@settings(max_examples=150, deadline=None)
@given(amounts, due_dates, st.integers(0, 27), profiles(), tables(), st.data())
def test_a_zero_rate_month_adds_nothing(principal, due, day, profile, rate_tables, data):
    assume(profile.interest_mode != "contract")
    month = data.draw(st.sampled_from(months_between(next_month(next_month(due)), date(2028, 11, 1))))
    eve = month - timedelta(days=1)
    assume((eve - due).days > profile.grace_days)
    for code in rate_tables:
        rate_tables[code][month] = D(0)
    before = charges_for(principal, due, eve, profile, True, rate_tables)
    inside = charges_for(principal, due, month + timedelta(days=day), profile, True, rate_tables)
    assert before.total == inside.total


@settings(max_examples=100, deadline=None)
@given(amounts, due_dates, st.integers(-30, 700), st.booleans(), tables(True))
def test_no_charges_adds_nothing(principal, due, offset, individual, rate_tables):
    result = charges_for(principal, due, due + timedelta(days=offset), NO_CHARGES, individual, rate_tables)
    assert result.total == result.principal == principal
    profile = ChargesProfile(fine_percent=50, interest_mode="legal", correction_mode="ipca", no_charges=True)
    assert charges_for(principal, due, due + timedelta(days=offset), profile, False, rate_tables).total == principal
