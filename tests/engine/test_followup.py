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

from datetime import date, timedelta

import pytest

from collections_addon.engine import (
    CHANNELS,
    EVENT_STATES,
    UNSENT_STATES,
    BusinessCalendar,
    ContactRules,
    FollowupLevel,
    OpenItem,
    PartnerDecision,
    PartnerSituation,
    claimed_items,
    contact_points,
    decide_partner,
    is_overdue,
    level_due_for_item,
    split_by_due,
)
from collections_addon.engine.followup import REASONS, sorted_levels

TODAY = date(2026, 3, 16)  # Monday

PRE = FollowupLevel(id=1, days=-3)  # reminder three days before the due date
L5 = FollowupLevel(id=2, days=5)
L15 = FollowupLevel(id=3, days=15)
L30 = FollowupLevel(id=4, days=30)
LEVELS = [PRE, L5, L15, L30]


def item(move_id, days_late, residual=100.0, *, today=TODAY, currency="EUR", **kwargs):
    """An open item whose due date is ``days_late`` days before ``today`` (negative = not due yet)."""
    return OpenItem(
        move_id=move_id,
        due_date=today - timedelta(days=days_late),
        currency=currency,
        residual=residual,
        **kwargs,
    )


def situation(**kwargs):
    return PartnerSituation(partner_id=kwargs.pop("partner_id", 7), **kwargs)


def decide(items, *, levels=LEVELS, today=TODAY, **kwargs):
    kwargs.setdefault("situation", situation())
    return decide_partner(today=today, levels=levels, items=items, **kwargs)


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

L5_MIN100 = FollowupLevel(id=2, days=5, min_amount=100.0)
MIN_LEVELS = [L5_MIN100, L30]


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


# --- excluded / paused ------------------------------------------------------------------------------------------


def test_excluded_partner():
    d = decide([item(1, 30)], situation=situation(excluded=True))
    assert (d.action, d.reason, d.status) == ("skip", "excluded", "excluded")
    assert d.level is None
    assert d.move_ids == ()
    # the figures are still reported
    assert d.max_days_late == 30
    assert d.total_company == 100.0


def test_excluded_partner_with_nothing_due():
    d = decide([item(1, -10)], situation=situation(excluded=True))
    assert (d.action, d.reason, d.status) == ("none", "excluded", "excluded")


def test_paused_until_today_is_paused_and_resumes_next_business_day():
    d = decide([item(1, 30)], situation=situation(paused_until=TODAY))
    assert (d.action, d.reason, d.status) == ("skip", "paused", "paused")
    # pause ends Mon 03-16 -> next business day Tue 03-17
    assert d.next_date == date(2026, 3, 17)
    assert d.level is None


def test_paused_until_friday_resumes_monday():
    d = decide([item(1, 30)], situation=situation(paused_until=date(2026, 3, 20)))
    assert d.reason == "paused"
    # pause ends Fri 03-20 -> Sat, Sun -> Mon 03-23
    assert d.next_date == date(2026, 3, 23)


def test_paused_until_thursday_before_good_friday_resumes_after_easter_weekend():
    calendar = BusinessCalendar(holidays={date(2026, 4, 3)})
    today = date(2026, 3, 30)  # Monday
    d = decide(
        [item(1, 30, today=today)],
        today=today,
        situation=situation(paused_until=date(2026, 4, 2)),
        rules=ContactRules(calendar=calendar),
    )
    assert d.reason == "paused"
    # pause ends Thu 04-02 -> Fri 04-03 holiday, weekend -> Mon 04-06
    assert d.next_date == date(2026, 4, 6)


def test_paused_with_nothing_due_is_still_paused_status():
    d = decide([item(1, -10)], situation=situation(paused_until=TODAY + timedelta(days=3)))
    assert (d.action, d.reason, d.status) == ("none", "paused", "paused")


def test_pause_that_ended_yesterday_does_not_hold_back():
    d = decide([item(1, 30)], situation=situation(paused_until=TODAY - timedelta(days=1)))
    assert (d.action, d.reason) == ("contact", "due")
    assert d.status != "paused"


