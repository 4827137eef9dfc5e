"""A gentle start for old debts (``engine.catch_up``) and how its start feeds ``decide_partner``."""

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collections_addon.engine import (
    CATCH_UP_REASONS,
    BandRule,
    CatchUp,
    ContactRules,
    FollowupLevel,
    OpenItem,
    PartnerSituation,
    ScoreBands,
    band_plan,
    catch_up_plan,
    decide_partner,
    describe_catch_up,
)
from collections_addon.engine.catch_up import STATEMENT_CHANNELS, catch_up_levels, passed_levels
from tests.engine.conftest import PROPERTIES, TODAY

PRE = FollowupLevel(id=1, days=-3)
FIRST = FollowupLevel(id=2, days=5)
SECOND = FollowupLevel(id=3, days=15)
FIRM = FollowupLevel(id=4, days=30, channels=("email", "call"))
FINAL = FollowupLevel(id=5, days=60)
LEVELS = [PRE, FIRST, SECOND, FIRM, FINAL]
NAMES = {2: "First reminder", 3: "Second reminder", 4: "Firm reminder", 5: "Final notice"}
EVERY_DAY = ContactRules(min_gap_business_days=0)


def item(days_late, reached_days=None, residual=100.0, move_id=1, excluded=False):
    return OpenItem(
        move_id=move_id,
        due_date=TODAY - timedelta(days=days_late),
        currency="EUR",
        residual=residual,
        reached_days=reached_days,
        excluded=excluded,
    )


def decide(items, catch_up=None, levels=LEVELS, today=TODAY, rules=EVERY_DAY):
    return decide_partner(
        today=today,
        levels=levels,
        items=items,
        situation=PartnerSituation(partner_id=7),
        rules=rules,
        catch_up_level=catch_up.start_level if catch_up else None,
    )


def received(items, decision):
    """The items after the step went out: each covered item records the days of the level it received."""
    days = {level.id: level.days for level in LEVELS}
    return [
        dataclasses.replace(it, reached_days=days[decision.item_levels[it.key]])
        if it.key in decision.item_levels
        else it
        for it in items
    ]


# ----------------------------------------------------------------------
# When it applies
# ----------------------------------------------------------------------


def test_highest_starts_at_the_highest_level_reached_and_names_the_skipped_ones():
    catch_up = catch_up_plan(LEVELS, [item(40)], (), "highest", None, TODAY)
    assert (catch_up.applies, catch_up.reason_code, catch_up.start_level) == (True, "highest", FIRM)
    assert catch_up.skipped_levels == (FIRST, SECOND) and not catch_up.statement
    assert describe_catch_up(catch_up, NAMES) == "catch-up: starts at Firm reminder, skipping 2 levels"


def test_level_starts_at_the_chosen_level():
    catch_up = catch_up_plan(LEVELS, [item(70)], (), "level", SECOND.id, TODAY)
    assert (catch_up.reason_code, catch_up.start_level, catch_up.skipped_levels) == ("level", SECOND, (FIRST,))
    assert describe_catch_up(catch_up, NAMES) == "catch-up: starts at Second reminder, skipping 1 level"


def test_level_at_the_first_level_skips_nothing():
    catch_up = catch_up_plan(LEVELS, [item(70)], (), "level", FIRST.id, TODAY)
    assert (catch_up.start_level, catch_up.skipped_levels) == (FIRST, ())
    assert describe_catch_up(catch_up, NAMES) == "catch-up: starts at First reminder"


def test_a_chosen_level_not_reached_yet_or_not_in_the_plan_starts_at_the_highest_reached():
    not_reached = catch_up_plan(LEVELS, [item(20)], (), "level", FINAL.id, TODAY)
    assert (not_reached.reason_code, not_reached.start_level) == ("level_not_reached", SECOND)
    missing = catch_up_plan(LEVELS, [item(20)], (), "level", 99, TODAY)
    assert (missing.reason_code, missing.start_level, missing.skipped_levels) == ("level_not_in_plan", SECOND, (FIRST,))


def test_statement_stands_in_for_every_level_passed():
    catch_up = catch_up_plan(LEVELS, [item(40)], (), "statement", None, TODAY)
    assert (catch_up.statement, catch_up.start_level, catch_up.skipped_levels) == (True, FIRM, (FIRST, SECOND, FIRM))
    assert describe_catch_up(catch_up, NAMES) == (
        "catch-up: a statement asking the customer to contact us, instead of 3 missed levels"
    )


