"""A plan's start by score band (``engine.score_bands``) and the customer's expected recovery."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collections_addon.engine import (
    BandRule,
    FollowupLevel,
    OpenItem,
    PartnerSituation,
    ScoreBands,
    band_plan,
    customer_expected_recovery,
    decide_partner,
)
from collections_addon.engine.score_bands import reminded, score_band

TODAY = date(2026, 3, 16)
PRE = FollowupLevel(id=1, days=-3)
FIRST = FollowupLevel(id=2, days=5, channels=("email", "sms"))
CALL = FollowupLevel(id=3, days=20, channels=("email", "call"))
SMS = FollowupLevel(id=4, days=30, channels=("sms",))
PROTEST = FollowupLevel(id=5, days=60, channels=(), auto_execute=False)
LEVELS = [PRE, FIRST, CALL, SMS, PROTEST]
POOR_START_AT_CALL = ScoreBands(poor=BandRule(start_level_id=CALL.id))


def item(days_late, reached_days=None, residual=100.0, move_id=1):
    return OpenItem(
        move_id=move_id,
        due_date=date.fromordinal(TODAY.toordinal() - days_late),
        currency="EUR",
        residual=residual,
        reached_days=reached_days,
    )


def decide(levels, items):
    return decide_partner(
        today=TODAY, levels=levels, items=items, situation=PartnerSituation(partner_id=7, contact_points=frozenset())
    )


@pytest.mark.parametrize(
    ("score", "band"),
    [(None, None), (0, "poor"), (39, "poor"), (40, None), (79, None), (80, "good"), (100, "good")],
)
def test_bands_by_score(score, band):
    assert score_band(score, ScoreBands()) == band


def test_bands_refuse_out_of_range_and_crossed_scores():
    with pytest.raises(ValueError, match="The score of good payers"):
        ScoreBands(good_from=101)
    with pytest.raises(ValueError, match="must not be above the good payers'"):
        ScoreBands(good_from=30, poor_below=50)
    assert ScoreBands(good_from=50, poor_below=50).rule("poor") == BandRule()


def test_a_poor_payer_not_reminded_yet_gets_the_call_level_when_its_first_step_is_due():
    plan = band_plan(LEVELS, POOR_START_AT_CALL, 20, [item(6)])
    assert [(level.id, level.days) for level in plan.levels] == [(3, 5), (4, 30), (5, 60)]
    assert (plan.band, plan.started_at) == ("poor", CALL.id)
    decision = decide(plan.levels, [item(6)])
    assert (decision.action, decision.level.id, decision.channels) == ("contact", CALL.id, ("email", "call"))
    # Before the first step's day nothing is due, and the pre-due reminder is skipped.
    assert decide(plan.levels, [item(2)]).action == "none"
    assert decide(band_plan(LEVELS, POOR_START_AT_CALL, 20, [item(-3)]).levels, [item(-3)]).action == "none"


def test_a_reminded_customer_and_customers_out_of_the_band_follow_the_plan():
    reminded_items = [item(25, reached_days=5)]
    assert reminded(reminded_items)
    plan = band_plan(LEVELS, POOR_START_AT_CALL, 20, reminded_items)
    assert plan.levels == tuple(LEVELS) and plan.started_at is None and plan.band == "poor"
    for score in (None, 40, 95):
        assert band_plan(LEVELS, POOR_START_AT_CALL, score, [item(6)]).levels == tuple(LEVELS)
    assert decide(band_plan(LEVELS, POOR_START_AT_CALL, 60, [item(6)]).levels, [item(6)]).level.id == FIRST.id
    # A credit or an item that received a level but is paid does not count as a reminder.
    assert not reminded([item(6), item(40, reached_days=5, residual=-10.0, move_id=2)])


def test_a_start_level_out_of_the_plan_or_first_changes_nothing():
    for start in (PRE.id, 99):
        plan = band_plan(LEVELS, ScoreBands(good=BandRule(start_level_id=start)), 90, [item(6)])
        assert plan.levels == tuple(LEVELS) and plan.started_at is None


def test_e_mail_only_keeps_the_e_mails_and_the_tasks():
    plan = band_plan(LEVELS, ScoreBands(good=BandRule(email_only=True)), 90, [item(6)])
    assert [(level.id, level.channels) for level in plan.levels] == [
        (1, ("email",)),
        (2, ("email",)),
        (3, ("email",)),
        (5, ()),
    ]
    assert plan.email_only
    decision = decide(plan.levels, [item(21, reached_days=5)])
    assert (decision.level.id, decision.channels) == (CALL.id, ("email",))


def test_start_and_e_mail_only_together():
    bands = ScoreBands(poor=BandRule(start_level_id=SMS.id, email_only=True))
    plan = band_plan(LEVELS, bands, 10, [item(6)])
    # The starting level has no e-mail: e-mail only skips it, the task stays.
    assert [level.id for level in plan.levels] == [PROTEST.id]


def test_no_bands_is_the_plan():
    assert band_plan(LEVELS, None, 10, []).levels == tuple(LEVELS)


@pytest.mark.parametrize(
    ("amount", "score", "days_late", "days_to_next", "expected"),
    [
        ("1000.00", 100, 0, None, Decimal("1000.00")),
        ("1000.00", 100, 0, 0, Decimal("2000.00")),
        ("1000.00", 100, 0, -5, Decimal("2000.00")),
        ("1000.00", 100, 90, 30, Decimal("500.00")),
        ("1000.00", None, 0, None, Decimal("525.00")),
        (0, 100, 0, 0, Decimal("0.00")),
        (-10.5, 100, 0, 0, Decimal("0.00")),
    ],
)
def test_customer_expected_recovery(amount, score, days_late, days_to_next, expected):
    assert customer_expected_recovery(amount, score, days_late, days_to_next) == expected


def test_expected_recovery_never_falls_with_a_better_score_or_a_nearer_step():
    for score in range(0, 100, 7):
        assert customer_expected_recovery(500, score + 1, 10, 5) >= customer_expected_recovery(500, score, 10, 5)
    for days in range(0, 40):
        assert customer_expected_recovery(500, 60, 10, days) >= customer_expected_recovery(500, 60, 10, days + 1)


@given(
    days=st.lists(st.integers(-30, 120), min_size=1, max_size=6, unique=True),
    start=st.integers(0, 6),
    score=st.one_of(st.none(), st.integers(0, 100)),
    email_only=st.booleans(),
    age=st.integers(-40, 150),
)
def test_a_band_plan_is_a_valid_plan_that_only_skips_or_starts_earlier(days, start, score, email_only, age):
    levels = [
        FollowupLevel(id=index + 1, days=day, channels=("email", "call") if index % 2 else ("sms",))
        for index, day in enumerate(sorted(days))
    ]
    bands = ScoreBands(poor=BandRule(start_level_id=start or None, email_only=email_only))
    plan = band_plan(levels, bands, score, [item(age)])
    by_id = {level.id: level for level in levels}
    assert [level.days for level in plan.levels] == sorted({level.days for level in plan.levels})
    for level in plan.levels:
        original = by_id[level.id]
        assert level.days <= original.days and set(level.channels) <= set(original.channels)
        assert level.days == original.days or level.id == plan.started_at
    if plan.band is None:
        assert plan.levels == tuple(levels)
    decision = decide(plan.levels, [item(age)])
    assert decision.level is None or decision.level.id in {level.id for level in plan.levels}