# --- business days ----------------------------------------------------------------------------------------------


def test_saturday_is_not_a_business_day():
    saturday = date(2026, 3, 14)
    d = decide([item(1, 5, today=saturday)], today=saturday)
    assert (d.action, d.reason, d.status) == ("skip", "not_business_day", "overdue")
    # Sat 03-14 -> Mon 03-16
    assert d.next_date == date(2026, 3, 16)
    # what would be sent is still described
    assert d.level == L5
    assert d.move_ids == (1,)
    assert d.item_levels == {1: L5.id}
    assert d.channels == ()


def test_weekend_next_date_still_respects_the_contact_gap():
    # Regression: on a non-business day the next date ignored the gap. Last contact Thu 03-12,
    # gap 3 -> allowed Tue 03-17, not the first business day Mon 03-16.
    saturday = date(2026, 3, 14)
    d = decide(
        [item(1, 5, today=saturday)],
        today=saturday,
        situation=situation(last_contact=date(2026, 3, 12)),
    )
    assert d.reason == "not_business_day"
    assert d.next_date == date(2026, 3, 17)


def test_holiday_is_not_a_business_day():
    rules = ContactRules(calendar=BusinessCalendar(holidays={TODAY}))
    d = decide([item(1, 5)], rules=rules)
    assert (d.action, d.reason) == ("skip", "not_business_day")
    # Mon 03-16 holiday -> Tue 03-17
    assert d.next_date == date(2026, 3, 17)


def test_friday_holiday_before_weekend_postpones_to_monday():
    good_friday = date(2026, 4, 3)
    rules = ContactRules(calendar=BusinessCalendar(holidays={good_friday}))
    d = decide([item(1, 5, today=good_friday)], today=good_friday, rules=rules)
    assert d.reason == "not_business_day"
    assert d.next_date == date(2026, 4, 6)


def test_six_day_calendar_contacts_on_saturday():
    saturday = date(2026, 3, 14)
    rules = ContactRules(calendar=BusinessCalendar(workdays=range(6)))
    d = decide([item(1, 5, today=saturday)], today=saturday, rules=rules)
    assert d.action == "contact"


def test_weekend_with_nothing_due_is_none_not_skip():
    saturday = date(2026, 3, 14)
    d = decide([item(1, -10, today=saturday)], today=saturday)
    assert (d.action, d.reason) == ("none", "nothing_due")


# --- contact gap ------------------------------------------------------------------------------------------------


def test_contacted_two_business_days_ago_with_gap_three_is_held_back():
    today = date(2026, 3, 12)  # Thursday
    last = date(2026, 3, 10)  # Tuesday: (Tue, Thu] = Wed, Thu = 2 business days
    rules = ContactRules(min_gap_business_days=3)
    assert rules.calendar.business_days_between(last, today) == 2
    d = decide([item(1, 5, today=today)], today=today, situation=situation(last_contact=last), rules=rules)
    assert (d.action, d.reason, d.status) == ("skip", "contact_gap", "overdue")
    # Tue + 3 business days = Fri 03-13
    assert d.next_date == rules.calendar.add_business_days(last, 3) == date(2026, 3, 13)
    assert d.level == L5
    assert d.move_ids == (1,)


def test_contacted_three_business_days_ago_with_gap_three_contacts():
    today = date(2026, 3, 12)  # Thursday
    last = date(2026, 3, 9)  # Monday: Tue, Wed, Thu = 3 business days
    rules = ContactRules(min_gap_business_days=3)
    assert rules.calendar.business_days_between(last, today) == 3
    d = decide([item(1, 5, today=today)], today=today, situation=situation(last_contact=last), rules=rules)
    assert (d.action, d.reason) == ("contact", "due")