@pytest.mark.parametrize(
    ("items", "history", "mode", "code"),
    [
        ([item(40)], (), None, "off"),
        ([item(40)], {FIRST.id}, "highest", "followed"),
        ([item(40, reached_days=5)], (), "highest", "followed"),
        ([item(10)], (), "highest", "nothing_missed"),  # one level past: the ordinary first step
        ([item(2)], (), "highest", "nothing_missed"),  # only the pre-due reminder is past
        ([item(40, excluded=True), item(10, move_id=2)], (), "highest", "nothing_missed"),  # held items don't count
        ([item(40, residual=-50.0)], (), "highest", "nothing_missed"),  # a credit is no debt
        ([], (), "statement", "nothing_missed"),
    ],
)
def test_when_it_does_not_apply(items, history, mode, code):
    catch_up = catch_up_plan(LEVELS, items, history, mode, None, TODAY)
    assert (catch_up.applies, catch_up.reason_code, catch_up.start_level) == (False, code, None)
    assert describe_catch_up(catch_up, NAMES) == ""


def test_exactly_two_levels_past_is_enough():
    assert [level.id for level in passed_levels(LEVELS, [item(15)], TODAY)] == [FIRST.id, SECOND.id]
    assert catch_up_plan(LEVELS, [item(15)], (), "highest", None, TODAY).applies
    assert not catch_up_plan(LEVELS, [item(14)], (), "highest", None, TODAY).applies


def test_the_oldest_item_decides_whatever_the_order():
    items = [item(3, move_id=2), item(70, move_id=1), item(20, move_id=3)]
    assert catch_up_plan(LEVELS, items, (), "highest", None, TODAY).start_level == FINAL


@pytest.mark.parametrize(
    ("mode", "chosen", "message"),
    [
        ("gentle", None, "Unknown catch-up mode 'gentle'"),
        ("level", None, "needs the level to start at"),
        ("level", PRE.id, "it is a reminder before the due date"),
    ],
)
def test_bad_input_is_refused(mode, chosen, message):
    with pytest.raises(ValueError, match=message):
        catch_up_plan(LEVELS, [item(70)], (), mode, chosen, TODAY)


def test_today_must_be_a_date():
    with pytest.raises(ValueError, match="today must be a date"):
        catch_up_plan(LEVELS, [item(70)], (), "highest", None, "2026-03-16")


def test_two_levels_on_the_same_day_are_refused_as_in_the_plan():
    with pytest.raises(ValueError, match="same days"):
        catch_up_plan([FIRST, dataclasses.replace(SECOND, days=5)], [item(70)], (), "highest", None, TODAY)


# ----------------------------------------------------------------------
# The first step and the runs after it
# ----------------------------------------------------------------------


def test_a_customer_it_does_not_apply_to_is_decided_as_without_it():
    items = [item(10)]
    catch_up = catch_up_plan(LEVELS, items, (), "level", FIRST.id, TODAY)
    assert not catch_up.applies
    assert decide(items, catch_up) == decide(items)


def test_highest_gives_the_same_step_as_the_plan_alone():
    items = [item(40), item(8, move_id=2)]
    catch_up = catch_up_plan(LEVELS, items, (), "highest", None, TODAY)
    assert decide(items, catch_up) == decide(items)
    assert decide(items, catch_up).level == FIRM


def test_level_mode_gives_the_chosen_level_and_younger_invoices_their_own():
    items = [item(70), item(8, move_id=2)]
    catch_up = catch_up_plan(LEVELS, items, (), "level", SECOND.id, TODAY)
    decision = decide(items, catch_up)
    assert (decision.action, decision.level) == ("contact", SECOND)
    assert decision.item_levels == {1: SECOND.id, 2: FIRST.id}
    assert decision.newly_due_move_ids == frozenset({1})
    # The next level is already past: the next step is due as soon as the contact gap allows.
    assert decision.next_date == TODAY


def test_after_the_first_step_the_run_continues_without_re_sending_a_skipped_level():
    items = [item(70), item(8, move_id=2)]
    catch_up = catch_up_plan(LEVELS, items, (), "level", SECOND.id, TODAY)
    after = received(items, decide(items, catch_up))
    # The next run: the customer is followed now, the catch-up no longer applies.
    assert catch_up_plan(LEVELS, after, {SECOND.id, FIRST.id}, "level", SECOND.id, TODAY).reason_code == "followed"
    later = TODAY + timedelta(days=3)
    decision = decide(after, today=later)
    assert decision.level == FINAL  # the plan's usual rule: the highest level reached by then
    assert FIRST.id not in decision.item_levels.values()


