"""Follow-up decisions: ``level_due_for_item`` and ``decide_partner``.

Reference dates (2026, Monday-to-Friday calendar unless stated):

    Mon 03-02 .. Fri 03-06, Sat 03-07, Sun 03-08
    Mon 03-09  Tue 03-10  Wed 03-11  Thu 03-12  Fri 03-13  Sat 03-14  Sun 03-15
    Mon 03-16  Tue 03-17  Wed 03-18  Thu 03-19  Fri 03-20  Sat 03-21  Sun 03-22
    Mon 03-23 .. Fri 03-27
    Thu 04-02  Fri 04-03 (Good Friday)  Mon 04-06  Fri 04-10

Most ``decide_partner`` tests run on TODAY = Mon 2026-03-16 with the default contact rules
(minimum gap of 3 business days, Monday-to-Friday calendar).
"""

from datetime import date

import pytest

from collections_addon.engine import (
    CHANNELS,
    ContactRules,
    FollowupLevel,
    PartnerDecision,
    level_due_for_item,
)
from collections_addon.engine.followup import REASONS, sorted_levels

from .followup_cases import L5, L5_MIN100, L15, L30, LEVELS, MIN_LEVELS, PRE, TODAY, decide, item, situation


def test_reference_dates():
    assert TODAY.weekday() == 0
    assert date(2026, 3, 14).weekday() == 5
    assert date(2026, 4, 3).weekday() == 4
    assert date(2026, 4, 10).weekday() == 4


# --- level definitions ------------------------------------------------------------------------------------------


def test_level_defaults():
    level = FollowupLevel(id=9, days=10)
    assert level.min_amount == 0.0
    assert level.channels == ("email",)
    assert level.auto_execute is True


def test_negative_min_amount_raises():
    with pytest.raises(ValueError):
        FollowupLevel(id=1, days=5, min_amount=-0.01)


def test_zero_min_amount_is_allowed():
    assert FollowupLevel(id=1, days=5, min_amount=0).min_amount == 0


@pytest.mark.parametrize("channels", [("fax",), ("email", "pigeon"), ("Email",)])
def test_unknown_channel_raises(channels):
    with pytest.raises(ValueError):
        FollowupLevel(id=1, days=5, channels=channels)


def test_every_known_channel_is_accepted():
    assert FollowupLevel(id=1, days=5, channels=CHANNELS).channels == CHANNELS


def test_negative_contact_gap_raises():
    with pytest.raises(ValueError):
        ContactRules(min_gap_business_days=-1)


def test_duplicate_level_days_raise():
    levels = [FollowupLevel(id=1, days=5), FollowupLevel(id=2, days=5)]
    with pytest.raises(ValueError):
        sorted_levels(levels)
    with pytest.raises(ValueError):
        level_due_for_item(levels, item(1, 10), TODAY)
    with pytest.raises(ValueError):
        decide([item(1, 10)], levels=levels)


def test_levels_are_sorted_by_days_whatever_the_input_order():
    assert sorted_levels([L30, PRE, L15, L5]) == [PRE, L5, L15, L30]


def test_every_reason_code_has_a_label():
    for code in (
        "due",
        "nothing_due",
        "no_open_items",
        "excluded",
        "paused",
        "not_business_day",
        "contact_gap",
        "below_minimum",
    ):
        assert REASONS[code]


# --- level_due_for_item -----------------------------------------------------------------------------------------


def test_pre_due_reminder_is_reached_before_the_due_date():
    # due Thu 03-19, today Mon 03-16: age -3 == PRE.days -> reached
    pre_due = item(1, -3)
    assert pre_due.due_date == date(2026, 3, 19)
    assert level_due_for_item(LEVELS, pre_due, TODAY) == PRE


def test_pre_due_reminder_not_reached_four_days_before():
    # age -4 < -3: nothing reached yet
    assert level_due_for_item(LEVELS, item(1, -4), TODAY) is None


def test_age_exactly_equal_to_level_days_reaches_the_level():
    # due Wed 03-11, today Mon 03-16 -> 5 days late == L5.days
    assert level_due_for_item(LEVELS, item(1, 5, reached_days=-3), TODAY) == L5
    assert level_due_for_item(LEVELS, item(1, 15, reached_days=5), TODAY) == L15
    assert level_due_for_item(LEVELS, item(1, 30, reached_days=15), TODAY) == L30