def test_contact_gap_counts_business_days_across_the_weekend():
    rules = ContactRules(min_gap_business_days=3)
    last = date(2026, 3, 5)  # Thursday; + Fri, Mon, Tue -> allowed Tue 03-10
    monday, tuesday = date(2026, 3, 9), date(2026, 3, 10)

    d = decide([item(1, 5, today=monday)], today=monday, situation=situation(last_contact=last), rules=rules)
    assert (d.action, d.reason) == ("skip", "contact_gap")
    assert d.next_date == tuesday

    d = decide([item(1, 5, today=tuesday)], today=tuesday, situation=situation(last_contact=last), rules=rules)
    assert d.action == "contact"


def test_contact_gap_counts_business_days_across_a_holiday():
    monday, tuesday, wednesday = date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11)
    rules = ContactRules(min_gap_business_days=3, calendar=BusinessCalendar(holidays={monday}))
    last = date(2026, 3, 5)  # Thursday; + Fri, (Mon holiday), Tue, Wed -> allowed Wed 03-11

    d = decide([item(1, 5, today=tuesday)], today=tuesday, situation=situation(last_contact=last), rules=rules)
    assert (d.action, d.reason) == ("skip", "contact_gap")
    assert d.next_date == wednesday

    d = decide([item(1, 5, today=wednesday)], today=wednesday, situation=situation(last_contact=last), rules=rules)
    assert d.action == "contact"


def test_zero_gap_allows_a_second_contact_the_same_day():
    rules = ContactRules(min_gap_business_days=0)
    d = decide([item(1, 5)], situation=situation(last_contact=TODAY), rules=rules)
    assert d.action == "contact"


def test_contact_gap_is_checked_before_the_minimum_amount():
    d = decide(
        [item(1, 5, 1.0)],
        levels=MIN_LEVELS,
        situation=situation(last_contact=TODAY - timedelta(days=1)),
    )
    assert d.reason == "contact_gap"


# --- channels and status ----------------------------------------------------------------------------------------


def test_email_level_with_email_on_file_runs_automatically():
    d = decide([item(1, 5)], situation=situation(contact_points=frozenset({"email"})))
    assert d.action == "contact"
    assert d.channels == ("email",)
    assert d.missing_channels == ()
    assert d.status == "overdue"
    assert d.auto_execute is True


def test_missing_email_contact_point_goes_to_a_collector():
    d = decide([item(1, 5)], situation=situation(contact_points=frozenset()))
    assert (d.action, d.reason) == ("contact", "due")
    assert d.channels == ("email",)
    assert d.missing_channels == ("email",)
    assert d.status == "to_contact"


def test_channels_follow_the_canonical_order_and_only_missing_ones_are_reported():
    level = FollowupLevel(id=2, days=5, channels=("sms", "email"))
    d = decide([item(1, 5)], levels=[level], situation=situation(contact_points=frozenset({"email"})))
    assert d.channels == ("email", "sms")
    assert d.missing_channels == ("sms",)
    assert d.status == "to_contact"


def test_call_channel_needs_no_contact_point_but_a_collector():
    level = FollowupLevel(id=2, days=5, channels=("call",))
    d = decide([item(1, 5)], levels=[level], situation=situation(contact_points=frozenset()))
    assert d.action == "contact"
    assert d.channels == ("call",)
    assert d.missing_channels == ()
    assert d.status == "to_contact"


def test_level_not_auto_executed_goes_to_a_collector():
    level = FollowupLevel(id=2, days=5, auto_execute=False)
    d = decide([item(1, 5)], levels=[level])
    assert d.action == "contact"
    assert d.missing_channels == ()
    assert d.auto_execute is False
    assert d.status == "to_contact"


def test_decision_without_level_is_not_auto_executed():
    assert decide([]).auto_execute is False


# --- next date --------------------------------------------------------------------------------------------------


def test_next_date_after_contact_is_the_next_level_date_when_later_than_the_gap():
    # due Wed 03-11 (5 days late), L5 sent today; next level L15 at 03-11 + 15 = Thu 03-26
    # gap: Mon 03-16 + 3 business days = Thu 03-19 -> the level date wins
    d = decide([item(1, 5)], levels=[L5, L15])
    assert d.next_date == date(2026, 3, 26)