def test_statement_mode_records_the_highest_level_so_nothing_skipped_comes_back():
    items = [item(40)]
    catch_up = catch_up_plan(LEVELS, items, (), "statement", None, TODAY)
    decision = decide(items, catch_up)
    assert (decision.action, decision.level, catch_up.statement) == ("contact", FIRM, True)
    after = received(items, decision)
    assert decide(after, today=TODAY + timedelta(days=5)).action == "none"
    assert decide(after, today=TODAY + timedelta(days=20)).level == FINAL


def test_the_statement_goes_out_by_email_alone_instead_of_the_start_levels_channels():
    items = [item(40), item(20, move_id=2)]
    catch_up = catch_up_plan(LEVELS, items, (), "statement", None, TODAY)
    levels, cap = catch_up_levels(LEVELS, catch_up)
    decision = decide_partner(
        today=TODAY,
        levels=levels,
        items=items,
        situation=PartnerSituation(partner_id=7),
        rules=EVERY_DAY,
        catch_up_level=cap,
    )
    assert (decision.action, decision.level.id, decision.channels) == ("contact", FIRM.id, STATEMENT_CHANNELS)
    # Each invoice records the level it reached, none above the start.
    assert decision.item_levels == {items[0].key: FIRM.id, items[1].key: SECOND.id}
    assert catch_up_levels(LEVELS, catch_up_plan(LEVELS, items, (), "highest", None, TODAY)) == (tuple(LEVELS), FIRM)
    assert catch_up_levels(LEVELS, CatchUp(False, "followed")) == (tuple(LEVELS), None)


def test_the_contact_rules_still_hold_the_catch_up_step():
    saturday = date(2026, 3, 21)
    items = [OpenItem(move_id=1, due_date=saturday - timedelta(days=70), currency="EUR", residual=100.0)]
    catch_up = catch_up_plan(LEVELS, items, (), "level", SECOND.id, saturday)
    decision = decide(items, catch_up, today=saturday, rules=ContactRules())
    assert (decision.action, decision.reason, decision.level) == ("skip", "not_business_day", SECOND)


def test_it_composes_with_the_score_bands():
    # A poor payer starts at the firm level; the catch-up is worked out on the band's levels.
    plan = band_plan(LEVELS, ScoreBands(poor=BandRule(start_level_id=FIRM.id)), 10, [item(70)])
    catch_up = catch_up_plan(plan.levels, [item(70)], (), "level", SECOND.id, TODAY)
    assert (catch_up.reason_code, catch_up.start_level.id) == ("level_not_in_plan", FINAL.id)
    decision = decide([item(70)], catch_up, levels=plan.levels)
    assert decision.level.id == FINAL.id


# ----------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------

DAYS = st.lists(st.integers(min_value=-30, max_value=400), min_size=1, max_size=6, unique=True)
AGES = st.lists(st.integers(min_value=-40, max_value=500), min_size=1, max_size=5)


def _plan(days):
    return [FollowupLevel(id=number, days=day) for number, day in enumerate(sorted(days), start=1)]


@PROPERTIES
@given(days=DAYS, ages=AGES, mode=st.sampled_from(["highest", "level", "statement"]), chosen=st.integers(1, 6))
def test_the_first_step_never_goes_above_the_start_and_the_start_is_past(days, ages, mode, chosen):
    levels = _plan(days)
    if mode == "level" and levels[min(chosen, len(levels)) - 1].days < 0:
        chosen = 99  # a pre-due start is refused, tested above
    items = [item(age, move_id=number) for number, age in enumerate(ages, start=1)]
    catch_up = catch_up_plan(levels, items, (), mode, chosen, TODAY)
    assert catch_up.reason_code in CATCH_UP_REASONS
    if not catch_up.applies:
        assert catch_up.start_level is None
        assert decide(items, catch_up, levels=levels) == decide(items, levels=levels)
        return
    oldest = max(ages)
    assert 0 <= catch_up.start_level.days <= oldest
    assert all(level.days < catch_up.start_level.days or catch_up.statement for level in catch_up.skipped_levels)
    decision = decide(items, catch_up, levels=levels)
    by_id = {level.id: level for level in levels}
    assert decision.level == catch_up.start_level
    assert all(by_id[level_id].days <= catch_up.start_level.days for level_id in decision.item_levels.values())


def test_catch_up_is_a_plain_value():
    assert CatchUp(False, "off") == CatchUp(False, "off")