def test_one_day_before_the_level_days_does_not_reach_it():
    # 4 days late, already reminded before the due date: L5 not reached yet -> nothing new
    assert level_due_for_item(LEVELS, item(1, 4, reached_days=-3), TODAY) is None
    # 14 days late after receiving L5: L15 not reached yet
    assert level_due_for_item(LEVELS, item(1, 14, reached_days=5), TODAY) is None


def test_a_pre_due_reminder_never_goes_out_once_the_invoice_is_due():
    # Regression (issue 10): 4 days late, received nothing: the pre-due reminder ("will fall due") used
    # to be sent after the due date. Nothing is due until the first step after the due date.
    assert level_due_for_item(LEVELS, item(1, 4), TODAY) is None
    assert level_due_for_item(LEVELS, item(1, 0), TODAY) is None, "on the due date itself"
    assert level_due_for_item(LEVELS, item(1, -1), TODAY) == PRE, "the day before"
    d = decide([item(1, 2)])
    assert (d.action, d.reason, d.level) == ("none", "nothing_due", None)
    # ... and the next step is the first one after the due date (due 03-14 + 5 days), not today.
    assert d.next_date == date(2026, 3, 19)


def test_received_level_is_not_sent_again():
    # 10 days late, already got L5 (days 5): L5 is the highest reached and already received
    assert level_due_for_item(LEVELS, item(1, 10, reached_days=5), TODAY) is None


def test_received_level_then_next_level_when_reached():
    # 15 days late, already got L5: L15 (days 15) is now reached and not received
    assert level_due_for_item(LEVELS, item(1, 15, reached_days=5), TODAY) == L15


def test_last_level_received_nothing_more():
    assert level_due_for_item(LEVELS, item(1, 400, reached_days=30), TODAY) is None


def test_excluded_item_gets_nothing():
    assert level_due_for_item(LEVELS, item(1, 60, excluded=True), TODAY) is None
    assert level_due_for_item(LEVELS, item(1, 5, excluded=True), TODAY) is None


def test_sixty_days_late_without_any_level_jumps_to_the_highest_reached():
    # 60 >= 30: PRE, L5, L15 and L30 are all reached; only the highest (L30) is sent
    assert level_due_for_item(LEVELS, item(1, 60), TODAY) == L30


def test_skipping_to_intermediate_level():
    # 20 days late, only the pre-due reminder received: L5 and L15 reached -> L15
    assert level_due_for_item(LEVELS, item(1, 20, reached_days=-3), TODAY) == L15


def test_level_due_ignores_input_order_of_levels():
    assert level_due_for_item([L30, L5, PRE, L15], item(1, 16, reached_days=5), TODAY) == L15


def test_no_levels_means_nothing_due():
    assert level_due_for_item([], item(1, 100), TODAY) is None


def test_stale_reached_days_above_every_reached_level():
    # reached_days 30 but only 20 days late (e.g. the plan changed): nothing lower is re-sent
    assert level_due_for_item(LEVELS, item(1, 20, reached_days=30), TODAY) is None


# --- decide_partner: what is covered ----------------------------------------------------------------------------


def test_one_decision_covers_all_covered_items():
    items = [
        item(10, 5, 100.00),  # due Wed 03-11 -> L5
        item(11, 30, 250.50),  # due Sat 02-14 -> L30 (02-14 + 30 days = 03-16)
        item(12, -3, 49.50),  # due Thu 03-19 -> pre-due reminder
        item(13, -9, 1000.00),  # due Wed 03-25: before the first level (-3) -> not covered
        item(14, 90, 5000.00, excluded=True),  # excluded -> not covered
    ]
    assert items[1].due_date == date(2026, 2, 14)
    d = decide(items)

    assert isinstance(d, PartnerDecision)
    assert d.partner_id == 7
    assert (d.action, d.reason) == ("contact", "due")
    # the partner gets the highest due level among the covered items
    assert d.level == L30
    # covered items, ordered by due date: 02-14, 03-11, 03-19
    assert d.move_ids == (11, 10, 12)
    # each item gets its own level, not the partner's
    assert d.item_levels == {11: L30.id, 10: L5.id, 12: PRE.id}
    # totals only over covered items: 100 + 250.50 + 49.50
    assert d.totals == (("EUR", 400.0),)
    assert d.total_company == 400.0
    # the excluded item is not counted as late; the most late active item is 30 days late
    assert d.max_days_late == 30
    assert d.channels == ("email",)
    assert d.missing_channels == ()
    assert d.auto_execute is True