def test_next_date_after_contact_respects_the_minimum_gap():
    # next level on 03-11 + 6 = Tue 03-17, but the gap allows the next contact only on Thu 03-19
    d = decide([item(1, 5)], levels=[L5, FollowupLevel(id=9, days=6)])
    assert d.next_date == date(2026, 3, 19)


def test_next_date_after_contact_with_a_longer_gap_across_a_holiday():
    # gap 5 from Mon 03-16: Tue, Wed, (Thu holiday), Fri, Mon, Tue -> Tue 03-24
    rules = ContactRules(min_gap_business_days=5, calendar=BusinessCalendar(holidays={date(2026, 3, 19)}))
    d = decide([item(1, 5)], levels=[L5, FollowupLevel(id=9, days=6)], rules=rules)
    assert d.next_date == date(2026, 3, 24)


def test_next_date_on_a_weekend_rolls_to_the_next_business_day():
    # next level on 03-11 + 11 = Sun 03-22 -> Mon 03-23
    d = decide([item(1, 5)], levels=[L5, FollowupLevel(id=9, days=11)])
    assert d.next_date == date(2026, 3, 23)


def test_next_date_considers_items_not_yet_covered():
    # item 2 is due Wed 03-25; its pre-due reminder comes on Sun 03-22 -> Mon 03-23,
    # earlier than item 1's next level (03-11 + 15 = Thu 03-26)
    d = decide([item(1, 5), item(2, -9)], levels=[PRE, L5, L15])
    assert d.move_ids == (1,)
    assert d.next_date == date(2026, 3, 23)


def test_next_date_after_contact_at_the_last_level_is_none():
    d = decide([item(1, 30)], levels=[L5, L30])
    assert d.action == "contact"
    assert d.next_date is None


def test_next_date_when_nothing_is_due_yet():
    # item 10 days late already got L5; L15 comes on 03-06 + 15 = Sat 03-21 -> Mon 03-23
    d = decide([item(1, 10, reached_days=5)])
    assert (d.action, d.reason, d.status) == ("none", "nothing_due", "overdue")
    assert d.next_date == date(2026, 3, 23)
    assert d.level is None


def test_next_date_when_nothing_is_due_respects_the_last_contact_gap():
    # next level date Mon 03-23, but with a 10-business-day gap from Fri 03-13 the next contact
    # is only possible on Fri 03-27
    rules = ContactRules(min_gap_business_days=10)
    d = decide([item(1, 10, reached_days=5)], situation=situation(last_contact=date(2026, 3, 13)), rules=rules)
    assert d.reason == "nothing_due"
    assert d.next_date == date(2026, 3, 27)


def test_partner_with_only_future_items_is_ok():
    # due Wed 03-25, first level (-3) on Sun 03-22 -> Mon 03-23
    d = decide([item(1, -9)])
    assert (d.action, d.reason, d.status) == ("none", "nothing_due", "ok")
    assert d.max_days_late == 0
    assert d.move_ids == ()
    assert d.next_date == date(2026, 3, 23)


# --- several currencies -----------------------------------------------------------------------------------------


def test_several_currencies_in_one_decision():
    items = [
        item(1, 40, 150000.0, currency="JPY", residual_company=920.00),
        item(2, 20, 300.00, currency="USD", residual_company=275.50),
        item(3, 5, 200.00, currency="EUR"),
        item(4, 6, 49.99, currency="EUR"),
    ]
    d = decide(items, currency_digits={"JPY": 0, "USD": 2, "EUR": 2})
    assert d.level == L30
    assert d.move_ids == (1, 2, 4, 3)  # by due date: 40, 20, 6, 5 days late
    assert d.item_levels == {1: L30.id, 2: L15.id, 3: L5.id, 4: L5.id}
    assert dict(d.totals) == {"JPY": 150000.0, "USD": 300.0, "EUR": 249.99}
    # 920 + 275.50 + 200 + 49.99
    assert d.total_company == 1445.49
    assert d.max_days_late == 40


