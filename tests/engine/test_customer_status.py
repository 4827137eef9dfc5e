"""The customer's state after a batch of the run: status machine, levels by days, open tasks, holds."""

from datetime import date

import pytest

from collections_addon.engine import (
    AGREEMENT_HOLD_STATES,
    AGREEMENT_RUNNING_STATES,
    HOLD_CODES,
    HOLD_STATES,
    NOTARY_HOLD_STATES,
    PROMISE_STATES,
    PROTEST_STATES,
    STATUSES,
    STEP_OUTCOMES,
    TASK_CODES,
    ContactRules,
    FollowupLevel,
    OpenItem,
    PartnerSituation,
    StepResult,
    customer_state,
    decide_partner,
    highest_by_days,
    step_outcome,
    task_code,
)
from collections_addon.engine.customer_status import HOLD_STATUS

TODAY = date(2026, 3, 16)
LAST = date(2026, 3, 2)


def step(action="contact", reason="due", status="overdue", when_done="overdue", **kwargs):
    kwargs.setdefault("level_id", 5)
    kwargs.setdefault("next_date", date(2026, 4, 1))
    return StepResult(action, reason, status, when_done, **kwargs)


def state(result, outcome, **kwargs):
    kwargs.setdefault("level_id", 4)
    kwargs.setdefault("last_date", LAST)
    return customer_state(result, outcome, TODAY, **kwargs)


# ----------------------------------------------------------------------
# How the step went
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "executed", "attempted", "expected"),
    [
        ("contact", True, True, "done"),
        ("contact", False, True, "attempted"),
        ("contact", False, False, "waiting"),
        ("skip", False, False, "resting"),
        ("none", False, False, "resting"),
    ],
)
def test_step_outcome(action, executed, attempted, expected):
    assert step_outcome(action, executed=executed, attempted=attempted) == expected
    assert expected in STEP_OUTCOMES


def test_an_unknown_outcome_is_refused():
    with pytest.raises(ValueError, match="Unknown step outcome"):
        state(step(), "sent")


# ----------------------------------------------------------------------
# The status machine
# ----------------------------------------------------------------------


def test_done_moves_level_and_dates():
    result = state(step(), "done")
    assert (result.status, result.level_id, result.next_date, result.last_date, result.due_level_id) == (
        "overdue",
        5,
        date(2026, 4, 1),
        TODAY,
        None,
    )


def test_done_with_a_call_to_make_stays_on_todays_worklist():
    result = state(step(when_done="to_contact"), "done")
    assert (result.status, result.next_date, result.due_level_id, result.last_date) == ("to_contact", TODAY, 5, TODAY)


def test_attempted_goes_to_the_worklist_without_moving_the_level():
    result = state(step(status="overdue"), "attempted")
    assert (result.status, result.level_id, result.next_date, result.last_date, result.due_level_id) == (
        "to_contact",
        4,
        TODAY,
        LAST,
        5,
    )


def test_waiting_manual_step_shows_its_level_after_the_run_but_not_after_a_refresh():
    manual = step(status="to_contact", auto_execute=False)
    from_run = state(manual, "waiting")
    refresh = state(manual, "waiting", from_run=False)
    assert (from_run.status, from_run.level_id, from_run.next_date, from_run.due_level_id) == (
        "to_contact",
        5,
        TODAY,
        5,
    )
    assert (refresh.level_id, refresh.due_level_id) == (4, 5)


def test_waiting_automatic_step_keeps_the_level():
    assert state(step(auto_execute=True), "waiting").level_id == 4


def test_resting_keeps_level_and_takes_the_next_date():
    result = state(step(action="skip", reason="contact_gap", status="overdue"), "resting")
    assert (result.status, result.level_id, result.next_date, result.last_date, result.due_level_id) == (
        "overdue",
        4,
        date(2026, 4, 1),
        LAST,
        None,
    )


def test_resting_without_open_items_clears_the_level():
    result = state(step(action="none", reason="no_open_items", status="ok", level_id=None, next_date=None), "resting")
    assert (result.status, result.level_id, result.next_date) == ("ok", None, None)


def test_resting_manual_step_waiting_for_a_person_stays_on_the_worklist():
    held = step(action="skip", reason="not_business_day", status="to_contact", auto_execute=False)
    assert state(held, "resting").due_level_id == 5
    automatic = step(action="skip", reason="not_business_day", status="to_contact", auto_execute=True)
    assert state(automatic, "resting").due_level_id is None


def test_the_status_machine_follows_the_engine_decision():
    """A manual level decided by the engine goes through the machine as the run writes it."""
    level = FollowupLevel(id=9, days=60, channels=(), auto_execute=False)
    item = OpenItem(move_id=1, due_date=date(2026, 1, 1), currency="EUR", residual=100.0)
    decision = decide_partner(
        today=TODAY, levels=[level], items=[item], situation=PartnerSituation(1), rules=ContactRules()
    )
    result = customer_state(
        StepResult(
            decision.action,
            decision.reason,
            decision.status,
            decision.status_when_done,
            level_id=decision.level.id,
            auto_execute=decision.auto_execute,
            next_date=decision.next_date,
        ),
        step_outcome(decision.action, executed=False, attempted=False),
        TODAY,
        level_id=None,
        last_date=None,
    )
    assert (result.status, result.level_id, result.due_level_id) == ("to_contact", 9, 9)
    assert result.status in STATUSES


# ----------------------------------------------------------------------
# Levels by days, tasks, holds
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        ([], None),
        ([None], None),
        ([None, (2, 5)], (2, 5)),
        ([(2, 5), None], (2, 5)),
        ([(3, 30), (2, 5)], (3, 30)),
        ([(2, 5), (3, 30)], (3, 30)),
        ([(2, 5), (9, 5)], (9, 5)),
        ([(1, -3), (2, 5)], (2, 5)),
    ],
)
def test_the_highest_level_by_days_wins(candidates, expected):
    assert highest_by_days(candidates) == expected


@pytest.mark.parametrize(
    ("channel", "event_state", "expected"),
    [
        ("call", "queued", "call"),
        ("call", "failed", "failed_contact"),
        ("email", "failed", "failed_contact"),
        ("sms", "cancelled", "failed_contact"),
        ("promise", "failed", "broken_promise"),
        ("task", "queued", "manual_step"),
    ],
)
def test_task_code(channel, event_state, expected):
    assert task_code(channel, event_state) == expected
    assert expected in TASK_CODES


def test_hold_states_are_states_of_their_records():
    assert set(NOTARY_HOLD_STATES) == {"sent", "protocolled", "notified", "suspended"}
    assert set(NOTARY_HOLD_STATES) <= set(PROTEST_STATES)
    assert HOLD_STATES["promise"] == ("open",) and set(HOLD_STATES["promise"]) <= set(PROMISE_STATES)
    assert AGREEMENT_HOLD_STATES == ("proposed", "to_approve", "accepted")
    assert (*AGREEMENT_HOLD_STATES, "active") == AGREEMENT_RUNNING_STATES
    # Every hold but Odoo's own line flag is a record in some state; each hold names a status.
    assert set(HOLD_STATES) == set(HOLD_CODES) - {"no_followup"}
    assert set(HOLD_STATUS) == set(HOLD_CODES)
    assert set(HOLD_STATUS.values()) <= set(STATUSES)