def test_item_levels_map_each_item_to_its_own_level():
    # a 5-day-late item gets the 5-day level even when the partner level is the 30-day level
    d = decide([item(1, 5), item(2, 31)])
    assert d.level == L30
    assert d.item_levels == {1: L5.id, 2: L30.id}


def test_covered_item_that_already_got_its_level_is_included_but_has_no_item_level():
    # item 2: 10 days late, already received L5 -> nothing new for it, but it is still listed
    d = decide([item(1, 15, reached_days=5), item(2, 10, reached_days=5)])
    assert d.action == "contact"
    assert d.level == L15
    assert d.move_ids == (1, 2)
    assert d.item_levels == {1: L15.id}
    assert d.total_company == 200.0


def test_ties_on_due_date_are_ordered_by_move_id():
    d = decide([item(9, 5), item(3, 5), item(5, 5)])
    assert d.move_ids == (3, 5, 9)


def test_no_open_items():
    d = decide([])
    assert (d.action, d.reason, d.status) == ("none", "no_open_items", "ok")
    assert d.level is None
    assert d.move_ids == ()
    assert d.next_date is None


def test_items_with_zero_residual_are_ignored():
    d = decide([item(1, 60, 0.0), item(2, 40, 0)])
    assert (d.action, d.reason, d.status) == ("none", "no_open_items", "ok")

    d = decide([item(1, 60, 0.0), item(2, 5, 80.0)])
    assert d.move_ids == (2,)
    assert d.level == L5  # the 60-day zero item does not lift the partner to L30
    assert d.max_days_late == 5
    assert d.total_company == 80.0


def test_only_excluded_items_nothing_due():
    d = decide([item(1, 60, excluded=True)])
    assert (d.action, d.reason) == ("none", "nothing_due")
    # Regression (issue 10): late debt kept out of the follow-up is still late debt, never "up to date".
    assert d.status == "overdue"
    assert d.max_days_late == 0, "nothing the follow-up chases is late"
    assert d.next_date is None
    assert d.move_ids == ()


@pytest.mark.parametrize(
    ("holds", "status"),
    [
        (("promise",), "promised"),
        (("dispute",), "disputed"),
        (("agreement",), "agreement"),
        (("notary",), "notary"),
        (("promise", "dispute"), "disputed"),
        (("promise", "notary", "agreement"), "notary"),
        (("no_followup", "promise"), "promised"),
    ],
)
def test_a_customer_whose_late_debt_is_held_says_why(holds, status):
    items = [item(n, 10 + n, excluded=True, hold=hold) for n, hold in enumerate(holds, start=1)]
    d = decide(items)
    assert (d.action, d.status, d.resting_status) == ("none", status, status)


def test_held_debt_not_yet_due_leaves_the_customer_up_to_date():
    assert decide([item(1, -10, excluded=True, hold="promise")]).status == "ok"


def test_late_debt_that_is_followed_up_wins_over_a_hold():
    d = decide([item(1, 8), item(2, 40, excluded=True, hold="dispute")])
    assert (d.action, d.level, d.move_ids) == ("contact", L5, (1,))
    assert d.status_when_done == "overdue"


def test_a_running_agreement_names_the_status_when_nothing_is_late():
    d = decide([item(1, -20)], situation=situation(agreement_running=True))
    assert d.status == "agreement"
    d = decide([item(1, 8)], situation=situation(agreement_running=True))
    assert (d.action, d.status_when_done) == ("contact", "overdue"), "a late instalment is chased as usual"


def test_unknown_hold_code_is_refused():
    with pytest.raises(ValueError, match="Unknown hold"):
        item(1, 5, excluded=True, hold="vacation")


@pytest.mark.parametrize("task", ["call", "failed_contact", "broken_promise", "manual_step"])
def test_open_tasks_keep_the_customer_on_the_worklist_any_day(task):
    saturday = date(2026, 3, 14)
    open_tasks = frozenset({task})
    for today in (TODAY, saturday):
        d = decide([item(1, 7, today=today, reached_days=5)], today=today, situation=situation(open_tasks=open_tasks))
        assert (d.action, d.status) == ("none", "to_contact")
    d = decide([item(1, 5, today=saturday)], today=saturday, situation=situation(open_tasks=open_tasks))
    assert (d.action, d.reason, d.status) == ("skip", "not_business_day", "to_contact")
    paused = situation(open_tasks=open_tasks, paused_until=TODAY)
    assert decide([item(1, 7)], situation=paused).status == "paused", "a pause wins: it cancels pending contacts"