def test_pre_due_reminder_does_not_make_the_partner_overdue():
    # Only a pre-due reminder is sent (due Thu 03-19, today Mon 03-16): nothing is overdue, so the
    # status after the decision should stay 'ok' (as it is on a non-business day or under the gap).
    d = decide([item(1, -3)])
    assert d.action == "contact"
    assert d.max_days_late == 0
    assert d.status == "ok"


def test_status_when_done_keeps_calls_on_the_worklist():
    call_level = FollowupLevel(id=9, days=5, channels=("email", "call"))
    assert decide([item(1, 8)], levels=[call_level]).status_when_done == "to_contact"
    assert decide([item(1, 8)]).status_when_done == "overdue"
    assert decide([item(1, -2)]).status_when_done == "ok", "only a pre-due reminder: nothing is overdue"


def test_unrestricted_rules_allow_a_sunday_right_after_a_contact():
    sunday = date(2026, 3, 15)
    d = decide(
        [item(1, 8, today=sunday)],
        today=sunday,
        rules=ContactRules.unrestricted(),
        situation=situation(last_contact=date(2026, 3, 13)),
    )
    assert (d.action, d.reason) == ("contact", "due")


def test_instalments_of_one_invoice_follow_their_own_levels():
    # One invoice (move 10) in two instalments: line 101 is 34 days late, line 102 is due in 25 days.
    late = item(10, 34, line_id=101)
    later = item(10, -25, line_id=102)
    d = decide([late, later])
    assert d.level == L30
    assert d.move_ids == (10,), "the invoice is listed once"
    assert d.item_levels == {101: L30.id}, "the instalment not yet in the window receives nothing"
    # next: the second instalment's pre-due reminder (due 04-10, -3 days -> 04-07)
    assert d.next_date == date(2026, 4, 7)


def test_credits_reduce_the_claim_and_never_reach_a_level():
    credit = item(5, 2, residual=-40.0)
    d = decide([item(1, 8), credit])
    assert (d.action, d.level) == ("contact", L5)
    assert d.total_company == 60.0
    assert dict(d.totals) == {"EUR": 60.0}
    assert 5 in d.move_ids, "the credit note is listed in the reminder"
    assert 5 not in d.item_levels


def test_a_customer_whose_credits_cover_everything_is_not_chased():
    d = decide([item(1, 8), item(5, 2, residual=-100.0)])
    assert (d.action, d.reason, d.status) == ("skip", "covered_by_credit", "ok")


def test_credits_alone_are_nothing_to_do():
    d = decide([item(5, 2, residual=-100.0)])
    assert (d.action, d.reason) == ("none", "nothing_due")


def test_newly_due_lists_only_the_invoices_reaching_the_step_level():
    # Move 1 (20 days late) reaches L15; move 2 (6 days late) only L5: the step is L15, newly due for move 1.
    d = decide([item(1, 20), item(2, 6)])
    assert d.level == L15
    assert d.newly_due_move_ids == frozenset({1})


@pytest.mark.parametrize(
    ("today", "paused_until", "excluded", "excluded_until", "expected"),
    [
        (date(2026, 3, 16), None, False, None, False),
        (date(2026, 3, 16), date(2026, 3, 16), False, None, True),
        (date(2026, 3, 17), date(2026, 3, 16), False, None, False),
        (date(2026, 3, 16), None, True, None, True),
        (date(2026, 3, 16), None, True, date(2026, 3, 15), False),
        (date(2026, 3, 16), date(2026, 3, 1), True, date(2026, 3, 20), True),
    ],
)
def test_on_hold(today, paused_until, excluded, excluded_until, expected):
    from collections_addon.engine import on_hold

    assert on_hold(today, paused_until, excluded, excluded_until) is expected


# --- what a reminder claims: overdue apart from what comes due -------------------------------------------------


