"""What a follow-up step claims and how it reaches the customer: currencies, overdue apart from what comes due,
contact points (see ``test_followup.py`` for the reference dates)."""

from datetime import date

import pytest

from collections_addon.engine import (
    CHANNELS,
    EVENT_STATES,
    UNSENT_STATES,
    ContactRules,
    FollowupLevel,
    claimed_items,
    contact_points,
    is_overdue,
    split_by_due,
)

from .followup_cases import L5, L15, L30, PRE, TODAY, decide, item, situation

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