# --- totals and currencies --------------------------------------------------------------------------------------


def test_totals_are_grouped_per_currency_and_rounded_with_currency_digits():
    items = [
        item(1, 6, 1000.4, currency="JPY", residual_company=6.10),
        item(2, 7, 500.3, currency="JPY", residual_company=3.05),
        item(3, 8, 10.123, currency="EUR"),
        item(4, 9, 20.001, currency="EUR"),
        item(5, 10, 12.3456, currency="USD", residual_company=11.114),
    ]
    d = decide(items, currency_digits={"JPY": 0, "EUR": 2, "USD": 2})
    totals = dict(d.totals)
    assert len(d.totals) == 3
    # JPY: 1000.4 + 500.3 = 1500.7 -> 0 digits -> 1501
    assert totals["JPY"] == 1501.0
    # EUR: 10.123 + 20.001 = 30.124 -> 30.12
    assert totals["EUR"] == 30.12
    # USD: 12.3456 -> 12.35
    assert totals["USD"] == 12.35
    # company amounts: 6.10 + 3.05 + 10.123 + 20.001 + 11.114 = 50.388 -> 50.39
    assert d.total_company == 50.39


def test_unknown_currency_defaults_to_two_digits():
    d = decide([item(1, 5, 10.006, currency="XYZ")])
    assert d.totals == (("XYZ", 10.01),)


def test_integer_currency_ids_are_supported():
    d = decide([item(1, 5, 10.0, currency=1), item(2, 6, 2.5, currency=1), item(3, 7, 7.0, currency=2)])
    assert dict(d.totals) == {1: 12.5, 2: 7.0}


def test_company_digits_round_the_company_total():
    d = decide([item(1, 5, 100.4), item(2, 6, 100.3)], company_digits=0)
    # 200.7 -> 201 with 0 company digits
    assert d.total_company == 201.0


def test_float_noise_does_not_leak_into_totals():
    d = decide([item(1, 5, 0.1), item(2, 6, 0.2)])
    assert d.totals == (("EUR", 0.3),)
    assert d.total_company == 0.3


# --- minimum amount ---------------------------------------------------------------------------------------------


def test_amount_exactly_at_level_minimum_contacts():
    d = decide([item(1, 5, 60.00), item(2, 5, 40.00)], levels=MIN_LEVELS)
    assert (d.action, d.reason) == ("contact", "due")
    assert d.total_company == 100.0


def test_amount_summing_with_float_noise_to_the_minimum_contacts():
    # 33.33 + 33.33 + 33.34 is 100.00 once rounded to cents
    d = decide([item(1, 5, 33.33), item(2, 5, 33.33), item(3, 5, 33.34)], levels=MIN_LEVELS)
    assert d.action == "contact"


def test_one_cent_under_level_minimum_skips():
    d = decide([item(1, 5, 60.00), item(2, 5, 39.99)], levels=MIN_LEVELS)
    assert (d.action, d.reason, d.status) == ("skip", "below_minimum", "overdue")
    assert d.level == L5_MIN100
    assert d.move_ids == (1, 2)
    assert d.total_company == 99.99
    assert d.channels == ()
    # next step: both items would be at L5, the next level (30 days) comes on 03-11 + 30 = Fri 04-10
    assert d.next_date == date(2026, 4, 10)


def test_minimum_is_checked_against_company_amounts():
    # 120 USD is worth 100 in the company currency: exactly the minimum
    d = decide([item(1, 5, 120.0, currency="USD", residual_company=100.0)], levels=MIN_LEVELS)
    assert d.action == "contact"
    assert d.totals == (("USD", 120.0),)
    # 120 USD worth 99.99: under the minimum although the residual is larger
    d = decide([item(1, 5, 120.0, currency="USD", residual_company=99.99)], levels=MIN_LEVELS)
    assert (d.action, d.reason) == ("skip", "below_minimum")


def test_minimum_of_the_partner_level_applies():
    # partner level is L30 (no minimum) even though the L5 item is small
    d = decide([item(1, 5, 1.0), item(2, 30, 1.0)], levels=MIN_LEVELS)
    assert d.level == L30
    assert d.action == "contact"