def test_the_claim_is_the_overdue_total_not_what_comes_due():
    # The demo's bakery: $2,300 overdue and an $860 invoice due in three days, both in the window.
    overdue, coming = item(1, 18, 2300.0), item(2, -3, 860.0)
    d = decide([overdue, coming])
    assert d.move_ids == (1, 2), "both are listed"
    assert d.total_company == 3160.0
    assert d.claimed_company == 2300.0, "only what is overdue is claimed"
    assert d.claimed_move_ids == (1,)


def test_a_reminder_before_the_due_date_claims_what_comes_due():
    d = decide([item(1, -3, 120.0), item(2, -1, 30.0)])
    assert (d.action, d.level) == ("contact", PRE)
    assert d.claimed_company == 150.0
    assert d.claimed_move_ids == (2, 1), "by due date"


def test_overdue_credits_reduce_the_claim_and_coming_items_do_not_add_to_it():
    d = decide([item(1, 8, 100.0), item(5, 2, residual=-40.0), item(2, -2, 70.0)])
    assert d.total_company == 130.0
    assert d.claimed_company == 60.0
    assert d.claimed_move_ids == (1, 5)


def test_the_claim_is_in_company_currency():
    d = decide([item(1, 8, 100.0, currency="USD", residual_company=90.0), item(2, -2, 50.0, residual_company=45.0)])
    assert d.claimed_company == 90.0


def test_every_overdue_item_is_listed_even_under_the_first_level():
    # A plan whose first step is 5 days late: an invoice 2 days late rides along with the step of an
    # older one, so the reminder claims the whole overdue total; it receives no level of its own.
    d = decide([item(1, 10), item(2, 2)], levels=[L5, L15])
    assert (d.action, d.level) == ("contact", L5)
    assert d.move_ids == (1, 2)
    assert d.item_levels == {1: L5.id}
    assert d.claimed_company == 200.0
    # Alone, the young invoice does not start the plan.
    assert decide([item(2, 2)], levels=[L5, L15]).action == "none"


def test_skip_decisions_carry_the_claim_too():
    d = decide([item(1, 8), item(2, -2)], situation=situation(last_contact=date(2026, 3, 13)))
    assert (d.action, d.reason) == ("skip", "contact_gap")
    assert d.claimed_company == 100.0


def test_split_by_due_and_is_overdue_agree_on_the_due_date_itself():
    due_today, late, later = item(1, 0), item(2, 1), item(3, -1)
    assert is_overdue(late, TODAY) and not is_overdue(due_today, TODAY)
    assert split_by_due([due_today, late, later], TODAY) == ([late], [due_today, later])


def test_claimed_items_ignore_excluded_items():
    disputed = item(3, 40, excluded=True)
    assert claimed_items([item(1, 8), disputed], TODAY) == [item(1, 8)]
    assert claimed_items([disputed], TODAY) == []


# ----------------------------------------------------------------------
# Contact points and event states
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "mobile", "expected"),
    [
        (False, False, {"letter"}),
        (True, False, {"email", "letter"}),
        (False, True, {"letter", "sms", "whatsapp"}),
        (True, True, {"email", "letter", "sms", "whatsapp"}),
    ],
)
def test_contact_points(email, mobile, expected):
    points = contact_points(email=email, mobile=mobile)
    assert points == expected
    assert points <= set(CHANNELS)


def test_a_customer_without_mobile_misses_the_text_channels_of_the_step():
    level = FollowupLevel(id=1, days=5, channels=("sms", "whatsapp", "letter"))
    decision = decide(
        [item(1, 8)],
        levels=[level],
        situation=situation(contact_points=contact_points(email=True, mobile=False)),
    )
    assert (decision.action, decision.channels, decision.missing_channels) == (
        "contact",
        ("sms", "whatsapp", "letter"),
        ("sms", "whatsapp"),
    )
    assert decision.status == "to_contact"


def test_unsent_states_are_event_states():
    assert set(UNSENT_STATES) == {"failed", "cancelled"}
    assert set(UNSENT_STATES) < set(EVENT_STATES)
    assert EVENT_STATES[0] == "queued"
