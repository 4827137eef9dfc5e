"""Follow-up decisions held back or shaped by the contact rules: exclusions and pauses, business days,
the contact gap, channels and status, the next date (see ``test_followup.py`` for the reference dates)."""

from datetime import date, timedelta

from collections_addon.engine import (
    BusinessCalendar,
    ContactRules,
    FollowupLevel,
)

from .followup_cases import L5, L15, L30, MIN_LEVELS, PRE, TODAY, decide, item, situation

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
