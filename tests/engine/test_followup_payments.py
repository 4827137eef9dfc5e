"""Unmatched incoming payments hold the customer's reminder back (``decide_partner``, reason ``unmatched_payment``).

A payment registered but not matched to its invoice leaves the invoice open in the books: the customer
may well have paid. Credit notes keep being netted against the claim (``covered_by_credit``).
"""

from hypothesis import given
from hypothesis import strategies as st

from collections_addon.engine import TO_CONTACT, awaits_reconciliation

from .followup_cases import TODAY, decide, item, situation


def test_an_unmatched_payment_holds_the_due_step_back_with_a_task_today():
    decision = decide([item(1, 8)], situation=situation(unmatched_payments=40.0))
    assert (decision.action, decision.reason, decision.status) == ("skip", "unmatched_payment", TO_CONTACT)
    assert decision.next_date == TODAY
    assert decision.level is not None and decision.move_ids == (1,), "the step it holds back is named"


def test_no_unmatched_payment_lets_the_step_go_out():
    assert decide([item(1, 8)], situation=situation(unmatched_payments=0.0)).action == "contact"


def test_nothing_due_is_not_held_and_no_task_is_asked():
    decision = decide([item(1, 2)], situation=situation(unmatched_payments=40.0))
    assert (decision.action, decision.reason) == ("none", "nothing_due")


def test_pause_and_exclusion_come_first():
    assert decide([item(1, 8)], situation=situation(unmatched_payments=5.0, excluded=True)).reason == "excluded"


def test_the_contact_gap_and_calendar_come_first():
    from datetime import date

    recent = situation(unmatched_payments=5.0, last_contact=date(2026, 3, 13))
    assert decide([item(1, 8)], situation=recent).reason == "contact_gap"
    saturday = date(2026, 3, 21)
    assert decide(
        [item(1, 13, today=saturday)], today=saturday, situation=situation(unmatched_payments=5.0)
    ).reason == ("not_business_day")


def test_credit_notes_alone_are_still_netted():
    covered = decide([item(1, 8), item(2, 2, residual=-100.0)])
    assert covered.reason == "covered_by_credit"


def test_a_rounding_residue_holds_nothing_back():
    assert decide([item(1, 8)], situation=situation(unmatched_payments=0.001)).action == "contact"


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False), st.integers(min_value=0, max_value=4))
def test_awaits_reconciliation_exactly_when_something_is_left_at_the_precision(amount, digits):
    assert awaits_reconciliation(amount, digits) == (round(amount, digits) > 0)
    assert not awaits_reconciliation(-amount, digits)
